/**
 * The install spec: one plain-data description of an install, shaped like the values file (`database.storage.size`,
 * `network.agentCidrs`, ...). A values file parses into it, and TypeScript passes it to `K3sDev.fromSpec`,
 * `K3sProd.fromSpec` or `Rke2Cnpg.fromSpec` with its type read off the key tree; both go through the same checks,
 * the same mapping onto the variant's props and the same errors, said about the key.
 */
import { KasmConfigError } from '../../lib/core/validation';
import { VALUES } from './keys';
import { Field, normalizeValue, ObjectSpec, PlainValue, PropRef, validateValue, ValuesVariant, VariantPropName } from './language';

/** The spec of variant `V`: every key it has, typed (enums as their strings, quantities as text or numbers). */
export type InstallSpec<V extends ValuesVariant> = PlainValue<typeof VALUES, V>;
/** The install spec of K3sDev (docs/configuration.md lists its keys). */
export type K3sDevSpec = InstallSpec<'k3s-dev'>;
/** The install spec of K3sProd (docs/configuration.md lists its keys). */
export type K3sProdSpec = InstallSpec<'k3s-prod'>;
/** The install spec of Rke2Cnpg (docs/configuration.md lists its keys). */
export type Rke2CnpgSpec = InstallSpec<'rke2-cnpg'>;

/** The key tree as the walkers see it (the typed tree is for {@link InstallSpec}). */
const TREE: ObjectSpec = VALUES;

type Plain = { readonly [key: string]: any };

/** The prop a key becomes in `variant`, `false` when read outside the chart, `undefined` when its keys go on their own. */
export function propOf(field: Field, variant: ValuesVariant): VariantPropName | false | undefined {
  const prop = field.prop;
  return prop === undefined || prop === false || typeof prop === 'string' ? prop : prop[variant];
}

/**
 * Checks a spec for `variant` and returns it with quantities given as numbers turned into text; throws one
 * KasmConfigError listing every problem, each as `<source>: <key path>: <value> <problem>`.
 */
export function checkSpec(variant: ValuesVariant, spec: unknown, source: string): Plain {
  // A spec this function returned for the same variant (a values file the CLI parsed) is not walked twice.
  if (typeof spec === 'object' && spec !== null && CHECKED.get(spec) === variant) return spec as Plain;
  const errors = validateValue(TREE, variant, spec ?? {}, source);
  if (errors.length > 0) {
    throw new KasmConfigError(`${source} has ${errors.length} problem${errors.length === 1 ? '' : 's'} for ${variant}:\n  ${errors.join('\n  ')}`);
  }
  const checked = normalizeValue(TREE, variant, spec ?? {}) as Plain;
  CHECKED.set(checked, variant);
  return checked;
}

/** Specs {@link checkSpec} returned, with the variant they were checked for. */
const CHECKED = new WeakMap<object, ValuesVariant>();

/** A checked spec onto the variant's props: each key's value, converted where its declaration says, under its prop. */
export function specToProps(variant: ValuesVariant, spec: Plain): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  const walk = (tree: ObjectSpec, value: Plain) => {
    for (const [key, field] of Object.entries(tree.fields)) {
      const v = value[key];
      if (v === undefined) continue;
      const prop = propOf(field, variant);
      if (prop === false) continue;
      if (prop !== undefined) props[prop] = field.convert ? field.convert(v, variant) : v;
      else if (field.kind === 'object') walk(field, v);
    }
  };
  walk(TREE, spec);
  return props;
}

/** How closely a declared prop reference matches an error's owner and prop; undefined when it does not. */
function match(ref: PropRef, owner: string, prop: string): { score: number; rest: string } | undefined {
  const owners = ref.owner === undefined ? [] : typeof ref.owner === 'string' ? [ref.owner] : ref.owner;
  const ownerScore = owners.length === 0 ? 0 : owners.includes(owner) ? 2 : owners.some((o) => o.endsWith('.') && owner.startsWith(o)) ? 1 : -1;
  if (ownerScore < 0) return undefined;
  if (ref.prop === undefined) return { score: ownerScore * 1000, rest: prop === '' ? '' : `.${prop}` };
  const exact = prop === ref.prop;
  const within = ['.', '[', ' '].includes(prop.charAt(ref.prop.length)) && prop.startsWith(ref.prop);
  if (!exact && !within) return undefined;
  return { score: ownerScore * 1000 + ref.prop.length, rest: prop.slice(ref.prop.length) };
}

/**
 * The spec key a construct's error is about: the key whose declaration feeds that owner's prop most closely (an
 * explicit `feeds` entry over a key's own `prop`), with the rest of the prop path kept; undefined when no key does.
 */
export function specKeyOf(variant: ValuesVariant, owner: string, prop: string): string | undefined {
  let best: { score: number; key: string } | undefined;
  const consider = (ref: PropRef, explicit: boolean, path: string) => {
    const m = match(ref, owner, prop);
    if (m === undefined) return;
    const score = m.score * 2 + (explicit ? 1 : 0);
    if (best === undefined || score > best.score) best = { score, key: path + m.rest };
  };
  const walk = (tree: ObjectSpec, prefix: string) => {
    for (const [key, field] of Object.entries(tree.fields)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const own = propOf(field, variant);
      if (own) consider({ prop: own }, false, path);
      for (const ref of field.feeds ?? []) consider(ref, true, path);
      if (field.kind === 'object') walk(field, path);
    }
  };
  walk(TREE, '');
  return best?.key;
}

/** Runs `build`, and says a KasmConfigError a construct raises about the spec key that fed the prop. */
export function withSpecErrors<T>(variant: ValuesVariant, source: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (!(err instanceof KasmConfigError)) throw err;
    // The error's fields say which construct and prop; the key tree's declarations say which key fed it.
    const key = err.fields === undefined ? undefined : specKeyOf(variant, err.fields.owner, err.fields.prop);
    throw err.inValuesFile(source, key, variant);
  }
}

/** Checks `spec`, maps it onto the variant's props and builds with them, every error said about the spec's keys. */
export function buildFromSpec<T>(variant: ValuesVariant, spec: unknown, source: string, build: (props: any) => T): T {
  const checked = checkSpec(variant, spec, source);
  return withSpecErrors(variant, source, () => build(specToProps(variant, checked)));
}
