/**
 * The schemas the validator checks against (private to the doctor): the committed Kubernetes and CRD schema data
 * loaded once per Kubernetes version, made strict (unknown fields are errors), and compiled per apiVersion/kind.
 * See `schema-validator.ts` for the rules; `scripts/update-schemas.ts` (`npm run schemas`) writes the data.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { CodeOptions, ValidateFunction } from 'ajv';

/** Folder of the committed schema data, resolved from this file so the current directory does not matter. */
const SCHEMA_DIR = path.join(__dirname, 'schemas');
/** Kubernetes versions with committed schema data: cdk8s-plus-27's 1.27, and 1.33, which K3s and RKE2 ship now. */
export const KUBERNETES_SCHEMA_VERSIONS: readonly string[] = ['1.27', '1.33'];
const k8sFile = (version: string) => `k8s-v${version}.0.json`;
const CRDS_FILE = 'crds.json';
/** `$id` under which the k8s definitions are registered in ajv; CRD and kind schemas reference into it. */
const K8S_ID = 'k8s.json';
const OBJECT_META_REF = `${K8S_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;
export const KUSTOMIZE_GROUP = 'kustomize.config.k8s.io';

export type SchemaNode = { [key: string]: unknown };
/** ajv's pluggable regular-expression constructor (`code.regExp`). */
type RegExpEngine = NonNullable<CodeOptions['regExp']>;

/** One apiVersion/kind the validator knows, and where its schema comes from. */
export interface KnownKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly source: 'k8s' | 'crd' | 'kustomize';
}

interface CrdEntry {
  group: string;
  version: string;
  kind: string;
  scope: string;
  schema: SchemaNode;
}

/** Schema of the kustomize fields this project writes; anything else is rejected. */
const KUSTOMIZATION_SCHEMA: SchemaNode = (() => {
  const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
  return {
    type: 'object',
    required: ['apiVersion', 'kind'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: `${KUSTOMIZE_GROUP}/v1beta1` },
      kind: { const: 'Kustomization' },
      resources: { type: 'array', items: { type: 'string' } },
      namespace: { type: 'string' },
      labels: {
        type: 'array',
        items: {
          type: 'object',
          required: ['pairs'],
          additionalProperties: false,
          properties: { pairs: stringMap, includeSelectors: { type: 'boolean' }, includeTemplates: { type: 'boolean' } },
        },
      },
      commonLabels: stringMap,
      commonAnnotations: stringMap,
    },
  };
})();

/**
 * RE2 (Go) allows a leading `(?i)` (also right after `^`), JavaScript does not; it becomes the `i` flag.
 * Why: prometheus-operator's PrometheusRule uses `^(?i)(abort|warn)?$`.
 */
const goRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string): RegExp => {
    const m = /^(\^?)\(\?i\)/.exec(pattern);
    return m ? new RegExp(m[1] + pattern.slice(m[0].length), `${flags}i`) : new RegExp(pattern, flags);
  },
  { code: 'goRegExp' },
);

interface Registry {
  ajv: Ajv;
  /** `apiVersion/kind` -> k8s definition name. */
  k8sKinds: Map<string, string>;
  /** `apiVersion/kind` -> CRD entry. */
  crdKinds: Map<string, CrdEntry>;
  /** `apiVersion/kind` -> compiled validator, filled lazily. */
  compiled: Map<string, ValidateFunction>;
}

const registries = new Map<string, Registry>();
let crdData: { crds: CrdEntry[] } | undefined;

/** Loads one version's data once; kinds are compiled on first use. */
function load(version: string = KUBERNETES_SCHEMA_VERSIONS[0]): Registry {
  const cached = registries.get(version);
  if (cached) {
    return cached;
  }
  if (!KUBERNETES_SCHEMA_VERSIONS.includes(version)) {
    throw new Error(`no schema data for Kubernetes ${version}; available: ${KUBERNETES_SCHEMA_VERSIONS.join(', ')}`);
  }
  const k8s = readJson(k8sFile(version)) as { definitions: Record<string, SchemaNode> };
  crdData ??= readJson(CRDS_FILE) as { crds: CrdEntry[] };
  const crds = crdData;
  const definitions: Record<string, SchemaNode> = {};
  const k8sKinds = new Map<string, string>();
  for (const name of Object.keys(k8s.definitions)) {
    const def = k8s.definitions[name];
    definitions[name] = strictify(def, true);
    const gvks = def['x-kubernetes-group-version-kind'] as Array<{ group: string; version: string; kind: string }> | undefined;
    for (const gvk of gvks ?? []) {
      const key = kindKey(gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, gvk.kind);
      if (!k8sKinds.has(key)) {
        k8sKinds.set(key, name);
      }
    }
  }
  const crdKinds = new Map<string, CrdEntry>();
  for (const crd of crds.crds) {
    crdKinds.set(kindKey(`${crd.group}/${crd.version}`, crd.kind), crd);
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });
  ajv.addSchema({ $id: K8S_ID, definitions }, K8S_ID);
  const registry: Registry = { ajv, k8sKinds, crdKinds, compiled: new Map() };
  registries.set(version, registry);
  return registry;
}

function readJson(file: string): unknown {
  const full = path.join(SCHEMA_DIR, file);
  if (!fs.existsSync(full)) {
    throw new Error(`schema data missing: ${full} (regenerate with \`npm run schemas\`)`);
  }
  return JSON.parse(fs.readFileSync(full, 'utf8'));
}

