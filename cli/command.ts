/**
 * What every subcommand of `cdk8s-kasm` is: a name, its help, and a function from argv to an exit status.
 *
 * One shape lets `main` dispatch from a table, so `plan` and `synth` join later as entries, not as new parsing code.
 */

/** Where a command writes; tests and `main` pass process streams, nothing else is global. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input (for `--from -`). */
  readonly readStdin: () => Promise<string>;
}

/** A subcommand. */
export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs the command; returns the exit status. Throws {@link UsageError} for bad input. */
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number>;
}

/** Exit statuses every command shares. */
export const EXIT = {
  OK: 0,
  /** The command ran and found a problem (diagnose: something is stuck or degraded). */
  FOUND: 1,
  /** The command could not run: bad flags, unreadable input, kubectl failing. */
  USAGE: 2,
} as const;

/** Bad command-line input: `main` prints the message and a pointer to `--help`, and exits 2. */
export class UsageError extends Error {
  constructor(message: string, public readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}
