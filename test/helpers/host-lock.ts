import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A lab host one test file uses at a time, across the parallel e2e processes: a `flock` held by
 * a child process for as long as this process wants it (and released if this process dies).
 */
export class HostLock {
  private holder: ChildProcess | undefined;

  constructor(private readonly path: string) {}

  /** Wait (up to 15 minutes) for the lock, then hold it; a second call while held does nothing. */
  async take(): Promise<void> {
    if (this.holder) return;
    const child = spawn('flock', ['-w', '900', this.path, 'sh', '-c', 'echo locked; exec cat'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`could not lock ${this.path} (flock exit ${code})`)));
      child.once('error', reject);
    });
    child.unref();
    this.holder = child;
  }

  release(): void {
    this.holder?.stdin?.end();
    this.holder = undefined;
  }
}
