/**
 * Strict, offline validation of synthesized manifests against Kubernetes 1.27 and 1.33 and the project's CRD schemas.
 * Why: like `kubeconform -strict`, unknown fields are errors, so typos fail the tests instead of being pruned
 * silently by the API server.
 *
 * Data: `lib/doctor/schemas/*.json`, committed and produced by `scripts/update-schemas.ts` (`npm run schemas`).
 *
 * Rules:
 * - every object schema with `properties`, no `additionalProperties` and no
 *   `x-kubernetes-preserve-unknown-fields: true` gets `additionalProperties: false` (not inside
 *   allOf/anyOf/oneOf/not, where `properties` only restates fields of the enclosing schema);
 * - `x-kubernetes-int-or-string` (and `format: int-or-string`) accept an integer or a string;
 * - a CRD's `metadata` is validated as k8s ObjectMeta;
 * - an apiVersion/kind without a schema is an error, never a pass;
 * - kustomize's `kustomization.yaml` (`kustomize.config.k8s.io/v1beta1` Kustomization) is not a cluster
 *   object (see {@link isClusterObject}); it is checked against a small hand-written schema instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { CodeOptions, ErrorObject, ValidateFunction } from 'ajv';

/** Folder of the committed schema data, resolved from this file so the current directory does not matter. */
const SCHEMA_DIR = path.join(__dirname, 'schemas');
/** Kubernetes versions with committed schema data: cdk8s-plus-27's 1.27, and 1.33, which K3s and RKE2 ship now. */
export const KUBERNETES_SCHEMA_VERSIONS: readonly string[] = ['1.27', '1.33'];
const k8sFile = (version: string) => `k8s-v${version}.0.json`;
const CRDS_FILE = 'crds.json';
/** `$id` under which the k8s definitions are registered in ajv; CRD and kind schemas reference into it. */
const K8S_ID = 'k8s.json';
const OBJECT_META_REF = `${K8S_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;
const KUSTOMIZE_GROUP = 'kustomize.config.k8s.io';

type SchemaNode = { [key: string]: unknown };
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

function kindKey(apiVersion: string, kind: string): string {
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
function validatorFor(apiVersion: string, kind: string, version?: string): ValidateFunction | undefined {
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

/**
 * Whether `obj` is sent to the API server. Rule: everything except kustomize's own build files
 * (apiVersion group `kustomize.config.k8s.io`, e.g. `kustomization.yaml`), which only `kubectl apply -k` reads.
 * Flux's `kustomize.toolkit.fluxcd.io` Kustomization is a cluster object.
 */
export function isClusterObject(obj: unknown): boolean {
  if (!isObject(obj) || typeof obj.apiVersion !== 'string') {
    return false;
  }
  return obj.apiVersion.split('/')[0] !== KUSTOMIZE_GROUP;
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

/**
 * Validates one manifest against one Kubernetes version's schemas (default: the first, 1.27); returns readable errors
 * (empty when valid), each prefixed with `Kind/name: `, e.g.
 * `Deployment/kasm-api: /spec/template/spec/containers/0 must NOT have additional property 'imagePullPolicyy'`.
 */
export function validateManifest(obj: unknown, version?: string): string[] {
  if (!isObject(obj)) {
    return [`${labelOf(obj)}: not a Kubernetes object (expected a mapping with apiVersion and kind)`];
  }
  const label = labelOf(obj);
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [`${label}: apiVersion and kind must be strings (got apiVersion ${String(apiVersion)} kind ${String(kind)})`];
  }
  const validate = validatorFor(apiVersion, kind, version);
  if (!validate) {
    return [`${label}: no schema for apiVersion ${apiVersion} kind ${kind}`];
  }
  if (validate(obj)) {
    return [];
  }
  return formatErrors(validate.errors ?? []).map((e) => `${label}: ${e}`);
}

/** Options of {@link validateManifests}. */
export interface ValidateOptions {
  /** Kubernetes versions to validate against. @default KUBERNETES_SCHEMA_VERSIONS (1.27 and 1.33) */
  readonly versions?: readonly string[];
}

/**
 * Validates many manifests (e.g. every document of a synthesized variant) against every requested Kubernetes
 * version; returns all errors in order. An error every version reports is listed once; one that only some versions
 * report is prefixed with them, e.g. `[k8s 1.33] Deployment/x: ...`.
 */
export function validateManifests(objs: readonly unknown[], options: ValidateOptions = {}): string[] {
  const versions = options.versions ?? KUBERNETES_SCHEMA_VERSIONS;
  const perVersion = versions.map((v) => objs.flatMap((obj) => validateManifest(obj, v)));
  const out: string[] = [];
  perVersion.forEach((errors, i) => {
    for (const e of errors) {
      const inAll = perVersion.every((list) => list.includes(e));
      const line = inAll || versions.length === 1 ? e : `[k8s ${versions[i]}] ${e}`;
      if (!out.includes(line)) out.push(line);
    }
  });
  return out;
}

function labelOf(obj: unknown): string {
  if (!isObject(obj)) {
    return `<${obj === null ? 'null' : Array.isArray(obj) ? 'array' : typeof obj}>`;
  }
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const kind = typeof obj.kind === 'string' ? obj.kind : '<no kind>';
  const name = typeof meta.name === 'string' ? meta.name : '<no name>';
  return `${kind}/${name}`;
}

/**
 * Turns ajv errors into one line each. An anyOf/oneOf whose branches all failed only on `type` becomes
 * `must be integer or string`. Why: int-or-string fields otherwise yield three lines for one mistake.
 */
function formatErrors(errors: ErrorObject[]): string[] {
  const dropped = new Set<ErrorObject>();
  const replaced = new Map<ErrorObject, string>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') {
      continue;
    }
    const branches = errors.filter((f) => f !== e && f.instancePath === e.instancePath
      && f.schemaPath.startsWith(`${e.schemaPath}/`));
    if (branches.length > 0 && branches.every((f) => f.keyword === 'type')) {
      branches.forEach((f) => dropped.add(f));
      replaced.set(e, `must be ${branches.map((f) => String(f.params.type)).join(' or ')}`);
    }
  }
  const lines: string[] = [];
  for (const e of errors) {
    if (dropped.has(e)) {
      continue;
    }
    const where = e.instancePath || '/';
    const line = `${where} ${replaced.get(e) ?? message(e)}`;
    if (!lines.includes(line)) {
      lines.push(line);
    }
  }
  return lines;
}

function message(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `must NOT have additional property '${String(e.params.additionalProperty)}'`;
    case 'enum':
      return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(e.params.allowedValue)}`;
    default:
      return e.message ?? e.keyword;
  }
}

function isObject(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
