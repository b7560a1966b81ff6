/**
 * A database in another namespace or outside the cluster: the control plane connects to the right host, the
 * NetworkPolicies admit exactly the database edges to its peer, and the doctor is satisfied (or says why not).
 */
import { Chart, Testing } from 'cdk8s';
import {
  ComponentId, CredentialSource, KasmControlPlane, KasmDatabase, KasmIngress, KasmSecurity, KasmVersion, NetworkPeer, NetworkPolicyModel, TlsSource,
} from '../../lib';
import { runDoctor } from '../../lib/doctor/app-doctor';
import { all, envOf, find, Manifest, podSpec, synth } from '../support/manifests';

interface Built { chart: Chart; cp: KasmControlPlane; manifests: Manifest[] }

function withDatabase(makeDb: (chart: Chart) => ConstructorParameters<typeof KasmControlPlane>[2]['database'], version = KasmVersion.V1_18_1,
  sources: Partial<ConstructorParameters<typeof KasmSecurity>[2]> = {}): Built {
  const chart = Testing.chart();
  const database = makeDb(chart);
  const cp = new KasmControlPlane(chart, 'cp', { database, namespace: 'kasm', version });
  const frontDoor = new KasmIngress(chart, 'ingress', { controlPlane: cp, hostname: 'kasm.example.com' });
  new KasmSecurity(chart, 'security', { controlPlane: cp, frontDoor, agentCidrs: ['192.168.1.0/24'], ...sources });
  return { chart, cp, manifests: synth(chart) };
}

const external = (chart: Chart, version = KasmVersion.V1_18_1, host = 'pg.example.com') => KasmDatabase.fromEndpoint(chart, 'db', {
  host, namespace: 'kasm', passwordSecretName: 'kasm-db-app', peer: NetworkPeer.cidrs(['192.168.50.0/24'], [], 'managed-postgres'), version,
});

const DB_CLIENTS = ['kasm-api', 'kasm-manager', 'kasm-db-init'];

describe('a database outside the cluster (KasmDatabase.fromEndpoint)', () => {
  const { chart, manifests } = withDatabase((c) => external(c));
  const model = new NetworkPolicyModel(manifests);
  const pods = model.podEndpoints();
  const pod = (name: string) => pods.find((p) => p.labels['app.kubernetes.io/name'] === name)!;
  const DB = { kind: 'external' as const, ip: '192.168.50.10', name: 'managed postgres' };

  test('the clients get the host, port and password Secret of the endpoint; no database objects are made', () => {
    const api = envOf(podSpec(find(manifests, 'Deployment', 'kasm-api')).containers[0]);
    expect(api.POSTGRES_HOST).toBe('pg.example.com');
    expect(api.POSTGRES_PASSWORD).toBe('secret:kasm-db-app/password');
    expect(all(manifests, 'StatefulSet')).toEqual([]);
    expect(all(manifests, 'Service').map((s) => s.metadata.name)).not.toContain('kasm-db');
  });

  test.each(DB_CLIENTS)('%s may reach the database on 5432', (client) => {
    expect(model.isAllowed(pod(client), DB, 5432).allowed).toBe(true);
  });

  test('nothing else reaches the database, and the clients reach nothing else there', () => {
    for (const other of ['kasm-proxy', 'kasm-guac', 'kasm-rdp-gateway']) expect(model.isAllowed(pod(other), DB, 5432).allowed).toBe(false);
    expect(model.isAllowed(pod('kasm-api'), DB, 22).allowed).toBe(false);
    expect(model.isAllowed(pod('kasm-api'), { kind: 'external', ip: '203.0.113.5' }, 5432).allowed).toBe(false);
  });

  test('the doctor is satisfied, and the password Secret counts as declared by the endpoint', () => {
    expect(runDoctor(chart)).toEqual([]);
  });
});

