/**
 * The little language the install spec is declared in: one tree of keys that yields the JSON Schema
 * (`values.schema.json`, for editors and other tools), the checks a spec goes through (from a values file or from
 * TypeScript), its TypeScript type ({@link PlainValue}) and where each key goes in a variant's props, so none of
 * them can drift apart. The checks reuse the library's own assert helpers, so a spec error reads like a prop error
 * with the key path in place of the prop.
 */
import { KasmConfigError, show } from '../../lib/core/validation';
import type { K3sDevProps } from '../k3s-dev';
import type { K3sProdProps } from '../k3s-prod';
import type { Rke2CnpgProps } from '../rke2-cnpg';

/** The published variants a values file configures (a test keeps this equal to the charts' VARIANTS). */
export const VALUES_VARIANTS = ['k3s-dev', 'k3s-prod', 'rke2-cnpg'] as const;

/** A published variant a spec or values file configures: k3s-dev, k3s-prod or rke2-cnpg. */
export type ValuesVariant = typeof VALUES_VARIANTS[number];

/** A semantic check: throws a KasmConfigError (through the validation helpers) as `<owner> <prop>: <value> <problem>`. */
export type Check = (owner: string, prop: string, value: any) => void;

/** What documents a key: its doc line, the variants it applies to, its default and how it is printed. */
export interface KeyMeta {
  /** One line: what the key does (printed above it by `--print-defaults`, the schema's description). */
  readonly doc: string;
  /** Variants whose chart has the prop. @default - every variant */
  readonly variants?: readonly ValuesVariant[];
  /** Default value in every variant. @default - none (the key is optional and has a derived default) */
  readonly default?: unknown;
  /** Per-variant defaults, over `default`. @default - `default` in every variant */
  readonly defaults?: Readonly<Partial<Record<ValuesVariant, unknown>>>;
  /** How the default is derived when it is not a value, e.g. 'the cluster's defaultStorageClass'. @default - none */
  readonly defaultDoc?: string;
  /** Variants where the key must be given. @default [] */
  readonly required?: readonly ValuesVariant[];
  /** Print the key commented out, as an example, even when it has a default. @default false */
  readonly commented?: boolean;
  /**
   * The variant prop the key's value becomes (per variant where the names differ); `false` for a key read outside the
   * chart (gitops). An object key without one hands each of its keys on by their own.
   * @default - none
   */
  readonly prop?: VariantPropName | false | Readonly<Partial<Record<ValuesVariant, VariantPropName>>>;
  /** Turns the checked plain value into what the prop takes (a Size, a KasmVersion, a source). @default - the value as is */
  readonly convert?: (value: any, variant: ValuesVariant) => unknown;
  /**
   * Construct props the value reaches under another name, so an error a construct raises about one of them is said
   * about this key (the key's own `prop` needs no entry).
   * @default []
   */
  readonly feeds?: readonly PropRef[];
}

/** A prop of one of the published variants. */
export type VariantPropName = keyof K3sDevProps | keyof K3sProdProps | keyof Rke2CnpgProps;

/**
 * A construct prop a key feeds: `owner` is the construct (or several; one ending in '.' matches every owner it
 * starts), `prop` the prop path; without `prop`, every prop of the owner, appended to the key's path.
 */
export interface PropRef {
  /** @default - any owner */
  readonly owner?: string | readonly string[];
  /** @default - every prop of the owner */
  readonly prop?: string;
}

/** The shape of one value. */
export type ValueSpec =
  | {
    readonly kind: 'string'; readonly accepted: string; readonly pattern?: string; readonly enum?: readonly string[]; readonly maxLength?: number; readonly check?: Check;
    /** A Kubernetes quantity: a YAML number (`cpu: 8`, memory in bytes) is accepted and read as its decimal text. @default false */
    readonly numeric?: boolean;
  }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'list'; readonly items: ValueSpec; readonly minItems?: number }
  | { readonly kind: 'map'; readonly accepted: string; readonly keys?: readonly string[]; readonly keyPattern?: string; readonly values: ValueSpec; readonly check?: Check }
  | ObjectSpec;

/** A group of named keys; unknown keys are errors. */
export interface ObjectSpec {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, Field>>;
  /** Cross-key checks after the fields passed. */
  readonly check?: (owner: string, path: string, value: Record<string, unknown>) => void;
}

/** A key of an object: its value's shape and its documentation. */
export type Field = ValueSpec & KeyMeta;

/** An enum's members as the plain strings a spec holds (`SizePreset.MEDIUM` -> 'medium'). */
type Literal<E> = E extends string ? `${E}` : never;
type AppliesIn<F, V> = F extends { readonly variants: readonly (infer W)[] } ? (V extends W ? true : false) : true;
type RequiredIn<F, V> = F extends { readonly required: readonly (infer W)[] } ? (V extends W ? true : false) : false;

