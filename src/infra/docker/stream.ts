import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

async function write(out: Writable, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/**
 * Copy the engine's multiplexed output stream (8-byte frame headers: stream type, 3 zero bytes,
 * big-endian length; as for logs and non-TTY exec) to stdout and stderr, with backpressure.
 * Stream type 0 (stdin echo) and 1 go to stdout, 2 to stderr.
 */
export async function demultiplex(source: Readable, stdout: Writable, stderr: Writable): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    buf = buf.length === 0 ? (chunk as Buffer) : Buffer.concat([buf, chunk as Buffer]);
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      await write(buf[0] === 2 ? stderr : stdout, buf.subarray(8, 8 + size));
      buf = buf.subarray(8 + size);
    }
  }
}

/** A TTY exec's output is raw bytes: copy them as they come. */
export async function copyRaw(source: Readable, out: Writable): Promise<void> {
  for await (const chunk of source) await write(out, chunk as Buffer);
}