describe('Kasm\'s database in another namespace', () => {
  const existing = { credentials: CredentialSource.existing(), tls: TlsSource.existing() };
  const { chart, manifests } = withDatabase((c) => new KasmDatabase(c, 'db', { namespace: 'kasm-data' }), KasmVersion.V1_18_1, existing);

  test('generated Secrets cannot reach the database\'s namespace, so KasmSecurity says so instead of a stuck pod', () => {
    expect(() => withDatabase((c) => new KasmDatabase(c, 'db', { namespace: 'kasm-data' })))
      .toThrow(/^KasmSecurity controlPlane\.database: 'kasm-data' is not the control plane's namespace "kasm": KasmSecurity fills Secrets in the control plane's namespace only/);
  });

  test('the clients call the fully qualified Service name', () => {
    expect(envOf(podSpec(find(manifests, 'Deployment', 'kasm-api')).containers[0]).POSTGRES_HOST).toBe('kasm-db.kasm-data.svc.cluster.local');
    expect(podSpec(find(manifests, 'Deployment', 'kasm-api')).initContainers[0].command[2]).toContain('--host=kasm-db.kasm-data.svc.cluster.local');
  });

  test('the egress rules name the database pods in their namespace', () => {
    const egress = find(manifests, 'NetworkPolicy', 'kasm-api-egress').spec.egress;
    expect(egress).toEqual(expect.arrayContaining([{
      to: [{
        podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'kasm', 'app.kubernetes.io/name': 'kasm-db' } },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kasm-data' } },
      }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    }]));
  });

  test('the doctor finds every edge admitted', () => {
    expect(runDoctor(chart).filter((f) => f.rule === 'network-policy')).toEqual([]);
  });
});

describe('Kasm 1.16.0, whose api and manager always call `db`', () => {
  test('a database under another host name gets an ExternalName alias `db`', () => {
    const { manifests, cp } = withDatabase((c) => external(c, KasmVersion.V1_16_0), KasmVersion.V1_16_0);
    expect(find(manifests, 'Service', 'db').spec).toEqual({ type: 'ExternalName', externalName: 'pg.example.com', ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }] });
    expect(cp.databaseHost).toBe('db');
    expect(envOf(podSpec(all(manifests, 'Job').find((j) => j.metadata.name.startsWith('kasm-db-init'))!).containers[0]).POSTGRES_HOST).toBe('db');
  });

  test('an IPv4 address gets a selector-less Service and an EndpointSlice, which may map the port', () => {
    const { manifests } = withDatabase((c) => KasmDatabase.fromEndpoint(c, 'db', {
      host: '192.168.50.10', port: 6432, namespace: 'kasm', passwordSecretName: 'pg', peer: NetworkPeer.cidrs(['192.168.50.10/32']), version: KasmVersion.V1_16_0,
    }), KasmVersion.V1_16_0);
    expect(find(manifests, 'Service', 'db').spec).toEqual({ ports: [{ name: 'postgres', port: 5432, targetPort: 6432, protocol: 'TCP' }] });
    const slice = find(manifests, 'EndpointSlice', 'db-alias');
    expect(slice.metadata.labels!['kubernetes.io/service-name']).toBe('db');
    expect(slice.endpoints).toEqual([{ addresses: ['192.168.50.10'] }]);
    expect(slice.ports).toEqual([{ name: 'postgres', port: 6432, protocol: 'TCP' }]);
  });

  test('Kasm\'s own database in the same namespace needs no alias', () => {
    const { manifests } = withDatabase((c) => new KasmDatabase(c, 'db', { version: KasmVersion.V1_16_0, namespace: 'kasm' }), KasmVersion.V1_16_0);
    expect(find(manifests, 'Service', 'db').spec.selector).toBeDefined();
    expect(all(manifests, 'EndpointSlice')).toEqual([]);
  });
});

test('the doctor fails when a database edge has no peer', () => {
  const chart = Testing.chart();
  const database = external(chart);
  const cp = new KasmControlPlane(chart, 'cp', { database, namespace: 'kasm' });
  new KasmSecurity(chart, 'security', { controlPlane: cp });
  // A plain-data implementation that lost its peer after construction (what a JavaScript caller can produce).
  Object.defineProperty(database, 'peer', { value: undefined });
  const findings = runDoctor(chart).filter((f) => f.rule === 'network-policy');
  expect(findings.map((f) => f.problem)).toEqual(expect.arrayContaining([
    'api -> db:5432 (reads and writes Kasm state): the database has no network peer, so no policy can admit its clients',
  ]));
  expect(cp.selectorOf(ComponentId.API)).toBeDefined();
});
