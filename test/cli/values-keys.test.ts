/** Every key of a values file is accepted and lands on the manifests (a field changes against the variant's default). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { gitopsFromValues, variantFromValues } from '../../cli/values/variant';
import { synthVariants } from '../../lib/gitops/dist-writer';
import { VALUES } from '../../charts/spec/keys';
import { ValueSpec, ValuesVariant, VALUES_VARIANTS } from '../../charts/spec/language';
import { parseValues } from '../../cli/values/values-file';
import { Manifest } from '../support/manifests';

const PUBLIC = { 'k3s-dev': {}, 'k3s-prod': { hostname: 'kasm.example.com' }, 'rke2-cnpg': { hostname: 'kasm.example.com' } };

function build(variant: ValuesVariant, values: object): Manifest[] {
  const parsed = parseValues(yaml.dump({ ...PUBLIC[variant], ...values }), 'values.yaml', variant);
  const app = Testing.app();
  variantFromValues(variant, parsed, 'values.yaml').build(app);
  return app.charts.flatMap((c) => c.toJson()) as Manifest[];
}

const of = (ms: Manifest[], kind: string, name?: string) => ms.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
const text = (ms: Manifest[], kind?: string, name?: string) => JSON.stringify(kind ? of(ms, kind, name) : ms);
const one = (ms: Manifest[], kind: string, name: string) => {
  const found = of(ms, kind, name);
  expect(found).toHaveLength(1);
  return found[0] as any;
};
const CIPHER = 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq1234567890abcdefABCDEF==';
const SEALED = Object.fromEntries(['admin-password', 'user-password', 'db-password', 'manager-token', 'service-token'].map((k) => [k, CIPHER]));

interface Case { readonly variant: ValuesVariant; readonly values: object; readonly covers: readonly string[]; readonly check: (ms: Manifest[], base: Manifest[]) => void }

/** The control-plane components of every release (the database is sized on its own construct). */
const COMPONENT_KEYS = ['proxy', 'api', 'manager', 'guac', 'rdpGateway', 'rdpHttpsGateway', 'share', 'redis'];