/** The plain data a key of shape `S` holds in variant `V`: what a values file parses into, and what TypeScript passes. */
export type PlainValue<S, V extends ValuesVariant> =
  S extends { readonly kind: 'string'; readonly enum: readonly (infer E)[] } ? Literal<E> :
    S extends { readonly kind: 'string'; readonly numeric: true } ? string | number :
      S extends { readonly kind: 'string' } ? string :
        S extends { readonly kind: 'integer' } ? number :
          S extends { readonly kind: 'boolean' } ? boolean :
            S extends { readonly kind: 'list'; readonly items: infer I } ? readonly PlainValue<I, V>[] :
              S extends { readonly kind: 'map'; readonly keys: readonly (infer K)[]; readonly values: infer W } ? { readonly [k in Literal<K>]?: PlainValue<W, V> } :
                S extends { readonly kind: 'map'; readonly values: infer W } ? { readonly [k: string]: PlainValue<W, V> } :
                  S extends { readonly kind: 'object'; readonly fields: infer F } ? PlainObject<F, V> : never;

/** The keys of an object that exist in variant `V`: optional, except those `V` requires. */
export type PlainObject<F, V extends ValuesVariant> =
  { readonly [K in keyof F as AppliesIn<F[K], V> extends true ? (RequiredIn<F[K], V> extends true ? never : K) : never]?: PlainValue<F[K], V> }
  & { readonly [K in keyof F as AppliesIn<F[K], V> extends true ? (RequiredIn<F[K], V> extends true ? K : never) : never]: PlainValue<F[K], V> };

/** The default of a key in a variant, `undefined` when it has none. */
export function defaultOf(field: KeyMeta, variant: ValuesVariant): unknown {
  return field.defaults && variant in field.defaults ? field.defaults[variant] : field.default;
}

/** Whether the key exists in the variant's values. */
export function appliesTo(field: KeyMeta, variant: ValuesVariant): boolean {
  return field.variants === undefined || field.variants.includes(variant);
}

/** What a value of this shape may be, for messages. */
export function acceptedText(spec: ValueSpec): string {
  switch (spec.kind) {
    case 'string': return spec.enum ? `one of ${spec.enum.map(show).join(', ')}` : spec.accepted;
    case 'integer': return `a whole number from ${spec.min} to ${spec.max}`;
    case 'boolean': return 'true or false';
    case 'list': return `a list${spec.minItems ? ` of at least ${spec.minItems}` : ''}, each ${acceptedText(spec.items)}`;
    case 'map': return spec.accepted;
    case 'object': return `a mapping with keys ${Object.keys(spec.fields).join(', ')}`;
  }
}

