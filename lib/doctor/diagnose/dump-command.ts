/**
 * What a dump holds and the one command that writes it for a bug report (`cdk8s-kasm diagnose --dump FILE`).
 *
 * The CLI runs kubectl itself (no jq, no shell), follows the namespaces the deployment spans, and blanks every
 * Secret value and the `last-applied-configuration` annotation that would otherwise carry them.
 */
import { serviceOfHost } from './topology';
import { KubeObject } from './types';

/** Namespaced kinds the dump holds of every namespace it reads; the live mode fetches exactly these. */
export const NAMESPACED_RESOURCES = 'pods,pvc,jobs,events,services,endpoints,replicasets,deployments,statefulsets,configmaps,networkpolicies,serviceaccounts';
/** RBAC kinds, read apart: a user allowed to read the workloads may not be allowed to list Roles (a warning, not a failure). */
export const RBAC_RESOURCES = 'roles,rolebindings';
/** Cluster-wide kinds the dump holds. */
export const CLUSTER_RESOURCES = 'storageclasses,nodes,persistentvolumes';
/** Custom resources read where their CRDs exist: CNPG Clusters, Gateway API routes, Traefik's IngressRoutes. */
export const OPTIONAL_RESOURCES = ['clusters.postgresql.cnpg.io', 'httproutes.gateway.networking.k8s.io', 'tlsroutes.gateway.networking.k8s.io',
  'tcproutes.gateway.networking.k8s.io', 'backendtlspolicies.gateway.networking.k8s.io', 'ingressroutes.traefik.io'];
/** The front door in kube-system: the ingress controllers k3s and RKE2 bundle, by their pods' name label. */
export const FRONT_DOOR_SELECTOR = 'app.kubernetes.io/name in (traefik,rke2-traefik,ingress-nginx,rke2-ingress-nginx)';
/** The CloudNativePG operator's pods and Deployment, in whatever namespace it was installed. */
export const OPERATOR_SELECTOR = 'app.kubernetes.io/name=cloudnative-pg';

/** Quotes a word for POSIX sh when it holds anything but safe characters. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The dump command for a namespace, with `--context` when one is given. */
export function dumpCommand(namespace: string, context?: string): string {
  return `npx cdk8s-kasm diagnose -n ${shellQuote(namespace)}${context ? ` --context ${shellQuote(context)}` : ''} --dump dump.json`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Namespaces of the cluster Service names a value holds (`kasm-db-rw.database.svc`, also inside URLs). */
function serviceNamespacesIn(text: string): string[] {
  return [...text.matchAll(/\b[a-z0-9-]+\.([a-z0-9-]+)\.svc\b/g)].map((m) => m[1]);
}

/**
 * Namespaces other than `home` that the deployment's objects point into: Service hosts in env values and wait
 * scripts (`kasm-db-rw.database.svc`), route parents and backends, RoleBinding subjects. Read from the dump's own
 * objects, so a renamed database namespace is followed without configuration.
 */
export function relatedNamespaces(items: readonly KubeObject[], home: string): string[] {
  const found = new Set<string>();
  const add = (ns: unknown) => {
    if (typeof ns === 'string' && ns !== home && ns.length <= 63 && DNS_LABEL.test(ns)) found.add(ns);
  };
  for (const o of items) {
    if (o.metadata?.namespace !== home) continue;
    const template = o.kind === 'Pod' ? o.spec : o.spec?.template?.spec;
    for (const c of [...(template?.initContainers ?? []), ...(template?.containers ?? [])]) {
      const texts = [...(c?.command ?? []), ...(c?.args ?? []), ...(c?.env ?? []).map((e: any) => e?.value)].filter((t) => typeof t === 'string');
      for (const t of texts) for (const ns of serviceNamespacesIn(t)) add(ns);
    }
    for (const ref of [...(o.spec?.parentRefs ?? []), ...(o.spec?.rules ?? []).flatMap((r: any) => r?.backendRefs ?? [])]) add(ref?.namespace);
    if (o.kind === 'Service' && typeof o.spec?.externalName === 'string') add(serviceOfHost(o.spec.externalName.replace(/\.cluster\.local$/, '')).namespace);
  }
  return [...found].sort();
}
