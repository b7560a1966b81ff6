/**
 * Validations that remember their last answer while the construct tree has not grown.
 *
 * cdk8s validates the whole app once per chart it synthesizes (`Chart.toJson` calls the app's validate), so an app
 * of n charts runs every validation n times. A validation that synthesizes objects would make synth quadratic in
 * the number of control planes; remembering the answer per tree size keeps it linear. The tree is counted with
 * `findAll`, which is cheap next to synthesizing it. A change that adds no construct (a prop mutated after a first
 * synth) is not seen: constructs here take their inputs at construction, so that does not arise in this library.
 */
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
