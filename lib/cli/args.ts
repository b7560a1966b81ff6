/**
 * A small argv parser for the `cdk8s-kasm` bin: flags with values (`--users 50`, `--users=50`), boolean flags and
 * short aliases. Unknown flags and missing values are usage errors that name the flag and what is accepted.
 */

/** A usage error: the bin prints it with the subcommand's help and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The flags a subcommand accepts. */
export interface FlagSpec {
  readonly name: string;
  /** Whether the flag takes a value. */
  readonly value: boolean;
  readonly alias?: string;
  readonly description: string;
}

/** Parse `argv` against `specs`; returns flag values (`true` for boolean flags). */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [raw, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const spec = specs.find((s) => `--${s.name}` === raw || (s.alias !== undefined && `-${s.alias}` === raw));
    if (!spec) {
      throw new UsageError(`unknown ${raw.startsWith('-') ? 'flag' : 'argument'} '${raw}'; accepted: ${specs.map((s) => `--${s.name}`).join(', ')}`);
    }
    if (!spec.value) {
      if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
      out[spec.name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('-') && value.length > 1 && !/^-\d/.test(value))) {
      throw new UsageError(`--${spec.name} needs a value`);
    }
    out[spec.name] = value;
  }
  return out;
}

/** Help text of a subcommand's flags. */
export function flagHelp(specs: readonly FlagSpec[]): string {
  return specs.map((s) => `  ${`${s.alias ? `-${s.alias}, ` : ''}--${s.name}${s.value ? ' VALUE' : ''}`.padEnd(26)} ${s.description}`).join('\n');
}
