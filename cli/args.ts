/**
 * A small argv parser: long and short flags, `--flag value` and `--flag=value`, nothing positional.
 *
 * Hand-written because the CLI has a handful of flags and must not pull a dependency into a construct library;
 * every error names the flag, the value and what is accepted.
 */
import { UsageError } from './command';

/** One flag a command accepts. */
export interface FlagSpec {
  /** Long name without dashes, e.g. 'namespace'. */
  readonly name: string;
  /** One-letter alias without the dash, e.g. 'n'. */
  readonly short?: string;
  /** Placeholder of its value in help texts; a flag without one is a switch. */
  readonly value?: string;
  readonly help: string;
}

/** Parsed flags: values of value flags, `true` for switches that were given. */
export type ParsedFlags = Readonly<Record<string, string | true>>;

function label(spec: FlagSpec): string {
  return `${spec.short ? `-${spec.short}/` : ''}--${spec.name}`;
}

/** The help lines of a flag table, aligned. */
export function flagHelp(specs: readonly FlagSpec[]): string {
  const heads = specs.map((s) => `${label(s)}${s.value ? ` ${s.value}` : ''}`);
  const width = Math.max(...heads.map((h) => h.length));
  return specs.map((s, i) => `  ${heads[i].padEnd(width)}  ${s.help}`).join('\n');
}

/** Parses argv against a flag table; throws {@link UsageError} naming the command, flag and value. */
export function parseFlags(command: string, argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const out: Record<string, string | true> = {};
  const accepted = specs.map(label).join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const long = /^--([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    const short = /^-([A-Za-z])$/.exec(arg);
    if (!long && !short) {
      throw new UsageError(`unexpected argument '${arg}': ${command} takes flags only (${accepted})`, command);
    }
    const spec = long ? specs.find((s) => s.name === long[1]) : specs.find((s) => s.short === short![1]);
    if (!spec) throw new UsageError(`unknown flag '${long ? `--${long[1]}` : arg}'; ${command} accepts ${accepted}`, command);
    if (out[spec.name] !== undefined) throw new UsageError(`flag ${label(spec)} is given twice`, command);
    const inline = long?.[2];
    if (!spec.value) {
      if (inline !== undefined) throw new UsageError(`flag --${spec.name} takes no value, got '${inline}'`, command);
      out[spec.name] = true;
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('-') && value !== '-')) {
      throw new UsageError(`flag ${label(spec)} needs a value (${spec.value})`, command);
    }
    if (value === '') throw new UsageError(`flag ${label(spec)} needs a non-empty value (${spec.value})`, command);
    if (inline === undefined) i++;
    out[spec.name] = value;
  }
  return out;
}
