import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../errors.js';
import { writeFileAtomic } from '../store/atomic.js';

/**
 * A stable, opaque id of this operator machine. Lock holders are told apart by it, not by
 * `user@host`, which two laptops can share. The system's machine-id is hashed (it is not ours
 * to publish); without one, a random id is kept in ABRA_DIR.
 */
export async function machineId(abraRoot: string): Promise<string> {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (/^[0-9a-f]{32}\s*$/i.test(text))
      return createHash('sha256').update(`abra:${text.trim()}`).digest('hex').slice(0, 16);
  }
  const own = join(abraRoot, 'machine-id');
  try {
    const text = (await readFile(own, 'utf8')).trim();
    if (/^[0-9a-f]{16}$/.test(text)) return text;
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
  const id = randomBytes(8).toString('hex');
  await mkdir(abraRoot, { recursive: true, mode: 0o700 });
  await writeFileAtomic(own, `${id}\n`, 0o600);
  return id;
}
