/**
 * Stub commands on PATH for running the constructs' shell programs in tests: each stub records its arguments and
 * behaves as a small script tells it (exit codes per call, output, a delay), driven by files in a sandbox.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A sandbox: a bin dir on PATH with stubs, a log of calls, cleanup. */
export class StubSandbox {
  public readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-stubs-'));
  public readonly bin = path.join(this.dir, 'bin');

  constructor() {
    fs.mkdirSync(this.bin);
  }

  /**
   * A stub whose n-th call (1-based) runs `behaviours[n-1]` (the last one repeats): shell lines that may echo and
   * `exit`. Every call appends `name args...` to the calls log.
   */
  public stub(name: string, ...behaviours: string[]): this {
    const counter = path.join(this.dir, `${name}.count`);
    const cases = behaviours.map((b, i) => `  ${i + 1}) ${b.replace(/\n/g, '\n     ')} ;;`).join('\n');
    fs.writeFileSync(path.join(this.bin, name), `#!/bin/sh
n=$(( $(cat "${counter}" 2>/dev/null || echo 0) + 1 )); echo "$n" > "${counter}"
echo "${name} $*" >> "${this.dir}/calls"
[ "$n" -gt ${behaviours.length} ] && n=${behaviours.length}
case "$n" in
${cases}
esac
exit 0
`, { mode: 0o755 });
    return this;
  }

  /** Run `script` with `shell` (`dash` as busybox sh would, or `bash`), the stubs first on PATH. */
  public run(shell: 'dash' | 'bash', script: string, env: Record<string, string> = {}, timeoutMs = 20000): SpawnSyncReturns<string> {
    return spawnSync(shell, ['-c', script], {
      env: { PATH: `${this.bin}:/usr/bin:/bin`, HOME: this.dir, ...env }, encoding: 'utf8', timeout: timeoutMs,
    });
  }

  /** The commands called, one per line. */
  public calls(name?: string): string[] {
    const file = path.join(this.dir, 'calls');
    const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
    return name ? lines.filter((l) => l.startsWith(`${name} `) || l === name) : lines;
  }

  public cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
