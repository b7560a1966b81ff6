/** The `cdk8s-kasm` entry point run in the test's own process. */
import { main } from '../../cli/main';

/** What a run of the CLI left: its exit status and everything it printed. */
export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `cdk8s-kasm ARGS` as the bin does (the same `main`, the same exit statuses and messages), without starting a
 * process. Why: a child process running the TypeScript through tsx costs about half a second a run; each command's
 * test file keeps one real child-process run for the bin's own wiring.
 */
export async function runCli(args: readonly string[], options: { input?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => { stdout += text; },
    stderr: (text: string) => { stderr += text; },
    readStdin: async () => options.input ?? '',
  };
  try {
    const status = await main(args, io);
    return { status, stdout, stderr };
  } catch (err) {
    // The bin's own last resort (cli/main.ts): an internal error is printed with its stack and exits 2.
    return { status: 2, stdout, stderr: `${stderr}cdk8s-kasm: internal error: ${err instanceof Error ? err.stack : String(err)}\n` };
  }
}
