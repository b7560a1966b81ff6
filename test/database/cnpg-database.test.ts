/**
 * RKE2 with CloudNativePG: the Cluster, the password copy, the database namespace's policies evaluated across
 * namespaces, backups, the verifying IngressRoute, and every bad prop.
 */
import { Testing } from 'cdk8s';
import { Rke2Cnpg } from '../../charts';
import { BackendVerification, CnpgBackupMethod, CnpgDatabase, KasmVersion, NetworkPolicyModel } from '../../lib';
import { runDoctor } from '../../lib/doctor/app-doctor';
import { validateManifests } from '../../lib/doctor/schema-validator';
import { all, find, Manifest } from '../support/manifests';

const chart = new Rke2Cnpg(Testing.app(), 'rke2-cnpg', { hostname: 'kasm.example.com' });
const m = Testing.synth(chart) as Manifest[];

describe('the CloudNativePG Cluster', () => {
  const cluster = find(m, 'Cluster', 'kasm-db');

  test('three instances of the PostgreSQL major the release needs (16 for the default 1.19.0, 14 for 1.18.1), pinned, on database nodes, spread', () => {
    expect(cluster.metadata.namespace).toBe('database');
    expect(cluster.spec.instances).toBe(3);
    expect(cluster.spec.imageName).toMatch(/^ghcr\.io\/cloudnative-pg\/postgresql:16\.\d+-/);
    const old = find(Testing.synth(new Rke2Cnpg(Testing.app(), 'old', { hostname: 'kasm.example.com', version: KasmVersion.V1_18_1 })) as Manifest[], 'Cluster', 'kasm-db');
    expect(old.spec.imageName).toMatch(/^ghcr\.io\/cloudnative-pg\/postgresql:14\.\d+-/);
    expect(cluster.spec.affinity).toMatchObject({ nodeSelector: { 'workload-type': 'database' }, enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname' });
    expect(cluster.spec.storage).toEqual({ size: '50Gi', storageClass: 'longhorn' });
  });

  test('GitOps never deletes or prunes the Cluster or the ScheduledBackup (their volumes and Backups go with them); the prune CronJob is ordinary', () => {
    const keep = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    expect(cluster.metadata.annotations).toMatchObject(keep);
    expect(find(m, 'ScheduledBackup', 'kasm-db-backup').metadata.annotations).toMatchObject(keep);
    expect(find(m, 'CronJob', 'kasm-db-backup-prune').metadata.annotations?.['argocd.argoproj.io/sync-options']).toBeUndefined();
  });

  test('bootstrap creates Kasm\'s database, owner and extension from a Secret in its own namespace', () => {
    expect(cluster.spec.bootstrap.initdb).toEqual({
      database: 'kasm', owner: 'kasmapp', secret: { name: 'kasm-db-app-credentials' }, postInitApplicationSQL: ['CREATE EXTENSION IF NOT EXISTS "uuid-ossp"'],
    });
    expect(cluster.spec.postgresql.pg_hba).toEqual(['hostssl kasm kasmapp all scram-sha-256']);
    expect(cluster.spec.enableSuperuserAccess).toBe(false);
  });

  test('Kasm connects to <cluster>-rw.<namespace>.svc with the password from its own namespace', () => {
    const api = find(m, 'Deployment', 'kasm-api').spec.template.spec.containers[0].env;
    expect(api.find((e: any) => e.name === 'POSTGRES_HOST').value).toBe('kasm-db-rw.database.svc');
    expect(api.find((e: any) => e.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'kasm-secrets', key: 'db-password' });
  });

  test('no password in git: the generator copies it into the database\'s namespace, with a Role there for exactly that', () => {
    const plan = JSON.parse(find(m, 'ConfigMap', 'kasm-secret-generator').data['plan.json']);
    expect(plan.mirrors).toEqual([{ namespace: 'database', secretName: 'kasm-db-app-credentials', username: 'kasmapp', fromKey: 'db-password' }]);
    const role = find(m, 'Role', 'kasm-secret-generator-kasm');
    expect(role.metadata.namespace).toBe('database');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['kasm-db-app-credentials'], verbs: ['get'] },
    ]);
    expect(find(m, 'RoleBinding', 'kasm-secret-generator-kasm').subjects).toEqual([{ kind: 'ServiceAccount', name: 'kasm-secret-generator', namespace: 'kasm' }]);
    expect(m.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('the database namespace is restricted, kept on deletion, and valid against the CRDs and Kubernetes 1.27/1.33', () => {
    const ns = find(m, 'Namespace', 'database');
    expect(ns.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(validateManifests(m)).toEqual([]);
    expect(runDoctor(chart)).toEqual([]);
  });
});

describe('policies across namespaces', () => {
  const model = new NetworkPolicyModel(m, [{ name: 'kube-system' }, { name: 'cnpg-system' }, { name: 'default' }]);
  const pods = model.podEndpoints();
  const pod = (name: string) => pods.find((p) => p.labels['app.kubernetes.io/name'] === name)!;
  const instance = { kind: 'pod' as const, namespace: 'database', labels: { 'cnpg.io/cluster': 'kasm-db', 'cnpg.io/podRole': 'instance', 'cnpg.io/instanceName': 'kasm-db-2' }, name: 'instance' };
  const operator = { kind: 'pod' as const, namespace: 'cnpg-system', labels: { 'app.kubernetes.io/name': 'cloudnative-pg' }, name: 'operator' };
  const dns = { kind: 'pod' as const, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, name: 'dns' };

  test.each(['kasm-api', 'kasm-manager', 'kasm-db-init'])('%s reaches the instances on 5432', (client) => {
    expect(model.isAllowed(pod(client), instance, 5432).allowed).toBe(true);
  });

  test('the operator reaches the status port, instances replicate and reach the API server and DNS', () => {
    expect(model.isAllowed(operator, instance, 8000).allowed).toBe(true);
    expect(model.isAllowed(instance, { ...instance, labels: { ...instance.labels, 'cnpg.io/instanceName': 'kasm-db-1' } }, 5432).allowed).toBe(true);
    expect(model.isAllowed(instance, { kind: 'external', ip: '10.43.0.1' }, 443).allowed).toBe(true);
    expect(model.isAllowed(instance, dns, 53, 'UDP').allowed).toBe(true);
  });

  test.each([
    ['the proxy', () => pod('kasm-proxy'), 5432],
    ['guac', () => pod('kasm-guac'), 5432],
    ['a pod in another namespace', () => ({ kind: 'pod' as const, namespace: 'default', labels: { app: 'x' } }), 5432],
    ['the internet', () => ({ kind: 'external' as const, ip: '203.0.113.9' }), 5432],
    ['the operator, on 5432', () => operator, 5432],
    ['the api, on the status port', () => pod('kasm-api'), 8000],
  ])('nothing but Kasm\'s database clients reaches the instances: %s is denied', (_label, from, port) => {
    expect(model.isAllowed(from(), instance, port).allowed).toBe(false);
  });

  test('the database namespace has its own default deny', () => {
    expect(model.policiesSelecting(instance, 'ingress')).toContain('database/kasm-database-default-deny');
  });
});

describe('backups', () => {
  test('a nightly volume-snapshot ScheduledBackup (seconds field added) and a pruner that keeps 7', () => {
    const sb = find(m, 'ScheduledBackup', 'kasm-db-backup');
    expect(sb.spec).toMatchObject({ schedule: '0 0 2 * * *', method: 'volumeSnapshot', cluster: { name: 'kasm-db' }, backupOwnerReference: 'self' });
    const prune = find(m, 'CronJob', 'kasm-db-backup-prune');
    expect(prune.spec.schedule).toBe('0 3 * * *');
    expect(prune.spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({ name: 'RETENTION', value: '7' });
    expect(find(m, 'Role', 'kasm-db-backup-prune').rules).toEqual([{ apiGroups: ['postgresql.cnpg.io'], resources: ['backups'], verbs: ['list', 'delete'] }]);
  });

  test('the Barman Cloud plugin method names its ObjectStore and needs no pruner', () => {
    const c = new Rke2Cnpg(Testing.app(), 'x', { hostname: 'k.example.com', databaseBackup: { method: CnpgBackupMethod.BARMAN_CLOUD_PLUGIN, objectStoreName: 'kasm-backups' } });
    const out = Testing.synth(c) as Manifest[];
    expect(find(out, 'ScheduledBackup', 'kasm-db-backup').spec).toMatchObject({ method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'kasm-backups' } } });
    expect(all(out, 'CronJob')).toEqual([]);
  });
});

describe('the verified front door', () => {
  test('IngressRoute to the proxy\'s HTTPS port through a ServersTransport that verifies against the internal CA', () => {
    const route = find(m, 'IngressRoute', 'kasm');
    expect(route.spec.entryPoints).toEqual(['websecure']);
    expect(route.spec.routes[0].match).toBe('Host(`kasm.example.com`)');
    expect(route.spec.routes[0].services[0]).toMatchObject({ name: 'kasm-proxy-default', port: 8443, scheme: 'https', serversTransport: 'kasm-proxy' });
    const st = find(m, 'ServersTransport', 'kasm-proxy');
    expect(st.spec).toEqual({ serverName: 'kasm-proxy-default.kasm.svc', rootCAs: [{ secret: 'kasm-internal-ca' }] });
    // The server name is a SAN of the proxy certificate the generator issues.
    const plan = JSON.parse(find(m, 'ConfigMap', 'kasm-secret-generator').data['plan.json']);
    expect(plan.certificates.find((c: any) => c.secretName === 'kasm-proxy-tls').dnsNames).toContain('kasm-proxy-default.kasm.svc');
  });

  test('RKE2\'s Traefik gets 1800 s timeouts through rke2-traefik, and a cert-manager Certificate for the host names', () => {
    expect(find(m, 'HelmChartConfig', 'rke2-traefik').spec.valuesContent).toContain('readTimeout: 1800s');
    expect(find(m, 'Certificate', 'kasm-ingress-tls').spec.issuerRef).toMatchObject({ kind: 'ClusterIssuer', name: 'vault-issuer' });
  });

  test('skipping verification is an explicit, reasoned opt-in, visible on the object', () => {
    const c = new Rke2Cnpg(Testing.app(), 'x', { hostname: 'k.example.com', backendVerification: BackendVerification.skipVerifyAcknowledgingRisk('lab cluster, no internal CA yet') });
    const st = find(Testing.synth(c) as Manifest[], 'ServersTransport', 'kasm-proxy');
    expect(st.spec).toEqual({ insecureSkipVerify: true });
    expect(st.metadata.annotations!['kasm.cdk8s.io/insecure-skip-verify-reason']).toBe('lab cluster, no internal CA yet');
  });
});

describe('bad props name the prop, the value and what is accepted', () => {
  const db = (props: any) => () => new CnpgDatabase(Testing.chart(), 'db', props);
  test.each([
    ['no instances', db({ instances: 0 }), /^CnpgDatabase instances: 0 is not accepted; pass a whole number from 1 to 9$/],
    ['an even instance count', db({ instances: 2 }), /^CnpgDatabase instances: 2 is even: a network split can leave no side with a majority .* pass an odd count \(1 or 3\)$/],
    ['a PostgreSQL major Kasm 1.18.1 does not support', db({ postgresMajorVersion: 16 }), /^CnpgDatabase postgresMajorVersion: 16 is not the PostgreSQL major Kasm 1\.18\.1 supports; accepted: 14$/],
    ['an image of another major', db({ imageName: 'ghcr.io/cloudnative-pg/postgresql:16.13' }), /^CnpgDatabase imageName: .* carries PostgreSQL 16, but Kasm 1\.18\.1 needs 14/],
    ['an unpinned image', db({ imageName: 'ghcr.io/cloudnative-pg/postgresql:latest' }), /^CnpgDatabase imageName: .* is not a pinned image/],
    ['retention below 1', db({ backup: { retention: 0 } }), /^CnpgDatabase backup\.retention: 0 is not accepted/],
    ['a schedule that is not cron', db({ backup: { schedule: 'nightly' } }), /^CnpgDatabase backup\.schedule: 'nightly' is not cron syntax/],
    ['the plugin without an ObjectStore', db({ backup: { method: 'plugin' } }), /^CnpgDatabase backup\.objectStoreName: undefined is required for the Barman Cloud plugin/],
    ['the control plane\'s namespace', db({ namespace: 'kasm' }), /^CnpgDatabase namespace: 'kasm' is the control plane's namespace/],
    ['skip-verify without a reason', () => new Rke2Cnpg(Testing.app(), 'x', { hostname: 'k.example.com', backendVerification: BackendVerification.skipVerifyAcknowledgingRisk('') }), /^KasmIngressRoute backendVerification: '' skips certificate verification without a reason/],
    ['no host name', () => new Rke2Cnpg(Testing.app(), 'x'), /^Rke2Cnpg hostname: undefined is required/],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('the major follows the release (a future 1.19 entry says 16)', () => {
    expect(new CnpgDatabase(Testing.chart(), 'db', { version: KasmVersion.V1_18_1 }).resource.toJson().spec.imageName).toContain(':14.');
  });
});
