/**
 * Throwaway servers for the real-binary tests: free loopback ports, temp folders, child processes that are always
 * stopped (also when a test fails or jest exits early), and a runner for shell programs under a given shell.
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

const cleanups = new Set<() => void>();
const runAll = () => { for (const c of cleanups) { try { c(); } catch { /* best effort */ } } };
process.on('exit', runAll);
// A worker stopped by a signal runs no 'exit' handler: a PostgreSQL server (daemonized by pg_ctl) would outlive it.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(signal, () => { runAll(); process.exit(128 + ({ SIGTERM: 15, SIGINT: 2, SIGHUP: 1 })[signal]); });
}

/** Runs `fn` at process exit unless the returned function (run it in afterAll) runs it first. */
export function onCleanup(fn: () => void): () => void {
  let done = false;
  const once = () => { if (!done) { done = true; cleanups.delete(once); fn(); } };
  cleanups.add(once);
  return once;
}

/** A loopback port nothing listens on (at the time of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A temp folder removed at cleanup. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Kills a child process (and its group when detached), at cleanup at the latest. */
export function track(child: ChildProcess): () => void {
  return onCleanup(() => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try { process.kill(-child.pid, 'SIGKILL'); } catch { try { child.kill('SIGKILL'); } catch { /* gone */ } }
  });
}

/** A shell program run to its end: status, output, and both streams together for messages. */
export interface ProgramRun { readonly status: number | null; readonly stdout: string; readonly stderr: string; readonly ms: number }

/** Runs `script` with `shell -c` (argv[0] of busybox is `busybox sh`), with `env` on top of a minimal PATH. */
export function runProgram(shell: readonly string[], script: string, env: Record<string, string>, timeoutMs = 30000): ProgramRun {
  const started = Date.now();
  const r: SpawnSyncReturns<string> = spawnSync(shell[0], [...shell.slice(1), '-c', script], {
    encoding: 'utf8', timeout: timeoutMs, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/**
 * A folder of busybox applet links (ls, grep, sort, date, ...), to put first on PATH: an Alpine image's programs
 * run with busybox's tools, not the host's GNU ones.
 */
export function busyboxApplets(busybox: string): string {
  const dir = tempDir('busybox-applets');
  const list = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of list) fs.symlinkSync(busybox, path.join(dir, applet));
  return dir;
}

/** {@link runProgram} without blocking the event loop, for programs that talk to servers in this process. */
export function runProgramAsync(shell: readonly string[], script: string, env: Record<string, string>, timeoutMs = 30000): Promise<ProgramRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(shell[0], [...shell.slice(1), '-c', script], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stop = track(child);
    const timer = setTimeout(stop, timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => { stderr += d; });
    child.on('error', (e) => { clearTimeout(timer); stop(); reject(e); });
    child.on('close', (status) => { clearTimeout(timer); stop(); resolve({ status, stdout, stderr, ms: Date.now() - started }); });
  });
}