export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/**
 * Returns a copy of `node` with the strictness rules applied (see the file comment).
 * `structural` is false inside allOf/anyOf/oneOf/not, where no `additionalProperties` is injected.
 */
function strictify(node: SchemaNode, structural: boolean): SchemaNode {
  const out: SchemaNode = { ...node };
  if (node['x-kubernetes-int-or-string'] === true || node.format === 'int-or-string') {
    delete out.type;
    delete out.format;
    if (!out.anyOf && !out.oneOf) {
      out.anyOf = [{ type: 'integer' }, { type: 'string' }];
    }
  }
  const props = node.properties as Record<string, SchemaNode> | undefined;
  if (props) {
    const next: Record<string, SchemaNode> = {};
    for (const name of Object.keys(props)) {
      next[name] = strictify(props[name], structural);
    }
    out.properties = next;
  }
  if (Array.isArray(node.items)) {
    out.items = (node.items as SchemaNode[]).map((s) => strictify(s, structural));
  } else if (isObject(node.items)) {
    out.items = strictify(node.items, structural);
  }
  if (isObject(node.additionalProperties)) {
    out.additionalProperties = strictify(node.additionalProperties, structural);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(node[key])) {
      out[key] = (node[key] as SchemaNode[]).map((s) => strictify(s, false));
    }
  }
  if (isObject(node.not)) {
    out.not = strictify(node.not, false);
  }
  if (structural && props && node.additionalProperties === undefined
    && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
    if (node['x-kubernetes-embedded-resource'] === true) {
      // An embedded object always allows apiVersion, kind and metadata, declared or not.
      out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(out.properties as object) };
    }
  }
  return out;
}

/** Schema for a CRD version: strict, with `metadata` as ObjectMeta and apiVersion/kind always accepted. */
function crdSchema(crd: CrdEntry): SchemaNode {
  const root = strictify(crd.schema, true);
  root.properties = {
    ...(root.properties as object),
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { $ref: OBJECT_META_REF },
  };
  return root;
}

/** The compiled validator for an apiVersion/kind, or undefined when there is no schema for it. */
export function validatorFor(apiVersion: string, kind: string, version?: string): ValidateFunction | undefined {
  const reg = load(version);
  const key = kindKey(apiVersion, kind);
  const cached = reg.compiled.get(key);
  if (cached) {
    return cached;
  }
  let schema: SchemaNode | undefined;
  const def = reg.k8sKinds.get(key);
  const crd = reg.crdKinds.get(key);
  if (def) {
    schema = { $ref: `${K8S_ID}#/definitions/${def}` };
  } else if (crd) {
    schema = crdSchema(crd);
  } else if (apiVersion === `${KUSTOMIZE_GROUP}/v1beta1` && kind === 'Kustomization') {
    schema = KUSTOMIZATION_SCHEMA;
  }
  if (!schema) {
    return undefined;
  }
  const validate = reg.ajv.compile(schema);
  reg.compiled.set(key, validate);
  return validate;
}

/** Every apiVersion/kind that has a schema, sorted. */
export function knownKinds(version?: string): KnownKind[] {
  const reg = load(version);
  const out: KnownKind[] = [];
  for (const key of reg.k8sKinds.keys()) {
    out.push({ ...splitKey(key), source: 'k8s' });
  }
  for (const key of reg.crdKinds.keys()) {
    out.push({ ...splitKey(key), source: 'crd' });
  }
  out.push({ apiVersion: `${KUSTOMIZE_GROUP}/v1beta1`, kind: 'Kustomization', source: 'kustomize' });
  return out.sort((a, b) => (kindKey(a.apiVersion, a.kind) < kindKey(b.apiVersion, b.kind) ? -1 : 1));
}

function splitKey(key: string): { apiVersion: string; kind: string } {
  const i = key.lastIndexOf('/');
  return { apiVersion: key.slice(0, i), kind: key.slice(i + 1) };
}

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
