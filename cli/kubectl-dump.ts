/**
 * The live mode and `--dump`: reads the namespaces a Kasm deployment spans through `kubectl` into one dump.
 *
 * kubectl already knows the user's kubeconfig, contexts, auth plugins and proxies, so shelling out to it needs no
 * Kubernetes client library. Secrets are reduced to names and key names as soon as they are parsed: their values
 * are never kept, passed on or printed.
 */
import { execFile } from 'child_process';
import {
  CLUSTER_RESOURCES, FRONT_DOOR_SELECTOR, NAMESPACED_RESOURCES, OPERATOR_SELECTOR, OPTIONAL_RESOURCES, RBAC_RESOURCES, relatedNamespaces,
} from '../lib/doctor/diagnose/dump-command';
import { KubeObject } from '../lib/doctor/diagnose/types';

/** kubectl could not be run or refused a request; the CLI prints the message and exits 2. */
export class KubectlError extends Error {
  /** Whether kubectl itself is missing (no list can succeed), rather than one request failing. */
  public readonly kubectlMissing: boolean;

  constructor(message: string, kubectlMissing = false) {
    super(message);
    this.name = 'KubectlError';
    this.kubectlMissing = kubectlMissing;
  }
}

/** What the live mode read. */
export interface LiveDump {
  /** A `v1` `List`: each namespace's objects and redacted Secrets, cluster-wide objects, then the extras. */
  readonly dump: { apiVersion: 'v1'; kind: 'List'; metadata: { resourceVersion: string }; items: KubeObject[] };
  /** Whether kube-system's HelmChartConfigs could be listed (k3s and RKE2 have the CRD). */
  readonly helmChartConfigsFetched: boolean;
  /** The namespaces read, the diagnosed one first. */
  readonly namespaces: readonly string[];
  /** What could not be read and what that costs the diagnosis, one line each (the CLI prints them on stderr). */
  readonly warnings: readonly string[];
}

/** Largest kubectl output accepted; events of a busy namespace run to megabytes. */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Most namespaces followed out of the diagnosed one: a guard against a dump that names hundreds. */
const MAX_RELATED = 8;

function kubectl(args: readonly string[], context: string | undefined): Promise<string> {
  const full = [...(context ? ['--context', context] : []), ...args];
  return new Promise((resolve, reject) => {
    execFile('kubectl', full, { maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) {
        resolve(stdout);
        return;
      }
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new KubectlError('kubectl is not on PATH: install it, or run diagnose --dump FILE where kubectl works and diagnose --from FILE here', true));
        return;
      }
      reject(new KubectlError(`kubectl ${full.join(' ')} failed: ${(stderr || err.message).trim()}`));
    });
  });
}

async function list(args: readonly string[], context: string | undefined): Promise<KubeObject[]> {
  const text = await kubectl(args, context);
  try {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed.items) ? parsed.items : [];
  } catch {
    throw new KubectlError(`kubectl ${args.join(' ')} did not print JSON`);
  }
}

/** A list that may legitimately be missing (its CRD is not installed, or RBAC forbids it): empty and `false`. */
async function optionalList(args: readonly string[], context: string | undefined): Promise<{ items: KubeObject[]; fetched: boolean; error?: string }> {
  try {
    return { items: await list(args, context), fetched: true };
  } catch (err) {
    if (err instanceof KubectlError && err.kubectlMissing) throw err;
    return { items: [], fetched: false, error: (err as Error).message };
  }
}

/**
 * A Secret as the dump keeps it: metadata without the last-applied annotation (it holds the values), the type,
 * and every key with an empty value.
 */
export function redactSecret(secret: any): KubeObject {
  const { managedFields: _managed, annotations, ...metadata } = secret?.metadata ?? {};
  const keptAnnotations = { ...(annotations ?? {}) };
  delete keptAnnotations[LAST_APPLIED];
  const keys = Object.keys({ ...(secret?.data ?? {}), ...(secret?.stringData ?? {}) });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { ...metadata, ...(Object.keys(keptAnnotations).length > 0 ? { annotations: keptAnnotations } : {}) },
    type: secret?.type,
    data: Object.fromEntries(keys.map((k) => [k, ''])),
  };
}

/** One namespace as the dump holds it: its objects, its Secrets redacted, its RBAC, and the custom resources that exist. */
async function readNamespace(namespace: string, context: string | undefined, warnings: string[]): Promise<KubeObject[]> {
  const [objects, secrets, rbac, ...optional] = await Promise.all([
    list(['get', NAMESPACED_RESOURCES, '-n', namespace, '-o', 'json'], context),
    list(['get', 'secrets', '-n', namespace, '-o', 'json'], context).then((items) => items.map(redactSecret)),
    optionalList(['get', RBAC_RESOURCES, '-n', namespace, '-o', 'json'], context),
    ...OPTIONAL_RESOURCES.map((r) => optionalList(['get', r, '-n', namespace, '-o', 'json'], context)),
  ]);
  if (!rbac.fetched) {
    const why = (rbac.error ?? '').split('\n').map((l) => l.trim()).filter((l) => l).slice(-1)[0] ?? 'unknown error';
    warnings.push(`cannot list ${RBAC_RESOURCES} in namespace ${namespace} (${why.replace(/^kubectl .* failed: /, '')}): a 403 of the secret-generator cannot be pinned to its Role or RoleBinding there`);
  }
  return [...objects, ...secrets, ...rbac.items, ...optional.flatMap((o) => o.items)];
}

/**
 * Reads the diagnosed namespace, then the namespaces its objects point into (the database's, the routes'), the
 * front door in kube-system, the CloudNativePG operator, and the cluster-wide objects.
 */
export async function readLiveDump(namespace: string, context?: string): Promise<LiveDump> {
  const warnings: string[] = [];
  const [home, clusterWide, helmChartConfigs, frontDoor, operator] = await Promise.all([
    readNamespace(namespace, context, warnings),
    list(['get', CLUSTER_RESOURCES, '-o', 'json'], context),
    optionalList(['get', 'helmchartconfigs.helm.cattle.io', '-n', 'kube-system', '-o', 'json'], context),
    optionalList(['get', 'pods,services,deployments,daemonsets', '-n', 'kube-system', '-l', FRONT_DOOR_SELECTOR, '-o', 'json'], context),
    optionalList(['get', 'deployments,pods', '-A', '-l', OPERATOR_SELECTOR, '-o', 'json'], context),
  ]);
  const related = relatedNamespaces(home, namespace).slice(0, MAX_RELATED);
  const others = await Promise.all(related.map((ns) => readNamespace(ns, context, warnings)));
  return {
    dump: {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: [...home, ...others.flat(), ...clusterWide, ...helmChartConfigs.items, ...frontDoor.items, ...operator.items],
    },
    helmChartConfigsFetched: helmChartConfigs.fetched,
    namespaces: [namespace, ...related],
    warnings,
  };
}
