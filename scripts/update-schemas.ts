/**
 * Regenerates the schema data under `lib/doctor/schemas/` from the shared folder (`npm run schemas`).
 * Why: the strict manifest tests must run on a fresh clone without `../shared`, so the data is committed.
 *
 * Inputs (relative to the shared folder, env `SHARED_DIR`, default `../shared` from the project root):
 * - `k8s-openapi/v1.27.0/_definitions.json` and `v1.33.0` (Kubernetes 1.27, cdk8s-plus-27's, and 1.33, what K3s and
 *   RKE2 ship now);
 * - the CustomResourceDefinition files in {@link CRD_FILES}.
 *
 * Outputs: `lib/doctor/schemas/k8s-v1.27.0.json`, `k8s-v1.33.0.json` and `crds.json`, with every schema `description`
 * removed and nothing else changed, keys sorted, 2-space indent, one trailing newline, no timestamps.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAll } from 'js-yaml';

/** Kubernetes versions whose schemas the manifests are validated against: cdk8s-plus-27's, and 1.33 (K3s, RKE2). */
export const K8S_VERSIONS: readonly string[] = ['v1.27.0', 'v1.33.0'];

/** The CRD files (relative to `<shared>/crds/`) whose served versions the tests validate against. */
export const CRD_FILES: readonly string[] = [
  'argo-cd/application-crd.yaml',
  'cert-manager/cert-manager.io_certificates.yaml',
  'cert-manager/cert-manager.io_clusterissuers.yaml',
  'cert-manager/cert-manager.io_issuers.yaml',
  'cloudnative-pg/postgresql.cnpg.io_clusters.yaml',
  'cloudnative-pg/postgresql.cnpg.io_poolers.yaml',
  'cloudnative-pg/postgresql.cnpg.io_scheduledbackups.yaml',
  'external-secrets/external-secrets.io_clustersecretstores.yaml',
  'external-secrets/external-secrets.io_externalsecrets.yaml',
  'external-secrets/external-secrets.io_secretstores.yaml',
  'flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml',
  'flux/source.toolkit.fluxcd.io_gitrepositories.yaml',
  'gateway-api/gateway.networking.k8s.io_backendtlspolicies.yaml',
  'gateway-api/gateway.networking.k8s.io_gatewayclasses.yaml',
  'gateway-api/gateway.networking.k8s.io_gateways.yaml',
  'gateway-api/gateway.networking.k8s.io_httproutes.yaml',
  'gateway-api/gateway.networking.k8s.io_listenersets.yaml',
  'gateway-api/gateway.networking.k8s.io_referencegrants.yaml',
  'gateway-api/gateway.networking.k8s.io_tcproutes.yaml',
  'gateway-api/gateway.networking.k8s.io_tlsroutes.yaml',
  'helm-controller/helm.cattle.io_helmchartconfigs.yaml',
  'prometheus-operator/monitoring.coreos.com_prometheusrules.yaml',
  'prometheus-operator/monitoring.coreos.com_servicemonitors.yaml',
  'sealed-secrets/bitnami.com_sealedsecrets.yaml',
  'traefik/traefik.io_ingressroutes.yaml',
  'traefik/traefik.io_ingressroutetcps.yaml',
  'traefik/traefik.io_middlewares.yaml',
  'traefik/traefik.io_serverstransports.yaml',
  'traefik/traefik.io_tlsoptions.yaml',
];

/** Above this size the k8s file keeps only definitions reachable from top-level kinds, to keep the repo lean. */
export const MAX_K8S_BYTES = 2.5 * 1024 * 1024;

/** File names written into the output folder. */
export const K8S_OUTPUTS: readonly string[] = K8S_VERSIONS.map((v) => `k8s-${v}.json`);
export const CRDS_OUTPUT = 'crds.json';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const GENERATOR = 'scripts/update-schemas.ts';
const k8sInput = (version: string) => `k8s-openapi/${version}/_definitions.json`;

/** JSON values as read from the inputs. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One served version of one CRD, as stored in `crds.json`. */
export interface CrdSchemaEntry {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly scope: string;
  /** Input file, relative to the shared folder. */
  readonly source: string;
  readonly schema: JsonObject;
}

/** A file written by {@link generateSchemas}. */
export interface GeneratedFile {
  readonly path: string;
  readonly bytes: number;
}

/** The shared folder: `SHARED_DIR` (absolute, or relative to the current directory) or `../shared` from the project root. */
export function resolveSharedDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHARED_DIR ? path.resolve(env.SHARED_DIR) : path.resolve(PROJECT_ROOT, '..', 'shared');
}

/** Where the committed schema data lives. */
export function defaultOutDir(): string {
  return path.join(PROJECT_ROOT, 'lib', 'doctor', 'schemas');
}

/** Renders both output files in memory: file name -> exact file content. */
export function renderSchemas(sharedDir: string): Record<string, string> {
  assertInputs(sharedDir);
  return {
    ...Object.fromEntries(K8S_VERSIONS.map((v, i) => [K8S_OUTPUTS[i], renderK8s(sharedDir, v)])),
    [CRDS_OUTPUT]: renderCrds(sharedDir),
  };
}

/** Renders the schema data from `sharedDir` and writes it into `outDir` (created if missing). */
export function generateSchemas(sharedDir: string, outDir: string): GeneratedFile[] {
  const files = renderSchemas(sharedDir);
  fs.mkdirSync(outDir, { recursive: true });
  return Object.keys(files).sort().map((name) => {
    const file = path.join(outDir, name);
    fs.writeFileSync(file, files[name]);
    return { path: file, bytes: Buffer.byteLength(files[name]) };
  });
}

