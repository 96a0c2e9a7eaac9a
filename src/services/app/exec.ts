import type { Readable, Writable } from 'node:stream';
import { EngineError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { copyRaw, demultiplex } from '../../infra/docker/stream.js';

/** Where an exec's streams go. The command passes the terminal; post-deploy runs pass sinks. */
export interface ExecStdio {
  /** Attached as the process's stdin; its end closes the process's stdin. */
  stdin?: Readable | undefined;
  stdout: Writable;
  stderr: Writable;
  /** With a TTY: the terminal's size now and when it changes. */
  terminal?: {
    size(): { rows: number; columns: number } | undefined;
    onResize(listener: () => void): () => void;
  };
}

export interface ExecSpec {
  cmd: string[];
  env?: string[];
  user?: string | undefined;
  tty: boolean;
}

/**
 * Run a command in a container through the Engine API (exec create, attached start over an
 * upgraded connection, exec inspect) and return its exit code. Output is demultiplexed into
 * stdout and stderr (raw with a TTY); stdin is streamed in and its end closes the write side.
 */
export async function execInContainer(
  docker: DockerClient,
  containerId: string,
  spec: ExecSpec,
  stdio: ExecStdio,
): Promise<number> {
  const { Id } = await docker.createExec(containerId, {
    Cmd: spec.cmd,
    AttachStdin: stdio.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: spec.tty,
    ...(spec.env && spec.env.length > 0 ? { Env: spec.env } : {}),
    ...(spec.user ? { User: spec.user } : {}),
  });
  const conn = await docker.startExec(Id, { tty: spec.tty });
  let stopResize: (() => void) | undefined;
  if (spec.tty && stdio.terminal) {
    const resize = () => {
      const size = stdio.terminal?.size();
      if (size) docker.resizeExec(Id, size).catch(() => {});
    };
    resize();
    stopResize = stdio.terminal.onResize(resize);
  }
  const stdin = stdio.stdin;
  if (stdin) stdin.pipe(conn);
  else conn.end();
  try {
    if (spec.tty) await copyRaw(conn, stdio.stdout);
    else await demultiplex(conn, stdio.stdout, stdio.stderr);
  } finally {
    stopResize?.();
    if (stdin) {
      stdin.unpipe(conn);
      stdin.pause();
    }
    conn.destroy();
  }
  // The engine may report the exec as running for a moment after its stream closed.
  for (let i = 0; i < 50; i++) {
    const state = await docker.inspectExec(Id);
    if (!state.Running && state.ExitCode !== null) return state.ExitCode;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new EngineError(
    docker.server,
    `The exec ${Id.slice(0, 12)} on ${docker.server} did not report an exit code`,
    {
      operation: `GET /exec/${Id}/json`,
      code: 'exec_no_exit_code',
    },
  );
}
