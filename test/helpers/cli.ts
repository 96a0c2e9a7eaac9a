import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BIN = new URL('../../bin/abra.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a user would: a child process, no TTY, a controlled environment. */
export function abra(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Every path (and mode) under a directory, to prove that a failed command changed nothing. */
export function snapshotTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      const st = statSync(p);
      out.push(`${p.slice(root.length)} ${st.mode.toString(8)} ${st.isFile() ? st.size : ''}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

/**
 * A snapshot without $ABRA_DIR/audit.log: refused attempts at a change are audited too (who
 * tried what), so the log is the one file a failed operation may append to.
 */
export function snapshotWithoutAudit(root: string): string[] {
  return snapshotTree(root).filter((entry) => !/\/audit\.log /.test(entry));
}
