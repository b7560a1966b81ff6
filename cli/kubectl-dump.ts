/**
 * The live mode: reads a namespace through `kubectl` into the same dump the dump command writes.
 *
 * kubectl already knows the user's kubeconfig, contexts, auth plugins and proxies, so shelling out to it needs no
 * Kubernetes client library. Secrets are reduced to names and key names as soon as they are parsed: their values
 * are never kept, passed on or printed.
 */
import { execFile } from 'child_process';
import { CLUSTER_RESOURCES, NAMESPACED_RESOURCES } from '../lib/doctor/diagnose/dump-command';
import { KubeObject } from '../lib/doctor/diagnose/types';

/** kubectl could not be run or refused a request; the CLI prints the message and exits 2. */
export class KubectlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubectlError';
  }
}

/** What the live mode read. */
export interface LiveDump {
  /** A `v1` `List`, in the dump command's order (namespaced objects, Secrets, cluster-wide objects, extras). */
  readonly dump: { apiVersion: 'v1'; kind: 'List'; metadata: { resourceVersion: string }; items: KubeObject[] };
  /** Whether kube-system's HelmChartConfigs could be listed (k3s and RKE2 have the CRD). */
  readonly helmChartConfigsFetched: boolean;
}

/** Largest kubectl output accepted; events of a busy namespace run to megabytes. */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function kubectl(args: readonly string[], context: string | undefined): Promise<string> {
  const full = [...(context ? ['--context', context] : []), ...args];
  return new Promise((resolve, reject) => {
    execFile('kubectl', full, { maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) {
        resolve(stdout);
        return;
      }
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new KubectlError('kubectl is not on PATH: install it, or make a dump elsewhere (diagnose --print-dump-command) and run diagnose --from dump.json'));
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

/** A list that may legitimately be missing (its CRD is not installed): empty and `false` instead of an error. */
async function optionalList(args: readonly string[], context: string | undefined): Promise<{ items: KubeObject[]; fetched: boolean }> {
  try {
    return { items: await list(args, context), fetched: true };
  } catch {
    return { items: [], fetched: false };
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

/** Reads a namespace as the dump command would, plus Traefik's HelmChartConfigs and CNPG Clusters when they exist. */
export async function readLiveDump(namespace: string, context?: string): Promise<LiveDump> {
  const [namespaced, clusterWide, secrets, helmChartConfigs, cnpg] = await Promise.all([
    list(['get', NAMESPACED_RESOURCES, '-n', namespace, '-o', 'json'], context),
    list(['get', CLUSTER_RESOURCES, '-o', 'json'], context),
    list(['get', 'secrets', '-n', namespace, '-o', 'json'], context).then((items) => items.map(redactSecret)),
    optionalList(['get', 'helmchartconfigs.helm.cattle.io', '-n', 'kube-system', '-o', 'json'], context),
    optionalList(['get', 'clusters.postgresql.cnpg.io', '-n', namespace, '-o', 'json'], context),
  ]);
  return {
    dump: {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: [...namespaced, ...secrets, ...clusterWide, ...helmChartConfigs.items, ...cnpg.items],
    },
    helmChartConfigsFetched: helmChartConfigs.fetched,
  };
}
