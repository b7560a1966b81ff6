/**
 * The error every bad input raises, with its parts as fields: which construct (owner), which prop, the value, the
 * problem and what is accepted. Callers read the fields, never the sentence; the sentence is rendered from them, in
 * TypeScript spelling for library callers (`Size.gibibytes(10)`) and in values-file spelling for the CLI (`'10Gi'`).
 */

/** How a caller writes settings: TypeScript props, or a YAML values file. */
export type Spelling = 'typescript' | 'values';

/** A value written differently by each caller, e.g. `Size.gibibytes(10)` and `'10Gi'`. */
export interface Spelled {
  readonly typescript: string;
  readonly values: string;
}

/** Part of a problem's text: plain words, or a value spelled per caller. */
export type ProblemPart = string | Spelled;

/** What went wrong, field by field. */
export interface ConfigProblem {
  /** The construct or function that checked it, e.g. 'KasmDatabase'. */
  readonly owner: string;
  /** The prop (a path into the props), e.g. 'backup.storage'. */
  readonly prop: string;
  /** The value received. */
  readonly value: unknown;
  /** What is wrong with it, and what to pass instead. */
  readonly problem: readonly ProblemPart[];
  /**
   * Where the value came from in a values file: the file, the key path and the variant.
   * @default - a TypeScript caller
   */
  readonly spec?: { readonly file: string; readonly path?: string; readonly variant: string };
}

/** The most characters of a value an error shows (a Kubernetes name, 253, fits whole); a huge value is cut there. */
const SHOWN = 256;

/** A value as an error message shows it. */
export function show(value: unknown): string {
  if (typeof value === 'string') return value.length > SHOWN ? `'${value.slice(0, SHOWN)}…' (${value.length} characters)` : `'${value}'`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}… (${text.length} characters)` : text;
}

/** A problem's text in one caller's spelling. */
export function problemText(parts: readonly ProblemPart[], spelling: Spelling): string {
  return parts.map((p) => (typeof p === 'string' ? p : p[spelling])).join('');
}

/** An error in user-supplied configuration; the CLI prints its message without a stack trace. */
export class KasmConfigError extends Error {
  /** The error's parts, when it names a prop (absent for errors about the whole configuration). */
  public readonly fields?: ConfigProblem;

  constructor(problem: string | ConfigProblem) {
    super(typeof problem === 'string' ? problem : KasmConfigError.render(problem));
    this.name = 'KasmConfigError';
    if (typeof problem !== 'string') this.fields = problem;
  }

  /** The sentence for a problem: `<owner> <prop>: <value> <problem>`, or, from a values file, `<file>: <key>: <value> <problem> (checked by <owner> in <variant>)`. */
  public static render(p: ConfigProblem): string {
    if (p.spec === undefined) return `${p.owner} ${p.prop}: ${show(p.value)} ${problemText(p.problem, 'typescript')}`;
    const where = p.spec.path ?? `${p.owner} ${p.prop}`;
    return `${p.spec.file}: ${where}: ${show(p.value)} ${problemText(p.problem, 'values')} (checked by ${p.owner} in ${p.spec.variant})`;
  }

  /** The same problem, said about a values file's key (or, where no key feeds the prop, about the prop). */
  public inValuesFile(file: string, path: string | undefined, variant: string): KasmConfigError {
    if (this.fields === undefined) return new KasmConfigError(`${file}: ${this.message}`);
    return new KasmConfigError({ ...this.fields, spec: { file, path, variant } });
  }
}

const SIZE_UNITS = { Mi: 'mebibytes', Gi: 'gibibytes', Ti: 'tebibytes' } as const;
const DURATION_UNITS = { s: 'seconds', m: 'minutes', h: 'hours', d: 'days' } as const;

/** A size as each caller writes it: `Size.gibibytes(10)` / `'10Gi'`. */
export function sizeSpelled(amount: number, unit: keyof typeof SIZE_UNITS): Spelled {
  return { typescript: `Size.${SIZE_UNITS[unit]}(${amount})`, values: `'${amount}${unit}'` };
}

/** A duration as each caller writes it: `Duration.minutes(30)` / `'30m'`. */
export function durationSpelled(amount: number, unit: keyof typeof DURATION_UNITS): Spelled {
  return { typescript: `Duration.${DURATION_UNITS[unit]}(${amount})`, values: `'${amount}${unit}'` };
}
