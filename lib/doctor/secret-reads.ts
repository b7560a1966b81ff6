/**
 * Which Secret keys the objects of an app read, and which keys its objects make exist: the raw material of the
 * doctor's Secret rules (a key nothing writes is a pod stuck in `CreateContainerConfigError`; a key nothing reads is
 * a credential generated for nobody).
 */
import { podSpecsOf } from './pod-security';

/** One read of a Secret, by key or whole. */
export interface SecretRead {
  readonly namespace: string;
  readonly name: string;
  /** The key read; `undefined` when the whole Secret is mounted or imported. */
  readonly key?: string;
  /** What the Secret serves as, when the reader says (an image pull Secret, a TLS Secret). @default - generic */
  readonly use?: 'docker-registry' | 'tls';
  /** The reading object and where, e.g. "Deployment 'kasm-api' (api.env.POSTGRES_PASSWORD)". */
  readonly reader: string;
}

/** The keys an object makes exist in a Secret; `keys` undefined when they are not known from the manifest. */
export interface SecretKeys {
  readonly namespace: string;
  readonly name: string;
  readonly keys?: readonly string[];
  /** The producing object, e.g. "Certificate 'kasm-ingress-tls'". */
  readonly by: string;
}

const TLS_KEYS = ['tls.crt', 'tls.key', 'ca.crt'];

/** Every Secret read `m` makes (optional reads are skipped: Kubernetes tolerates their absence). */
export function secretReadsOf(m: any): SecretRead[] {
  const ns: string = m.metadata?.namespace ?? 'default';
  const label = `${m.kind} '${m.metadata?.name}'`;
  const out: SecretRead[] = [];
  const add = (name: unknown, at: string, key?: unknown, use?: SecretRead['use'], namespace = ns) => {
    if (typeof name !== 'string' || name.length === 0) return;
    out.push({ namespace, name, ...(typeof key === 'string' ? { key } : {}), ...(use ? { use } : {}), reader: `${label} (${at})` });
  };
  const addItems = (name: unknown, at: string, items: any[] | undefined) => {
    if (Array.isArray(items) && items.length > 0) for (const i of items) add(name, at, i?.key);
    else add(name, at);
  };
  for (const { spec } of podSpecsOf([m])) {
    (spec.imagePullSecrets ?? []).forEach((s: any, i: number) => add(s?.name, `imagePullSecrets[${i}]`, undefined, 'docker-registry'));
    for (const v of spec.volumes ?? []) {
      if (v.secret && !v.secret.optional) addItems(v.secret.secretName, `volumes.${v.name}`, v.secret.items);
      for (const s of v.projected?.sources ?? []) if (s.secret && !s.secret.optional) addItems(s.secret.name, `volumes.${v.name}`, s.secret.items);
    }
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s && !s.optional) add(s.name, `${c.name}.env.${e.name}`, s.key);
      }
      for (const from of c.envFrom ?? []) if (from.secretRef && !from.secretRef.optional) add(from.secretRef.name, `${c.name}.envFrom`);
    }
  }
  if (m.kind === 'Ingress') (m.spec?.tls ?? []).forEach((t: any, i: number) => add(t.secretName, `spec.tls[${i}]`, undefined, 'tls'));
  if (m.kind === 'IngressRoute') add(m.spec?.tls?.secretName, 'spec.tls.secretName', undefined, 'tls');
  if (m.kind === 'ServersTransport') {
    (m.spec?.rootCAs ?? []).forEach((r: any, i: number) => add(r.secret, `spec.rootCAs[${i}]`));
    (m.spec?.rootCAsSecrets ?? []).forEach((name: string, i: number) => add(name, `spec.rootCAsSecrets[${i}]`));
  }
  if (m.kind === 'Cluster' && String(m.apiVersion).startsWith('postgresql.cnpg.io/')) {
    add(m.spec?.bootstrap?.initdb?.secret?.name, 'spec.bootstrap.initdb.secret');
  }
  return out;
}

/** The Secrets `m` is or makes an operator write, with their keys where the manifest says them. */
export function secretKeysOf(m: any): SecretKeys[] {
  const ns: string = m.metadata?.namespace ?? 'default';
  const name: string = m.metadata?.name;
  const by = `${m.kind} '${name}'`;
  const keysOf = (...maps: unknown[]) => maps.flatMap((d) => (d && typeof d === 'object' ? Object.keys(d as object) : []));
  if (m.kind === 'Secret' && m.apiVersion === 'v1') return [{ namespace: ns, name, keys: keysOf(m.data, m.stringData), by }];
  if (m.kind === 'Certificate' && m.spec?.secretName) return [{ namespace: ns, name: m.spec.secretName, keys: TLS_KEYS, by }];
  if (m.kind === 'ExternalSecret') {
    const fromTemplate = m.spec?.target?.template?.data;
    const known = m.spec?.dataFrom === undefined;
    const keys = known ? [...(m.spec?.data ?? []).map((d: any) => d?.secretKey), ...keysOf(fromTemplate)] : undefined;
    return [{ namespace: ns, name: m.spec?.target?.name ?? name, ...(keys ? { keys } : {}), by }];
  }
  if (m.kind === 'Cluster' && String(m.apiVersion).startsWith('postgresql.cnpg.io/') && !m.spec?.bootstrap?.initdb?.secret?.name) {
    // CloudNativePG writes the application user's credentials when no bootstrap Secret is given.
    return [{ namespace: ns, name: `${name}-app`, keys: ['username', 'password', 'host', 'port', 'dbname', 'uri', 'jdbc-uri', 'pgpass', 'user'], by }];
  }
  if (m.kind === 'SealedSecret') return [{ namespace: ns, name, keys: keysOf(m.spec?.encryptedData, m.spec?.template?.data), by }];
  return [];
}
