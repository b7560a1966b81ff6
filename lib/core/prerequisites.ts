/**
 * What a cluster must have before the manifests apply: the operators and controllers that serve the custom resources
 * the constructs write. One list, so NOTES.md's prerequisites, the doctor's rule and the docs cannot disagree: a
 * custom resource whose API group no entry serves fails synth instead of failing `kubectl apply` on the cluster.
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Something the cluster must run for some objects of the output to mean anything. */
export interface Prerequisite {
  /** Its name as users search for it, e.g. 'cert-manager'. */
  readonly name: string;
  /** The API groups whose kinds it serves, e.g. ['cert-manager.io']. */
  readonly groups: readonly string[];
  /** Where to get it, or that the distribution bundles it (one line, for NOTES.md). */
  readonly install: string;
}

/** The prerequisites of the custom resources cdk8s-kasm's constructs write. */
export const PREREQUISITES: readonly Prerequisite[] = [
  { name: 'cert-manager', groups: ['cert-manager.io'], install: 'https://cert-manager.io/docs/installation/ (with the issuer the Certificates name)' },
  { name: 'CloudNativePG operator', groups: ['postgresql.cnpg.io'], install: 'https://cloudnative-pg.io/documentation/current/installation_upgrade/' },
  { name: 'Barman Cloud plugin of CloudNativePG', groups: ['barmancloud.cnpg.io'], install: 'https://cloudnative-pg.io/plugin-barman-cloud/' },
  { name: 'External Secrets Operator', groups: ['external-secrets.io'], install: 'https://external-secrets.io/latest/introduction/getting-started/ (with the store the ExternalSecret names)' },
  { name: 'Sealed Secrets controller', groups: ['bitnami.com'], install: 'https://github.com/bitnami-labs/sealed-secrets#installation' },
  { name: 'Prometheus Operator (e.g. kube-prometheus-stack)', groups: ['monitoring.coreos.com'], install: 'https://prometheus-operator.dev/docs/getting-started/installation/' },
  { name: 'Traefik with its CRDs', groups: ['traefik.io', 'traefik.containo.us'], install: 'packaged with K3s and RKE2 (rke2-traefik); elsewhere https://doc.traefik.io/traefik/getting-started/install-traefik/' },
  { name: 'K3s or RKE2 Helm controller', groups: ['helm.cattle.io'], install: 'built into K3s and RKE2' },
  { name: 'Argo CD', groups: ['argoproj.io'], install: 'https://argo-cd.readthedocs.io/en/stable/getting_started/ (for the GitOps manifests under gitops/argocd)' },
  { name: 'Flux', groups: ['source.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io'], install: 'https://fluxcd.io/flux/installation/ (for the GitOps manifests under gitops/flux)' },
  { name: 'Gateway API CRDs (v1.6, standard channel; TCPRoute from the experimental channel where RDP is routed) and a Gateway implementation (docs/gateway-api.md)', groups: ['gateway.networking.k8s.io'], install: 'https://gateway-api.sigs.k8s.io/guides/#installing-gateway-api' },
  { name: 'CSI external-snapshotter', groups: ['snapshot.storage.k8s.io'], install: 'packaged with RKE2 (rke2-snapshot-controller), elsewhere https://github.com/kubernetes-csi/external-snapshotter; and a VolumeSnapshotClass for the database\'s StorageClass' },
];

/** API groups under k8s.io that CRDs serve, not the API server. */
const CRD_GROUPS_UNDER_K8S_IO = new Set(['snapshot.storage.k8s.io', 'gateway.networking.k8s.io']);

/** The API group of an apiVersion ('' for core `v1`). */
export function apiGroupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Whether the API server itself serves the group (core, apps, networking.k8s.io, ...). */
export function isBuiltInGroup(group: string): boolean {
  if (!group.includes('.')) return true;
  return group.endsWith('.k8s.io') && !CRD_GROUPS_UNDER_K8S_IO.has(group);
}

const DECLARED = new WeakMap<Chart, Prerequisite[]>();

/**
 * Say that the chart of `scope` needs `prerequisite` (a custom resource of your own, a platform the output assumes):
 * it joins NOTES.md's prerequisites, and the doctor accepts the kinds of its groups.
 */
export function declarePrerequisite(scope: IConstruct, prerequisite: Prerequisite): void {
  const chart = Chart.of(scope);
  const list = DECLARED.get(chart) ?? [];
  if (!list.some((p) => p.name === prerequisite.name)) list.push(prerequisite);
  DECLARED.set(chart, list);
}

/** The prerequisites declared for the chart of `scope` and the charts it is in. */
export function declaredPrerequisites(scope: IConstruct): readonly Prerequisite[] {
  const out: Prerequisite[] = [];
  for (const c of scope.node.scopes) if (Chart.isChart(c)) out.push(...(DECLARED.get(c) ?? []));
  return out;
}

/** The prerequisite that serves `group`, declared ones first, then the shipped list. */
export function prerequisiteOf(group: string, declared: readonly Prerequisite[] = []): Prerequisite | undefined {
  return [...declared, ...PREREQUISITES].find((p) => p.groups.includes(group));
}