/** The JSON Schema (draft-07) of a shape as `variant` sees it. */
export function toJsonSchema(spec: ValueSpec, variant: ValuesVariant): Record<string, unknown> {
  switch (spec.kind) {
    case 'string': {
      const text = {
        type: 'string',
        ...(spec.enum ? { enum: [...spec.enum] } : {}),
        ...(spec.pattern ? { pattern: spec.pattern } : {}),
        ...(spec.maxLength ? { maxLength: spec.maxLength } : {}),
      };
      return spec.numeric ? { anyOf: [text, { type: 'number', minimum: 0 }] } : text;
    }
    case 'integer': return { type: 'integer', minimum: spec.min, maximum: spec.max };
    case 'boolean': return { type: 'boolean' };
    case 'list': return { type: 'array', ...(spec.minItems ? { minItems: spec.minItems } : {}), items: toJsonSchema(spec.items, variant) };
    case 'map': return {
      type: 'object',
      ...(spec.keys ? { propertyNames: { enum: [...spec.keys] } } : spec.keyPattern ? { propertyNames: { pattern: spec.keyPattern } } : {}),
      additionalProperties: toJsonSchema(spec.values, variant),
    };
    case 'object': {
      const properties: Record<string, unknown> = {};
      const required: string[] = [];
      for (const [key, field] of Object.entries(spec.fields)) {
        if (!appliesTo(field, variant)) continue;
        const dflt = defaultOf(field, variant);
        properties[key] = {
          description: field.defaultDoc ? `${field.doc} Default: ${field.defaultDoc}.` : field.doc,
          ...toJsonSchema(field, variant),
          ...(dflt !== undefined ? { default: dflt } : {}),
        };
        if (field.required?.includes(variant)) required.push(key);
      }
      return { type: 'object', additionalProperties: false, properties, ...(required.length ? { required } : {}) };
    }
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Every problem of `value` against `spec` as `variant` sees it, as messages `<file>: <key path>: <value> <problem>`
 * (all at once, in document order).
 */
export function validateValue(spec: ValueSpec, variant: ValuesVariant, value: unknown, file: string, path = ''): string[] {
  const owner = `${file}:`;
  const at = path || '(top level)';
  const problem = (v: unknown, text: string) => `${owner} ${at}: ${show(v)} ${text}`;
  const checked = (check: () => void): string[] => {
    try { check(); return []; } catch (err) {
      if (err instanceof KasmConfigError) return [err.message];
      throw err;
    }
  };
  switch (spec.kind) {
    case 'string':
      if (spec.numeric && typeof value === 'number') {
        if (!Number.isFinite(value) || value < 0) return [problem(value, `is not accepted; accepted: ${acceptedText(spec)}`)];
        return validateValue(spec, variant, numberText(value), file, path);
      }
      if (typeof value !== 'string') return [problem(value, `is not a string; accepted: ${acceptedText(spec)}`)];
      if (spec.enum && !spec.enum.includes(value)) return [problem(value, `is not one of ${spec.enum.map(show).join(', ')}`)];
      if (spec.check) {
        const errors = checked(() => spec.check!(owner, at, value));
        if (errors.length > 0) return errors;
      }
      if ((spec.pattern && !new RegExp(spec.pattern).test(value)) || (spec.maxLength && value.length > spec.maxLength)) {
        return [problem(value, `is not accepted; accepted: ${spec.accepted}`)];
      }
      return [];
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        return [problem(value, `is not accepted; pass a whole number from ${spec.min} to ${spec.max}`)];
      }
      return [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [problem(value, 'is not accepted; pass true or false')];
    case 'list':
      if (!Array.isArray(value)) return [problem(value, `is not a list; accepted: ${acceptedText(spec)}`)];
      if (spec.minItems && value.length < spec.minItems) return [problem(value, `is too short; accepted: ${acceptedText(spec)}`)];
      return value.flatMap((item, i) => validateValue(spec.items, variant, item, file, `${path}[${i}]`));
    case 'map': {
      if (!isPlainObject(value)) return [problem(value, `is not a mapping; accepted: ${spec.accepted}`)];
      const errors: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        const bad = (spec.keys && !spec.keys.includes(key)) || (spec.keyPattern && !new RegExp(spec.keyPattern).test(key));
        if (bad) errors.push(`${owner} ${path}.${keyText(key)}: ${show(item)} is not accepted: ${show(key)} is not a key here; accepted: ${spec.accepted}`);
        else errors.push(...validateValue(spec.values, variant, item, file, `${path}.${keyText(key)}`));
      }
      if (errors.length === 0 && spec.check) errors.push(...checked(() => spec.check!(owner, at, value)));
      return errors;
    }
    case 'object': {
      if (!isPlainObject(value)) return [problem(value, `is not a mapping; accepted: ${acceptedText(objectFor(spec, variant))}`)];
      const errors: string[] = [];
      const here = Object.entries(spec.fields).filter(([, f]) => appliesTo(f, variant)).map(([k]) => k);
      for (const [key, item] of Object.entries(value)) {
        const keyPath = path ? `${path}.${keyText(key)}` : keyText(key);
        // Own keys only: `constructor` or `__proto__` in a file must not find Object.prototype's.
        const field = Object.prototype.hasOwnProperty.call(spec.fields, key) ? spec.fields[key] : undefined;
        if (!field || !appliesTo(field, variant)) {
          const why = field ? `applies to ${field.variants!.join(', ')} only, not ${variant}` : `${show(key)} is not a key here`;
          errors.push(`${owner} ${keyPath}: ${show(item)} is not accepted: ${why}; accepted keys: ${here.join(', ')}`);
          continue;
        }
        errors.push(...validateValue(field, variant, item, file, keyPath));
      }
      for (const key of here) {
        if (spec.fields[key].required?.includes(variant) && value[key] === undefined) {
          errors.push(`${owner} ${path ? `${path}.${key}` : key}: (not given) is required in ${variant}; accepted: ${acceptedText(spec.fields[key])}`);
        }
      }
      if (errors.length === 0 && spec.check) errors.push(...checked(() => spec.check!(owner, path, value)));
      return errors;
    }
  }
}

/** A key as a path shows it: a huge key is cut like a huge value. */
function keyText(key: string): string {
  return key.length > 64 ? `${key.slice(0, 64)}…` : key;
}

/** A YAML number as the quantity text Kubernetes reads: `8` -> '8', `0.5` -> '0.5', 8589934592 -> '8589934592'. */
function numberText(value: number): string {
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

/**
 * The values with every quantity given as a YAML number turned into its text, as the charts' props take it; call
 * after {@link validateValue} found no problem.
 */
export function normalizeValue(spec: ValueSpec, variant: ValuesVariant, value: unknown): unknown {
  switch (spec.kind) {
    case 'string': return spec.numeric && typeof value === 'number' ? numberText(value) : value;
    case 'list': return Array.isArray(value) ? value.map((v) => normalizeValue(spec.items, variant, v)) : value;
    case 'map': return isPlainObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeValue(spec.values, variant, v)])) : value;
    case 'object': return isPlainObject(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Object.prototype.hasOwnProperty.call(spec.fields, k) ? normalizeValue(spec.fields[k], variant, v) : v]))
      : value;
    default: return value;
  }
}

function objectFor(spec: ObjectSpec, variant: ValuesVariant): ObjectSpec {
  return { kind: 'object', fields: Object.fromEntries(Object.entries(spec.fields).filter(([, f]) => appliesTo(f, variant))) };
}
