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
import { ErrorObject } from 'ajv';
import { isObject, KUBERNETES_SCHEMA_VERSIONS, KUSTOMIZE_GROUP, validatorFor } from './schema-registry';

export { knownKinds, KUBERNETES_SCHEMA_VERSIONS } from './schema-registry';
export type { KnownKind } from './schema-registry';

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
