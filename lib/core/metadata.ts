/**
 * Labels, annotations and ordering shared by every object the constructs emit (private module).
 */
import { createHash } from 'crypto';
import { ComponentId } from '../contract/types';

/** Label keys the constructs set; selectors use only the stable ones. */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** The value of `app.kubernetes.io/managed-by`. */
export const MANAGED_BY = 'cdk8s-kasm';

/**
 * Instance label of objects the cluster creates at runtime (generated Secrets, PVCs from volumeClaimTemplates).
 * They must not carry `app.kubernetes.io/instance`: Argo CD's label tracking would count them as part of the app,
 * find them missing from git and prune them (argo-cd#3050), taking the passwords or the data with them.
 */
export const RUNTIME_INSTANCE_LABEL = 'kasm.cdk8s.io/instance';

/** Labels for an object the cluster creates at runtime: the usual ones with the tracking label swapped out. */
export function runtimeLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...labels };
  if (out[LABELS.instance] !== undefined) {
    out[RUNTIME_INSTANCE_LABEL] = out[LABELS.instance];
    delete out[LABELS.instance];
  }
  return out;
}

/**
 * Labels of a StatefulSet's volumeClaimTemplates: the runtime labels without the release version. Kubernetes refuses
 * any change to an existing StatefulSet's volumeClaimTemplates, so a label that moves with the release would stop
 * every upgrade at the database's StatefulSet.
 */
export function claimTemplateLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out = runtimeLabels(labels);
  delete out[LABELS.version];
  return out;
}

/** Annotation Argo CD reads to order a sync. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * Argo CD sync waves: each wave must be healthy before the next starts, so the order follows the dependency
 * graph (secrets and certificates, then the database, then the control plane, then the ingress). File names
 * mean nothing to Argo CD or Flux; plain `kubectl apply -k` ignores waves and relies on the wait loops.
 */
export enum SyncWave {
  NAMESPACE = -3,
  SECRETS = -2,
  DATABASE = -1,
  DB_INIT = 0,
  CONTROL_PLANE = 1,
  INGRESS = 2,
}

/** Labels every object of an instance carries. */
export function instanceLabels(instance: string, version: string): Record<string, string> {
  return {
    [LABELS.partOf]: 'kasm',
    [LABELS.instance]: instance,
    [LABELS.version]: version,
    [LABELS.managedBy]: MANAGED_BY,
  };
}

/** kebab-case form of a component id for label values ('rdpHttpsGateway' -> 'rdp-https-gateway'). */
export function componentLabel(id: ComponentId): string {
  return id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The selector of one component's pods: stable across versions and sizes. */
export function selectorLabels(instance: string, workloadName: string): Record<string, string> {
  return { [LABELS.name]: workloadName, [LABELS.instance]: instance };
}

/** Labels of one component's objects and pods. */
export function componentLabels(instance: string, version: string, workloadName: string, id: ComponentId): Record<string, string> {
  return { ...instanceLabels(instance, version), [LABELS.name]: workloadName, [LABELS.component]: componentLabel(id) };
}

/** The sync-wave annotation. */
export function waveAnnotation(wave: SyncWave): Record<string, string> {
  return { [SYNC_WAVE_ANNOTATION]: String(wave) };
}

/**
 * GitOps never deletes or prunes an object that holds data: Argo CD keeps it when the Application is deleted or the
 * object leaves git (`Delete=false,Prune=false`), Flux does not prune it. Removing it is a deliberate `kubectl delete`.
 */
export const KEEP_DATA_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/** A short, deterministic digest of some configuration, for names and roll-out annotations. */
export function digest(value: unknown, length = 10): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, length);
}
