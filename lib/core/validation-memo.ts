/**
 * Validations that remember their answer for one validation pass, and only for it.
 *
 * cdk8s validates the whole app once per chart it synthesizes (`Chart.toJson` calls the app's validate), and several
 * checks read the same synthesized manifests, so without a memo a pass repeats the costliest work many times. The
 * memo lives exactly one pass: every pass starts at the app root (cdk8s validates in pre-order, root first), where a
 * validation of the root counts the passes, so a prop mutated or a JSON patch added between two synths is always
 * seen by the next one. (The earlier memo was keyed on the number of constructs, and missed exactly those changes.)
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

const LAST = new WeakMap<object, { pass: number; constructs: number; value: unknown }>();
/** The number of validation passes each app root has begun. */
const PASSES = new WeakMap<IConstruct, { count: number }>();

/**
 * The pass under way for `tree`'s app. The counting validation is added to the root on first use; a construct that
 * adds a validation of its own to the root, and reads the memo from it, calls this first, so the count runs before it.
 */
export function passOf(tree: IConstruct): number {
  const root = tree.node.root;
  let passes = PASSES.get(root);
  if (passes === undefined) {
    const counter = { count: 0 };
    PASSES.set(root, passes = counter);
    root.node.addValidation({ validate: () => { counter.count++; return []; } });
  }
  return passes.count;
}

/**
 * `compute()`, or its result from earlier in the same validation pass of `tree`'s app while the tree has as many
 * constructs (a read outside any pass, e.g. the doctor run by hand after a construct was removed, is not stale either).
 */
export function rememberWhileUnchanged<T>(key: object, tree: IConstruct, compute: () => T): T {
  const pass = passOf(tree);
  const constructs = tree.node.findAll().length;
  const last = LAST.get(key);
  if (last && last.pass === pass && last.constructs === constructs) return last.value as T;
  const value = compute();
  LAST.set(key, { pass, constructs, value });
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
  return rememberWhileUnchanged(key, chart, () => {
    const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    const synthesized = (o: ApiObject) => Object.freeze({ path: o.node.path, manifest: deepFreeze(o.toJson()) });
    // ConfigMaps last: a ConfigMap may carry text rendered from the other objects (NOTES.md), which then reads them
    // from manifestsWithoutConfigMaps instead of serializing them a second time.
    const others = manifestsWithoutConfigMaps(chart, () => objects.filter((o) => o.kind !== 'ConfigMap').map(synthesized));
    const byPath = new Map(others.map((o) => [o.path, o]));
    return objects.map((o) => byPath.get(o.node.path) ?? synthesized(o));
  });
}

/** One memo key per chart for the manifests without ConfigMaps. */
const WITHOUT_CONFIGMAP_KEYS = new WeakMap<Chart, object>();

/**
 * The chart's manifests except ConfigMaps, in tree order, once per validation pass: what a ConfigMap's own content
 * may be derived from (a ConfigMap that read every manifest would read itself).
 */
export function manifestsWithoutConfigMaps(chart: Chart, compute?: () => readonly SynthesizedObject[]): readonly SynthesizedObject[] {
  let key = WITHOUT_CONFIGMAP_KEYS.get(chart);
  if (!key) WITHOUT_CONFIGMAP_KEYS.set(chart, key = {});
  return rememberWhileUnchanged(key, chart, compute ?? (() => chart.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && c.kind !== 'ConfigMap')
    .map((o) => Object.freeze({ path: o.node.path, manifest: deepFreeze(o.toJson()) }))));
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
