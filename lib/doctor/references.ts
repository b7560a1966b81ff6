/**
 * Which Secrets, ConfigMaps, ServiceAccounts, PVCs and StorageClasses an object refers to, and which it brings into
 * being: the raw material of the doctor's reference rule (a reference nothing provides is a pod stuck in
 * `CreateContainerConfigError`, `ContainerCreating` or `Pending` at runtime).
 */
import { ReferencedKind } from './declarations';
import { podSpecsOf } from './pod-security';

/** A named object as seen from a manifest. */
export interface ObjectKey {
  readonly kind: ReferencedKind;
  /** `undefined` for StorageClasses. */
  readonly namespace?: string;
  readonly name: string;
}

/** A reference with where it was found. */
export interface Reference extends ObjectKey {
  /** JSON path-like location inside the referring object, for the report. */
  readonly at: string;
}

/** The references a manifest makes (optional references are skipped: Kubernetes tolerates their absence). */
export function referencesOf(m: any): Reference[] {
  const ns: string = m.metadata?.namespace ?? 'default';
  const out: Reference[] = [];
  const add = (kind: ReferencedKind, name: unknown, at: string, namespace: string | undefined = ns) => {
    if (typeof name === 'string' && name.length > 0) out.push({ kind, namespace: kind === ReferencedKind.STORAGE_CLASS ? undefined : namespace, name, at });
  };
  for (const { spec } of podSpecsOf([m])) {
    add(ReferencedKind.SERVICE_ACCOUNT, spec.serviceAccountName, 'serviceAccountName');
    (spec.imagePullSecrets ?? []).forEach((s: any, i: number) => add(ReferencedKind.SECRET, s?.name, `imagePullSecrets[${i}]`));
    (spec.volumes ?? []).forEach((v: any) => {
      if (v.secret && !v.secret.optional) add(ReferencedKind.SECRET, v.secret.secretName, `volumes.${v.name}`);
      if (v.configMap && !v.configMap.optional) add(ReferencedKind.CONFIG_MAP, v.configMap.name, `volumes.${v.name}`);
      if (v.persistentVolumeClaim) add(ReferencedKind.PERSISTENT_VOLUME_CLAIM, v.persistentVolumeClaim.claimName, `volumes.${v.name}`);
      for (const s of v.projected?.sources ?? []) {
        if (s.secret && !s.secret.optional) add(ReferencedKind.SECRET, s.secret.name, `volumes.${v.name}`);
        if (s.configMap && !s.configMap.optional) add(ReferencedKind.CONFIG_MAP, s.configMap.name, `volumes.${v.name}`);
      }
    });
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s && !s.optional) add(ReferencedKind.SECRET, s.name, `${c.name}.env.${e.name}`);
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm && !cm.optional) add(ReferencedKind.CONFIG_MAP, cm.name, `${c.name}.env.${e.name}`);
      }
      for (const from of c.envFrom ?? []) {
        if (from.secretRef && !from.secretRef.optional) add(ReferencedKind.SECRET, from.secretRef.name, `${c.name}.envFrom`);
        if (from.configMapRef && !from.configMapRef.optional) add(ReferencedKind.CONFIG_MAP, from.configMapRef.name, `${c.name}.envFrom`);
      }
    }
  }
  if (m.kind === 'StatefulSet') {
    (m.spec?.volumeClaimTemplates ?? []).forEach((t: any) => add(ReferencedKind.STORAGE_CLASS, t.spec?.storageClassName, `volumeClaimTemplates.${t.metadata?.name}`));
  }
  if (m.kind === 'PersistentVolumeClaim') add(ReferencedKind.STORAGE_CLASS, m.spec?.storageClassName, 'spec.storageClassName');
  if (m.kind === 'RoleBinding' || m.kind === 'ClusterRoleBinding') {
    (m.subjects ?? []).forEach((s: any, i: number) => {
      if (s.kind === 'ServiceAccount') add(ReferencedKind.SERVICE_ACCOUNT, s.name, `subjects[${i}]`, s.namespace ?? ns);
    });
  }
  if (m.kind === 'Ingress') (m.spec?.tls ?? []).forEach((t: any, i: number) => add(ReferencedKind.SECRET, t.secretName, `spec.tls[${i}]`));
  if (m.kind === 'Cluster' && String(m.apiVersion).startsWith('postgresql.cnpg.io/')) {
    add(ReferencedKind.SECRET, m.spec?.bootstrap?.initdb?.secret?.name, 'spec.bootstrap.initdb.secret');
    add(ReferencedKind.STORAGE_CLASS, m.spec?.storage?.storageClass, 'spec.storage.storageClass');
  }
  if (m.kind === 'IngressRoute') add(ReferencedKind.SECRET, m.spec?.tls?.secretName, 'spec.tls.secretName');
  if (m.kind === 'ServersTransport') {
    (m.spec?.rootCAs ?? []).forEach((r: any, i: number) => {
      add(ReferencedKind.SECRET, r.secret, `spec.rootCAs[${i}]`);
      add(ReferencedKind.CONFIG_MAP, r.configMap, `spec.rootCAs[${i}]`);
    });
    (m.spec?.rootCAsSecrets ?? []).forEach((name: string, i: number) => add(ReferencedKind.SECRET, name, `spec.rootCAsSecrets[${i}]`));
  }
  return out;
}

/** The objects a manifest is, or makes the cluster create (a Certificate's Secret, a StatefulSet's PVCs). */
export function providedBy(m: any): ObjectKey[] {
  const ns: string = m.metadata?.namespace ?? 'default';
  const name: string = m.metadata?.name;
  const kinds: Record<string, ReferencedKind> = {
    Secret: ReferencedKind.SECRET,
    ConfigMap: ReferencedKind.CONFIG_MAP,
    ServiceAccount: ReferencedKind.SERVICE_ACCOUNT,
    PersistentVolumeClaim: ReferencedKind.PERSISTENT_VOLUME_CLAIM,
    StorageClass: ReferencedKind.STORAGE_CLASS,
  };
  const out: ObjectKey[] = [];
  if (m.apiVersion === 'v1' || m.apiVersion === 'storage.k8s.io/v1') {
    const kind = kinds[m.kind];
    if (kind) out.push({ kind, namespace: kind === ReferencedKind.STORAGE_CLASS ? undefined : ns, name });
  }
  // Operators that write a Secret of a known name.
  if (m.kind === 'Certificate' && m.spec?.secretName) out.push({ kind: ReferencedKind.SECRET, namespace: ns, name: m.spec.secretName });
  if (m.kind === 'ExternalSecret') out.push({ kind: ReferencedKind.SECRET, namespace: ns, name: m.spec?.target?.name ?? name });
  if (m.kind === 'SealedSecret') out.push({ kind: ReferencedKind.SECRET, namespace: ns, name });
  if (m.kind === 'StatefulSet') {
    // The controller creates `<template>-<statefulset>-<ordinal>`; pods of the set reference the template name.
    for (const t of m.spec?.volumeClaimTemplates ?? []) {
      out.push({ kind: ReferencedKind.PERSISTENT_VOLUME_CLAIM, namespace: ns, name: t.metadata?.name });
    }
  }
  return out;
}

/** The map key of an object key. */
export function keyOf(o: ObjectKey): string {
  return `${o.kind}/${o.namespace ?? ''}/${o.name}`;
}
