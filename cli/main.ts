#!/usr/bin/env node
/**
 * The `cdk8s-kasm` command: dispatches to a subcommand from a table.
 *
 * One entry point for every operator task (`diagnose`, `plan`, `synth`, `validate`), so
 * users learn one binary and one `--help`.
 */
import { CliIo, Command, EXIT, UsageError } from './command';
import { KasmConfigError } from '../lib/core/validation';
import { OutputFolderError } from '../lib/gitops/owned-output';
import { KasmValidationError } from '../lib/core/findings';

/** A subcommand by name, its module loaded on first use. Why: `synth` need not load the diagnose engine, nor `diagnose` the charts. */
interface CommandEntry {
  readonly name: string;
  readonly load: () => Command;
}

/* eslint-disable @typescript-eslint/no-require-imports */
/** Every subcommand, in help order. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'diagnose', load: () => (require('./diagnose-command') as typeof import('./diagnose-command')).diagnoseCommand },
  { name: 'plan', load: () => (require('./plan') as typeof import('./plan')).planCommand },
  { name: 'synth', load: () => (require('./synth') as typeof import('./synth')).synthCommand },
  { name: 'validate', load: () => (require('./validate') as typeof import('./validate')).validateCommand },
];
/* eslint-enable @typescript-eslint/no-require-imports */

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: cdk8s-kasm <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.load().summary}`),
    '',
    'Run \'cdk8s-kasm <command> --help\' for the flags of a command.',
    '',
  ].join('\n');
}

/** Runs the CLI with explicit argv and streams; returns the exit status instead of exiting. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(topHelp());
    return EXIT.USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(topHelp());
    return EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) {
      throw new UsageError(`unknown command '${name}'; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    }
    return await command.load().run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      const help = err.command ? `'${err.command.startsWith('cdk8s-kasm') ? err.command : `cdk8s-kasm ${err.command}`} --help'` : '\'cdk8s-kasm --help\'';
      io.stderr(`cdk8s-kasm: ${err.message}\nRun ${help} for usage.\n`);
      return EXIT.USAGE;
    }
    if (err instanceof KasmConfigError || err instanceof KasmValidationError) {
      io.stderr(`cdk8s-kasm: ${err.message}\n`);
      return EXIT.FOUND;
    }
    if (err instanceof OutputFolderError || isDiagnoseInputError(err)) {
      io.stderr(`cdk8s-kasm: ${err.message}\n`);
      return EXIT.USAGE;
    }
    throw err;
  }
}

/**
 * Whether `err` says diagnose's input (kubectl's access, a dump file) is unusable. The modules that throw these are
 * loaded here only on an error path: `child_process` and the dump reader are not part of every command's start.
 */
function isDiagnoseInputError(err: unknown): err is Error {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { KubectlError } = require('./kubectl-dump') as typeof import('./kubectl-dump');
  const { DumpError } = require('../lib/doctor/diagnose/dump') as typeof import('../lib/doctor/diagnose/dump');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return err instanceof KubectlError || err instanceof DumpError;
}

/** The process's own streams. */
function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => new Promise((resolve, reject) => {
      let data = '';
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (chunk) => { data += chunk; });
      process.stdin.on('end', () => resolve(data));
      process.stdin.on('error', reject);
    }),
  };
}

if (require.main === module) {
  main(process.argv.slice(2), processIo()).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`cdk8s-kasm: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = EXIT.USAGE;
    },
  );
}
