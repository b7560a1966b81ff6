#!/usr/bin/env node
/**
 * The `cdk8s-kasm` bin. Each subcommand is a module with its own flags and help; usage errors exit 2 with a message
 * naming the flag, configuration errors exit 1 with the construct's message, never a stack trace.
 */
import { KasmConfigError } from '../core/validation';
import { UsageError } from './args';
import { PLAN_HELP, runPlan } from './plan';

interface Subcommand {
  readonly summary: string;
  readonly help: string;
  run(argv: readonly string[], out: (text: string) => void): number | Promise<number>;
}

/** The subcommands, in the order the help lists them. */
export const SUBCOMMANDS: Record<string, Subcommand> = {
  plan: { summary: 'size nodes, agent VMs and database storage for N concurrent users', help: PLAN_HELP, run: runPlan },
};

export const MAIN_HELP = `Usage: cdk8s-kasm <command> [flags]

Commands:
${Object.entries(SUBCOMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Run 'cdk8s-kasm <command> --help' for the flags of a command.
`;

/** Run the bin with `argv` (without node and the script); returns the exit status. */
export async function main(argv: readonly string[], out = (t: string) => process.stdout.write(t), err = (t: string) => process.stderr.write(t)): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') { out(MAIN_HELP); return command === undefined ? 2 : 0; }
  const sub = SUBCOMMANDS[command];
  if (!sub) { err(`cdk8s-kasm: unknown command '${command}'\n\n${MAIN_HELP}`); return 2; }
  try {
    return await sub.run(rest, out);
  } catch (e) {
    if (e instanceof UsageError) { err(`cdk8s-kasm ${command}: ${e.message}\n\n${sub.help}`); return 2; }
    if (e instanceof KasmConfigError) { err(`cdk8s-kasm ${command}: ${e.message}\n`); return 1; }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
