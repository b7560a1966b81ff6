/**
 * One shape for everything synth finds wrong with a whole app (the doctor's rules, the edge check, capacity, the
 * connection budget): a rule id, the object, the message and the fix. The CLI prints them and `--json` hands them to
 * tools; cdk8s validations still see the same findings as text, so a plain `app.synth()` stops on them too.
 */
import { IConstruct } from 'constructs';

/** A problem synth found in the app. */
export interface Finding {
  /** Stable id of the check, e.g. 'doctor:references', 'edge', 'capacity', 'connection-budget'. */
  readonly rule: string;
  /** The construct path of the object (or the construct) the finding is about. */
  readonly object: string;
  /** What is wrong. */
  readonly message: string;
  /**
   * What to change.
   * @default - the message says it
   */
  readonly fix?: string;
  /**
   * Lines that support the message (a table of figures), printed below it.
   * @default - none
   */
  readonly detail?: string;
}

/** A finding as text: `[rule] message (at object). Fix: fix`, then its detail lines. */
export function findingText(f: Finding): string {
  return `[${f.rule}] ${f.message} (at ${f.object})${f.fix ? `. Fix: ${f.fix}` : ''}${f.detail ? `\n${f.detail}` : ''}`;
}

/** The rule of a validation that is not a Finding check (cdk8s-plus's, a user's). */
const PLAIN_RULE = 'validation';

interface FindingCheck {
  readonly check: () => readonly Finding[];
  last: readonly Finding[];
}

const CHECKS = new WeakMap<IConstruct, FindingCheck[]>();

/** Runs `check` whenever `scope` is validated; its findings stop synth (as cdk8s validation errors, and as findings). */
export function addFindingCheck(scope: IConstruct, check: () => readonly Finding[]): void {
  const entry: FindingCheck = { check, last: [] };
  scope.node.addValidation({ validate: () => { entry.last = check(); return entry.last.map(findingText); } });
  CHECKS.set(scope, [...(CHECKS.get(scope) ?? []), entry]);
}

/**
 * Every construct's validations under `root`, in tree order (as cdk8s validates an app), as findings: those of
 * {@link addFindingCheck} with their fields, any other validation's text (cdk8s-plus's, a user's) as rule 'validation'.
 */
export function collectFindings(root: IConstruct): Finding[] {
  const findings: Finding[] = [];
  for (const construct of root.node.findAll()) {
    const texts = construct.node.validate();
    if (texts.length === 0) continue;
    const structured = (CHECKS.get(construct) ?? []).flatMap((c) => c.last);
    const unclaimed = [...texts];
    for (const f of structured) {
      const at = unclaimed.indexOf(findingText(f));
      if (at >= 0) unclaimed.splice(at, 1);
      findings.push(f);
    }
    for (const message of unclaimed) findings.push({ rule: PLAIN_RULE, object: construct.node.path, message });
  }
  return findings;
}

/** Synth stopped on findings: the message lists them, `findings` carries their fields. */
export class KasmValidationError extends Error {
  constructor(public readonly findings: readonly Finding[]) {
    // A plain validation's text is shown as cdk8s shows it, so the message is the one `app.synth()` throws.
    super(`Validation failed with the following errors:\n  ${findings.map((f) => `[${f.object}] ${f.rule === PLAIN_RULE ? f.message : findingText(f)}`).join('\n  ')}`);
    this.name = 'KasmValidationError';
  }
}