/** Fails with one message naming every missing input and how to point the script elsewhere. */
function assertInputs(sharedDir: string): void {
  if (!fs.existsSync(sharedDir)) {
    throw new Error(`shared folder not found: ${sharedDir}\n`
      + 'Set SHARED_DIR to the folder that holds k8s-openapi/ and crds/ (default: ../shared next to the project).');
  }
  const missing = [...K8S_VERSIONS.map(k8sInput), ...CRD_FILES.map((f) => `crds/${f}`)]
    .filter((rel) => !fs.existsSync(path.join(sharedDir, rel)));
  if (missing.length > 0) {
    throw new Error(`missing input files in ${sharedDir}:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
  }
}

function renderK8s(sharedDir: string, version: string): string {
  const input = k8sInput(version);
  const raw = JSON.parse(fs.readFileSync(path.join(sharedDir, input), 'utf8')) as JsonObject;
  const definitions = raw.definitions;
  if (!isObject(definitions)) {
    throw new Error(`${input}: no "definitions" object`);
  }
  const stripped: JsonObject = {};
  for (const name of Object.keys(definitions)) {
    stripped[name] = stripSchema(definitions[name]);
  }
  const render = (defs: JsonObject): string => stableJson({ definitions: defs, generator: GENERATOR, source: input });
  const full = render(stripped);
  return Buffer.byteLength(full) <= MAX_K8S_BYTES ? full : render(reachableFromKinds(stripped));
}

function renderCrds(sharedDir: string): string {
  const crds: CrdSchemaEntry[] = [];
  for (const file of CRD_FILES) {
    const source = `crds/${file}`;
    const docs = loadAll(fs.readFileSync(path.join(sharedDir, source), 'utf8'));
    const defs = docs.filter((d): d is JsonObject => isObject(d) && d.kind === 'CustomResourceDefinition');
    if (defs.length === 0) {
      throw new Error(`${source}: no CustomResourceDefinition found`);
    }
    for (const crd of defs) {
      crds.push(...servedVersions(crd, source));
    }
  }
  crds.sort((a, b) => compare(a.group, b.group) || compare(a.kind, b.kind) || compare(a.version, b.version));
  return stableJson({ crds: crds as unknown as Json, generator: GENERATOR, source: CRD_FILES.map((f) => `crds/${f}`) });
}

/** One entry per served version; unserved versions are never sent to a cluster, so they are left out. */
function servedVersions(crd: JsonObject, source: string): CrdSchemaEntry[] {
  if (crd.apiVersion !== 'apiextensions.k8s.io/v1') {
    throw new Error(`${source}: expected apiextensions.k8s.io/v1, got ${String(crd.apiVersion)}`);
  }
  const spec = crd.spec as JsonObject;
  const names = spec.names as JsonObject;
  const entries: CrdSchemaEntry[] = [];
  for (const v of spec.versions as JsonObject[]) {
    if (v.served !== true) {
      continue;
    }
    const schema = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (!isObject(schema)) {
      throw new Error(`${source}: version ${String(v.name)} has no openAPIV3Schema`);
    }
    entries.push({
      group: String(spec.group),
      version: String(v.name),
      kind: String(names.kind),
      scope: String(spec.scope),
      source,
      schema: stripSchema(schema) as JsonObject,
    });
  }
  return entries;
}

/** Keywords whose value is a map of name -> schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);
/** Keywords whose value is a schema (or, for `items`, possibly an array of schemas). */
const SCHEMA_VALUES = new Set(['items', 'additionalItems', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else']);
/** Keywords whose value is an array of schemas. */
const SCHEMA_ARRAYS = new Set(['allOf', 'anyOf', 'oneOf']);

/**
 * Copies a schema without `description` keywords, walking only schema positions.
 * Why: property names such as `description` or `format` (JSONSchemaProps) and data in `default`/`enum` must survive.
 */
export function stripSchema(schema: Json): Json {
  if (!isObject(schema)) {
    return Array.isArray(schema) ? schema.map(stripSchema) : schema;
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') {
      continue;
    }
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) {
        map[name] = Array.isArray(sub) ? sub : stripSchema(sub);
      }
      out[key] = map;
    } else if (SCHEMA_VALUES.has(key) || SCHEMA_ARRAYS.has(key)) {
      out[key] = stripSchema(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Keeps top-level kinds (with `x-kubernetes-group-version-kind`) and every definition they reference. */
function reachableFromKinds(defs: JsonObject): JsonObject {
  const keep = new Set<string>();
  const queue = Object.keys(defs).filter((name) => {
    const def = defs[name];
    return isObject(def) && def['x-kubernetes-group-version-kind'] !== undefined;
  });
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (keep.has(name) || defs[name] === undefined) {
      continue;
    }
    keep.add(name);
    JSON.stringify(defs[name], (key, value) => {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) {
        queue.push(value.slice('#/definitions/'.length));
      }
      return value;
    });
  }
  const out: JsonObject = {};
  for (const name of [...keep].sort()) {
    out[name] = defs[name];
  }
  return out;
}

/** JSON with object keys sorted at every level, 2-space indent and one trailing newline, so re-runs are byte-identical. */
export function stableJson(value: Json): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (!isObject(value)) {
    return value;
  }
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort(compare)) {
    out[key] = sortKeys(value[key]);
  }
  return out;
}

/** Code-unit order, independent of locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Command-line entry: writes into `lib/doctor/schemas/` and prints what it wrote. */
function main(): void {
  const sharedDir = resolveSharedDir();
  const outDir = defaultOutDir();
  for (const file of generateSchemas(sharedDir, outDir)) {
    process.stdout.write(`wrote ${path.relative(PROJECT_ROOT, file.path)} (${file.bytes} bytes)\n`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`update-schemas: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
