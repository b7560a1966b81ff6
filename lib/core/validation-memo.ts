/**
 * Validations that remember their last answer while the construct tree has not grown.
 *
 * cdk8s validates the whole app once per chart it synthesizes (`Chart.toJson` calls the app's validate), so an app
 * of n charts runs every validation n times. A validation that synthesizes objects would make synth quadratic in
 * the number of control planes; remembering the answer per tree size keeps it linear. The tree is counted with
 * `findAll`, which is cheap next to synthesizing it. A change that adds no construct (a prop mutated after a first
 * synth) is not seen: constructs here take their inputs at construction, so that does not arise in this library.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

const LAST = new WeakMap<object, { constructs: number; value: unknown }>();

/** `compute()`, or its previous result for `key` when `tree` holds as many constructs as it did then. */
export function rememberWhileUnchanged<T>(key: object, tree: IConstruct, compute: () => T): T {
  const constructs = tree.node.findAll().length;
  const last = LAST.get(key);
  if (last && last.constructs === constructs) return last.value as T;
  const value = compute();
  LAST.set(key, { constructs, value });
  return value;
}

/** An ApiObject as the checks read it: its construct path and its synthesized manifest (frozen: checks only read). */
export interface SynthesizedObject {
  readonly path: string;
  readonly manifest: any;
}

/** One memo key per chart, so the manifests' memo never shares a slot with a chart's own validations. */
const MANIFEST_KEYS = new WeakMap<Chart, object>();

/**
 * Every ApiObject under `chart` (nested charts included), synthesized, in tree order. Why: the doctor, the edge
 * check and the capacity check all read the same manifests; `toJson()` is the costliest step of a validation pass,
 * so it runs once per chart and tree state instead of once per check.
 */
export function manifestsOf(chart: Chart): readonly SynthesizedObject[] {
  let key = MANIFEST_KEYS.get(chart);
  if (!key) MANIFEST_KEYS.set(chart, key = {});
  return rememberWhileUnchanged(key, chart, () => chart.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map((o) => Object.freeze({ path: o.node.path, manifest: deepFreeze(o.toJson()) })));
}

/** Freezes a plain JSON value in place, so a check that would edit a shared manifest fails loudly instead. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Drops the memo of `chart`'s manifests, so the next read synthesizes them again (a renderer starting a pass). */
export function forgetManifests(chart: Chart): void {
  MANIFEST_KEYS.delete(chart);
}