const CASES: readonly Case[] = [
  { variant: 'k3s-dev', values: { version: '1.16.0' }, covers: ['version'], check: (ms) => expect(text(ms, 'Deployment', 'kasm-api')).toContain(':1.16.0') },
  // The dump volume's class is one the app declares (the database's), as for the backup volume below.
  { variant: 'k3s-dev', values: { version: '1.19.0', upgradeFrom: '1.18.1', database: { storage: { className: 'slow' } }, upgradeBackup: { size: '30Gi', className: 'slow' } },
    covers: ['upgradeFrom', 'upgradeBackup.size', 'upgradeBackup.className'],
    check: (ms, base) => {
      expect(of(base, 'PersistentVolumeClaim', 'kasm-upgrade-backup')).toHaveLength(0);
      const jobs = of(ms, 'Job').map((j) => j.metadata.name);
      expect(jobs.filter((n) => /^kasm-(pre-upgrade|db-migrate)-1-18-1-to-1-19-0-/.test(n))).toHaveLength(2);
      expect(jobs.filter((n) => n.startsWith('kasm-db-init'))).toEqual([]);
      const pvc = one(ms, 'PersistentVolumeClaim', 'kasm-upgrade-backup').spec;
      expect([pvc.storageClassName, pvc.resources.requests.storage]).toEqual(['slow', '30Gi']);
    } },
  { variant: 'rke2-cnpg', values: { version: '1.19.0', upgradeFrom: '1.18.1', upgradeBackup: { size: '40Gi' } }, covers: ['upgradeFrom', 'upgradeBackup.size'],
    check: (ms) => {
      expect(one(ms, 'PersistentVolumeClaim', 'kasm-upgrade-backup').spec.resources.requests.storage).toBe('40Gi');
      expect(text(ms, 'Cluster', 'kasm-db')).toMatch(/postgresql:16/);
    } },
  { variant: 'k3s-dev', values: { namespace: 'desktops' }, covers: ['namespace'], check: (ms) => expect(one(ms, 'Deployment', 'kasm-api').metadata.namespace).toBe('desktops') },
  { variant: 'k3s-dev', values: { name: 'team-a' }, covers: ['name'], check: (ms) => expect(text(ms)).toContain('team-a-secrets') },
  { variant: 'k3s-dev', values: { hostname: 'desktops.example.com', alternativeHostnames: ['alt.example.com'] }, covers: ['hostname', 'alternativeHostnames'],
    check: (ms) => expect(one(ms, 'Ingress', 'kasm').spec.rules.map((r: any) => r.host)).toEqual(['desktops.example.com', 'alt.example.com']) },
  { variant: 'k3s-dev', values: { version: '1.18.1', size: 'large', nodes: [{ count: 3, cpu: '4', memory: '8Gi' }] }, covers: ['size'], check: (ms) => expect(one(ms, 'Deployment', 'kasm-proxy').spec.replicas).toBe(4) },
  { variant: 'k3s-dev', values: { sessionTimeout: '45m' }, covers: ['sessionTimeout'], check: (ms) => expect(text(ms, 'HelmChartConfig')).toContain('2700s') },
  { variant: 'k3s-dev', values: { configureTraefikTimeouts: false }, covers: ['configureTraefikTimeouts'], check: (ms) => expect(of(ms, 'HelmChartConfig')).toHaveLength(0) },
  { variant: 'k3s-dev', values: { images: { registry: 'registry.example.com:5000/kasm', pullSecrets: ['regcred'] } }, covers: ['images.registry', 'images.pullSecrets'],
    check: (ms) => {
      const pod = one(ms, 'Deployment', 'kasm-api').spec.template.spec;
      expect(pod.containers[0].image).toMatch(/^registry\.example\.com:5000\/kasm\//);
      expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    } },
  { variant: 'k3s-dev', values: { cluster: { dnsServiceIp: '10.53.0.10', clusterCidrs: ['10.52.0.0/16', '10.53.0.0/16'], clusterDomain: 'corp.local', defaultStorageClass: 'fast' } },
    covers: ['cluster.dnsServiceIp', 'cluster.clusterCidrs', 'cluster.clusterDomain', 'cluster.defaultStorageClass'],
    check: (ms) => {
      expect(text(ms, 'ConfigMap', 'kasm-proxy-config')).toContain('10.53.0.10');
      expect(text(ms, 'NetworkPolicy')).toContain('10.52.0.0/16');
      expect(text(ms)).toContain('corp.local');
      expect(one(ms, 'StatefulSet', 'kasm-db').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('fast');
    } },
  { variant: 'k3s-dev', values: { database: { storage: { size: '15Gi', className: 'ssd' } } }, covers: ['database.storage.size', 'database.storage.className'],
    check: (ms) => {
      const claim = one(ms, 'StatefulSet', 'kasm-db').spec.volumeClaimTemplates[0].spec;
      expect([claim.storageClassName, claim.resources.requests.storage]).toEqual(['ssd', '15Gi']);
    } },
  // The backup volume's class is one the app declares (the database's): the doctor refuses an undeclared one.
  { variant: 'k3s-dev', values: { database: { storage: { className: 'slow' } }, backup: { enabled: true, schedule: '30 3 * * *', retention: 14, storage: { size: '40Gi', className: 'slow' } } },
    covers: ['backup.enabled', 'backup.schedule', 'backup.retention', 'backup.storage.size', 'backup.storage.className'],
    check: (ms, base) => {
      expect(of(base, 'CronJob')).toHaveLength(0);
      expect(one(ms, 'CronJob', 'kasm-db-backup').spec.schedule).toBe('30 3 * * *');
      expect(text(ms, 'CronJob', 'kasm-db-backup')).toContain('"14"');
      const pvc = one(ms, 'PersistentVolumeClaim', 'kasm-db-backups').spec;
      expect([pvc.storageClassName, pvc.resources.requests.storage]).toEqual(['slow', '40Gi']);
    } },
  { variant: 'k3s-dev', values: { secrets: { credentials: { source: 'existing' } } }, covers: ['secrets.credentials.source'],
    check: (ms, base) => expect(text(ms, 'ConfigMap', 'kasm-secret-generator')).not.toBe(text(base, 'ConfigMap', 'kasm-secret-generator')) },
  { variant: 'k3s-dev', values: { secrets: { credentials: { source: 'externalSecrets', externalSecrets: { storeName: 'vault', storeKind: 'ClusterSecretStore', remoteKey: 'kasm/prod', remoteProperties: { 'db-password': 'dbpw' }, refreshInterval: '2h' } } } },
    covers: ['secrets.credentials.externalSecrets.storeName', 'secrets.credentials.externalSecrets.storeKind', 'secrets.credentials.externalSecrets.remoteKey', 'secrets.credentials.externalSecrets.remoteProperties', 'secrets.credentials.externalSecrets.refreshInterval'],
    check: (ms) => {
      const es = text(ms, 'ExternalSecret');
      for (const s of ['"vault"', 'ClusterSecretStore', 'kasm/prod', '"dbpw"', '7200s']) expect(es).toContain(s);
    } },
  { variant: 'k3s-dev', values: { secrets: { credentials: { source: 'sealedSecrets', sealedSecrets: { encryptedData: SEALED, scope: 'namespace-wide' } } } },
    covers: ['secrets.credentials.sealedSecrets.encryptedData', 'secrets.credentials.sealedSecrets.scope'],
    check: (ms) => expect(text(ms, 'SealedSecret')).toMatch(new RegExp(`namespace-wide[\\s\\S]*${CIPHER.slice(0, 20).replace(/\+/g, '\\+')}`)) },
  { variant: 'k3s-dev', values: { secrets: { tls: { source: 'certManager', certManager: { issuerName: 'internal-ca', issuerKind: 'ClusterIssuer', duration: '60d', renewBefore: '20d' } } } },
    covers: ['secrets.tls.source', 'secrets.tls.certManager.issuerName', 'secrets.tls.certManager.issuerKind', 'secrets.tls.certManager.duration', 'secrets.tls.certManager.renewBefore'],
    check: (ms) => {
      const cert = one(ms, 'Certificate', 'kasm-db-tls').spec;
      expect([cert.issuerRef.name, cert.issuerRef.kind, cert.duration, cert.renewBefore]).toEqual(['internal-ca', 'ClusterIssuer', '1440h', '480h']);
    } },
  { variant: 'k3s-dev', values: { version: '1.19.0', upstreamAuthAddress: 'https://agents.example.com:8443' }, covers: ['upstreamAuthAddress'],
    check: (ms) => {
      const job = of(ms, 'Job').find((j) => j.metadata.name.startsWith('kasm-db-init'))!;
      expect(JSON.stringify(job)).toContain('"KASM_ZONE_SETTINGS","value":"default|agents.example.com:8443"');
      expect(one(ms, 'ConfigMap', 'kasm-onboarding').data['upstream-auth-url']).toBe('https://agents.example.com:8443');
    } },
  { variant: 'k3s-prod', values: { version: '1.19.0', nodes: [{ count: 4, cpu: '8', memory: '16Gi' }], zones: [{ name: 'default' }, { name: 'eu', upstreamAuthAddress: 'https://eu.kasm.example.com' }] },
    covers: ['zones', 'zones[].name', 'zones[].upstreamAuthAddress'],
    check: (ms) => {
      expect(one(ms, 'Deployment', 'kasm-manager-eu').spec.template.spec.containers[0].env).toContainEqual({ name: 'SERVER_ZONE_NAME', value: 'eu' });
      expect(one(ms, 'ConfigMap', 'kasm-onboarding').data['upstream-auth-address.eu']).toBe('eu.kasm.example.com');
    } },
  { variant: 'k3s-dev', values: { database: { maxConnections: 250 } }, covers: ['database.maxConnections'],
    check: (ms) => expect(one(ms, 'ConfigMap', 'kasm-db-config').data['postgresql.conf']).toContain('max_connections = 250') },
  { variant: 'rke2-cnpg', values: { database: { maxConnections: 500 } }, covers: ['database.maxConnections'],
    check: (ms) => expect(one(ms, 'Cluster', 'kasm-db').spec.postgresql.parameters).toMatchObject({ max_connections: '500' }) },
  { variant: 'k3s-dev', values: { trustedCaBundle: { configMapName: 'corp-ca', key: 'bundle.pem' } }, covers: ['trustedCaBundle.configMapName', 'trustedCaBundle.key'],
    check: (ms) => expect(one(ms, 'Deployment', 'kasm-api').spec.template.spec.volumes).toContainEqual({ name: 'trusted-ca-source', configMap: { name: 'corp-ca', items: [{ key: 'bundle.pem', path: 'bundle.pem' }] } }) },
  { variant: 'rke2-cnpg', values: { trustedCaBundle: { secretName: 'corp-ca' } }, covers: ['trustedCaBundle.secretName'],
    check: (ms) => expect(JSON.stringify(one(ms, 'Deployment', 'kasm-manager'))).toContain('"secretName":"corp-ca"') },
  { variant: 'k3s-dev', values: { rdp: { kind: 'traefikTcp', port: 13389, hostname: 'rdp.example.com' } }, covers: ['rdp.kind', 'rdp.port', 'rdp.hostname'],
    check: (ms) => {
      expect(one(ms, 'IngressRouteTCP', 'kasm-rdp').spec.entryPoints).toEqual(['rdp']);
      expect(one(ms, 'HelmChartConfig', 'traefik').spec.valuesContent).toContain('exposedPort: 13389');
      expect(one(ms, 'ConfigMap', 'kasm-onboarding').data['NOTES.md']).toContain('`rdp.example.com:13389`');
    } },
  { variant: 'k3s-prod', values: { frontDoor: { kind: 'gateway', gateway: {
    implementation: 'istio', parentRefs: [{ name: 'public', namespace: 'edge', sectionName: 'https' }],
    backendCa: { kind: 'ConfigMap', name: 'kasm-ca' }, gatewayPods: { namespace: 'edge', podLabels: { app: 'istio-gw' } },
  } } },
  covers: ['frontDoor.kind', 'frontDoor.gateway.implementation', 'frontDoor.gateway.parentRefs', 'frontDoor.gateway.parentRefs[].name', 'frontDoor.gateway.parentRefs[].namespace',
    'frontDoor.gateway.parentRefs[].sectionName', 'frontDoor.gateway.backendCa.kind', 'frontDoor.gateway.backendCa.name', 'frontDoor.gateway.gatewayPods.namespace', 'frontDoor.gateway.gatewayPods.podLabels'],
  check: (ms) => {
    expect(of(ms, 'Ingress')).toHaveLength(0);
    expect(one(ms, 'HTTPRoute', 'kasm').spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'edge', sectionName: 'https' }]);
    expect(one(ms, 'BackendTLSPolicy', 'kasm-proxy').spec.validation.caCertificateRefs).toEqual([{ group: '', kind: 'ConfigMap', name: 'kasm-ca' }]);
    expect(text(ms, 'NetworkPolicy', 'kasm-proxy-ingress')).toContain('"app":"istio-gw"');
  } },
  { variant: 'rke2-cnpg', values: { frontDoor: { kind: 'gateway', gateway: { implementation: 'envoyGateway', create: { gatewayClassName: 'eg-public', name: 'kasm-public', namespace: 'edge', httpsPort: 8443 } } } },
    covers: ['frontDoor.gateway.create.gatewayClassName', 'frontDoor.gateway.create.name', 'frontDoor.gateway.create.namespace', 'frontDoor.gateway.create.httpsPort'],
    check: (ms) => {
      const gw = one(ms, 'Gateway', 'kasm-public');
      expect([gw.metadata.namespace, gw.spec.gatewayClassName, gw.spec.listeners[0].port]).toEqual(['edge', 'eg-public', 8443]);
      expect(of(ms, 'ReferenceGrant')).toHaveLength(1);
    } },
  { variant: 'k3s-dev', values: { rdp: { kind: 'loadBalancer', clientCidrs: ['203.0.113.0/24'] } }, covers: ['rdp.clientCidrs'],
    check: (ms) => expect(one(ms, 'Service', 'kasm-rdp').spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24']) },
  { variant: 'k3s-dev', values: { network: { identityProviders: [{ name: 'corp-ldap', kind: 'ldap', cidrs: ['10.0.5.10/32'], ports: [389] }] } },
    covers: ['network.identityProviders', 'network.identityProviders[].name', 'network.identityProviders[].kind', 'network.identityProviders[].cidrs', 'network.identityProviders[].ports'],
    check: (ms) => {
      const policy = of(ms, 'NetworkPolicy').find((p) => JSON.stringify(p).includes('corp-ldap'))!;
      expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.5.10/32' } }], ports: [{ protocol: 'TCP', port: 389 }] }]);
    } },
  { variant: 'k3s-dev', values: { network: { agentCidrs: ['192.168.50.0/24'], serverCidrs: ['10.20.0.0/16'] } }, covers: ['network.agentCidrs', 'network.serverCidrs'],
    check: (ms, base) => {
      expect(text(ms, 'NetworkPolicy')).toContain('192.168.50.0/24');
      expect(text(ms, 'NetworkPolicy')).toContain('10.20.0.0/16');
      expect(text(base, 'NetworkPolicy')).not.toContain('10.20.0.0/16');
    } },
  { variant: 'k3s-dev', values: { network: { egress: [
    { from: ['api'], to: { cidrs: ['203.0.113.0/24'], except: ['203.0.113.128/25'] }, ports: [636], protocol: 'TCP', purpose: 'LDAP directory' },
    { from: ['manager'], to: { namespace: 'mail', podLabels: { app: 'smtp' } }, ports: [25], protocol: 'UDP' },
  ] } },
  covers: ['network.egress', 'network.egress[].from', 'network.egress[].to.cidrs', 'network.egress[].to.except', 'network.egress[].to.namespace', 'network.egress[].to.podLabels', 'network.egress[].ports', 'network.egress[].protocol', 'network.egress[].purpose'],
  check: (ms) => {
    const first = text(ms, 'NetworkPolicy', 'kasm-extra-egress-1');
    for (const s of ['203.0.113.0/24', '203.0.113.128/25', '636', 'LDAP directory']) expect(first).toContain(s);
    const second = text(ms, 'NetworkPolicy', 'kasm-extra-egress-2');
    for (const s of ['"mail"', '"smtp"', '"UDP"', '25']) expect(second).toContain(s);
  } },
  { variant: 'k3s-dev', values: { alerts: true }, covers: ['alerts'], check: (ms, base) => expect([of(base, 'PrometheusRule').length, of(ms, 'PrometheusRule').length]).toEqual([0, 1]) },
  { variant: 'k3s-prod', values: { ingress: { issuerName: 'my-ca', issuerKind: 'Issuer' } }, covers: ['ingress.issuerName', 'ingress.issuerKind'],
    check: (ms) => expect(one(ms, 'Certificate', 'kasm-ingress-tls').spec.issuerRef).toMatchObject({ name: 'my-ca', kind: 'Issuer' }) },
  // Every component of every release (1.16.0 has them all), each with its replicas (Redis runs as one) and resources.
  { variant: 'k3s-dev', values: { version: '1.16.0', checkCapacity: false, components: Object.fromEntries(COMPONENT_KEYS.map((c) => [c, { replicas: c === 'redis' ? 1 : 2, resources: { cpuRequest: '123m', cpuLimit: '1234m', memoryRequest: '123Mi', memoryLimit: '1234Mi' } }])) },
    covers: COMPONENT_KEYS.flatMap((c) => [`components.${c}.replicas`, ...['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'].map((k) => `components.${c}.resources.${k}`)]),
    check: (ms) => {
      const workloads = ms.filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind) && m.metadata.name !== 'kasm-db');
      expect(workloads.length).toBe(COMPONENT_KEYS.length);
      for (const w of workloads) {
        expect([w.metadata.name, w.spec.replicas]).toEqual([w.metadata.name, w.metadata.name === 'kasm-redis' ? 1 : 2]);
        expect(w.spec.template.spec.containers[0].resources).toMatchObject({ requests: { cpu: '123m', memory: '123Mi' }, limits: { cpu: '1234m', memory: '1234Mi' } });
      }
    } },
  // The same key has the same effect in the other variants.
  ...(['k3s-prod', 'rke2-cnpg'] as const).map((variant): Case => ({ variant, values: { components: { manager: { resources: { memoryLimit: '3Gi' } } } }, covers: [],
    check: (ms) => expect(one(ms, 'Deployment', 'kasm-manager').spec.template.spec.containers[0].resources.limits.memory).toBe('3Gi') })),
  { variant: 'k3s-prod', values: { scaling: { autoscaling: false, podDisruptionBudgets: false, spreadAcrossNodes: false, requiredAntiAffinity: true } },
    covers: ['scaling.autoscaling', 'scaling.podDisruptionBudgets', 'scaling.spreadAcrossNodes', 'scaling.requiredAntiAffinity'],
    check: (ms) => {
      expect([of(ms, 'HorizontalPodAutoscaler').length, of(ms, 'PodDisruptionBudget').length]).toEqual([0, 0]);
      const pod = one(ms, 'Deployment', 'kasm-api').spec.template.spec;
      expect(pod.topologySpreadConstraints ?? []).toEqual([]);
      expect(JSON.stringify(pod.affinity)).toContain('requiredDuringSchedulingIgnoredDuringExecution');
    } },
  { variant: 'rke2-cnpg', values: { version: '1.18.1', scaling: { components: Object.fromEntries(['proxy', 'api', 'manager'].map((c) => [c, { minReplicas: 4, maxReplicas: 9, cpuUtilization: 60, memoryUtilization: 75 }])) } },
    covers: ['proxy', 'api', 'manager'].flatMap((c) => ['minReplicas', 'maxReplicas', 'cpuUtilization', 'memoryUtilization'].map((k) => `scaling.components.${c}.${k}`)),
    check: (ms) => {
      for (const c of ['proxy', 'api', 'manager']) {
        const hpa = one(ms, 'HorizontalPodAutoscaler', `kasm-${c}`).spec;
        expect([hpa.minReplicas, hpa.maxReplicas, hpa.metrics.map((m: any) => m.resource.target.averageUtilization)]).toEqual([4, 9, [60, 75]]);
      }
    } },
  { variant: 'rke2-cnpg', values: { database: { namespace: 'pg', clusterName: 'kdb', instances: 5, nodeSelector: { disk: 'ssd' }, storage: { size: '80Gi' } } },
    covers: ['database.namespace', 'database.clusterName', 'database.instances', 'database.nodeSelector'],
    check: (ms) => {
      const c = one(ms, 'Cluster', 'kdb');
      expect([c.metadata.namespace, c.spec.instances, c.spec.affinity.nodeSelector, c.spec.storage.size]).toEqual(['pg', 5, { disk: 'ssd' }, '80Gi']);
    } },
  { variant: 'rke2-cnpg', values: { backup: { schedule: '15 1 * * *', retention: 3, method: 'plugin', objectStoreName: 'minio-store' } },
    covers: ['backup.method', 'backup.objectStoreName'],
    check: (ms) => {
      const sb = text(ms, 'ScheduledBackup');
      for (const s of ['"plugin"', 'minio-store', '0 15 1 * * *']) expect(sb).toContain(s);
    } },
  { variant: 'rke2-cnpg', values: { ingress: { backend: { caSecretName: 'my-ca-secret' } } }, covers: ['ingress.backend.caSecretName'],
    check: (ms) => expect(text(ms, 'ServersTransport')).toContain('my-ca-secret') },
  { variant: 'rke2-cnpg', values: { ingress: { backend: { skipVerifyReason: 'lab cluster without an internal CA' } } }, covers: ['ingress.backend.skipVerifyReason'],
    check: (ms) => expect(one(ms, 'ServersTransport', 'kasm-proxy').spec.insecureSkipVerify).toBe(true) },
];

/** Leaf key paths of the tree as `variant` sees it (list items as `[]`, maps as leaves). */
function leaves(spec: ValueSpec, variant: ValuesVariant, at = ''): string[] {
  if (spec.kind === 'list' && spec.items.kind === 'object') return [at, ...leaves(spec.items, variant, `${at}[]`)];
  if (spec.kind !== 'object') return [at];
  return Object.entries(spec.fields).filter(([, f]) => !f.variants || f.variants.includes(variant))
    .flatMap(([k, f]) => leaves(f, variant, at ? `${at}.${k}` : k));
}

const baseOf = new Map<ValuesVariant, Manifest[]>();
const base = (v: ValuesVariant) => baseOf.get(v) ?? (baseOf.set(v, build(v, {})), baseOf.get(v)!);

describe('every values key lands on the manifests', () => {
  test.each(CASES.map((c) => [c.covers.join(', '), c] as const))('%s', (_, c) => {
    c.check(build(c.variant, c.values), base(c.variant));
  });

  test('nodes and checkCapacity decide the capacity check at synth', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-values-'));
    const tiny = parseValues('nodes: [{count: 1, cpu: "500m", memory: 1Gi}]\n', 'values.yaml', 'k3s-dev');
    expect(() => synthVariants([variantFromValues('k3s-dev', tiny, 'values.yaml')], out)).toThrow(/does not fit its nodes \(1 × 500m CPU \/ 1Gi\)/);
    const off = parseValues('nodes: [{count: 1, cpu: "500m", memory: 1Gi}]\ncheckCapacity: false\n', 'values.yaml', 'k3s-dev');
    expect(() => synthVariants([variantFromValues('k3s-dev', off, 'values.yaml')], out)).not.toThrow();
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('gitops keys land on the Argo CD and Flux manifests', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-values-'));
    const v = parseValues(yaml.dump({ gitops: { repoUrl: 'git@git.example.com:ops/kasm.git', revision: 'v2', path: 'deploy/kasm', argoNamespace: 'argo', fluxNamespace: 'flux' } }), 'values.yaml', 'k3s-dev');
    synthVariants([variantFromValues('k3s-dev', v, 'values.yaml')], out, gitopsFromValues(v));
    const app = yaml.load(fs.readFileSync(path.join(out, 'gitops', 'argocd', 'Application.kasm-k3s-dev.yaml'), 'utf8')) as any;
    expect([app.metadata.namespace, app.spec.source.repoURL, app.spec.source.targetRevision, app.spec.source.path]).toEqual(['argo', 'git@git.example.com:ops/kasm.git', 'v2', 'deploy/kasm/k3s-dev']);
    const repo = yaml.load(fs.readFileSync(path.join(out, 'gitops', 'flux', 'GitRepository.cdk8s-kasm.yaml'), 'utf8')) as any;
    expect([repo.metadata.namespace, repo.spec.url]).toEqual(['flux', 'git@git.example.com:ops/kasm.git']);
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('the cases above cover every key of every variant', () => {
    const extra = ['nodes', 'nodes[].count', 'nodes[].cpu', 'nodes[].memory', 'checkCapacity',
      ...['repoUrl', 'revision', 'path', 'argoNamespace', 'fluxNamespace'].map((k) => `gitops.${k}`)];
    const covered = new Set([...CASES.flatMap((c) => c.covers), ...extra,
      // Keys every variant shares are exercised once, in k3s-dev; database.storage.size and backup.schedule/retention also in rke2-cnpg.
      'database.storage.size', 'backup.schedule', 'backup.retention']);
    const missing = VALUES_VARIANTS.flatMap((v) => leaves(VALUES, v)).filter((k) => !covered.has(k));
    expect([...new Set(missing)]).toEqual([]);
  });
});
