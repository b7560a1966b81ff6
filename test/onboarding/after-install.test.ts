/**
 * After the install: the Upstream Auth address (seeded where the release allows, written where the admin needs it),
 * NOTES.md and the onboarding ConfigMap, native RDP exposure with exactly its flow, the trusted CA bundle, and identity
 * providers through the egress hatch; each derived from the same props, each bad prop refused by name.
 */
import { App, Chart, Testing } from 'cdk8s';
import { K3sDev, K3sProd, Rke2Cnpg } from '../../charts';
import {
  IdentityProviderKind, KasmConfigError, KasmControlPlane, KasmDatabase, KasmRdpExposure, KasmVersion, RdpExposureKind,
} from '../../lib';
import { seedScript } from '../../lib/control-plane/seed-script';
import { DbInitMode } from '../../lib/contract/types';
import { NetworkPolicyModel, PodEndpoint } from '../../lib/doctor/network-policy-model';
import { validateManifests } from '../../lib/doctor/schema-validator';
import { envOf, find, Manifest } from '../support/manifests';
import { StubSandbox } from '../support/stubs';

function synthAll(build: (app: App) => void): Manifest[] {
  const app = Testing.app();
  build(app);
  return app.charts.flatMap((c) => Testing.synth(c)) as Manifest[];
}
const dbInitOf = (ms: Manifest[]) => ms.find((m) => m.kind === 'Job' && m.metadata.name.startsWith('kasm-db-init'))!;
const notesOf = (ms: Manifest[]) => find(ms, 'ConfigMap', 'kasm-onboarding').data['NOTES.md'] as string;

describe('the zone\'s Upstream Auth address', () => {
  test('a control plane on its own defaults to the proxy Service\'s FQDN on 8443, from the cluster domain', () => {
    const chart = new Chart(Testing.app(), 'c');
    const database = new KasmDatabase(chart, 'db', { version: KasmVersion.V1_19_0 });
    const cp = new KasmControlPlane(chart, 'cp', { database });
    expect(cp.upstreamAuth).toEqual({ url: 'https://kasm-proxy-default.kasm.svc.cluster.local:8443', address: 'kasm-proxy-default.kasm.svc.cluster.local:8443' });
  });

  test('variants default to the public host name, where agents outside the cluster come in', () => {
    const ms = synthAll((app) => new K3sProd(app, 'p', { hostname: 'desk.example.com' }));
    expect(find(ms, 'ConfigMap', 'kasm-onboarding').data).toMatchObject({
      'zone': 'default', 'upstream-auth-address': 'desk.example.com', 'upstream-auth-url': 'https://desk.example.com', 'upstream-auth-seeded': 'true',
    });
  });

  test('Kasm 1.19.0 seeds it: db-init carries the zone and the address, and NOTES.md says nothing is left to set', () => {
    const ms = synthAll((app) => new K3sDev(app, 'd', { version: KasmVersion.V1_19_0, upstreamAuthAddress: 'https://agents.example.com:8443' }));
    const env = envOf(dbInitOf(ms).spec.template.spec.containers[0]);
    expect(env.KASM_ZONE_SETTINGS).toBe('default|agents.example.com:8443');
    expect(find(ms, 'ConfigMap', 'kasm-onboarding').data['upstream-auth-seeded']).toBe('true');
    expect(notesOf(ms)).toContain('db-init writes it into zone `default`');
  });

  test('Kasm 1.18.1 cannot seed it: no zone env on db-init, and NOTES.md gives the admin UI path and the value', () => {
    const ms = synthAll((app) => new K3sDev(app, 'd', { version: KasmVersion.V1_18_1, upstreamAuthAddress: 'https://agents.example.com' }));
    expect(envOf(dbInitOf(ms).spec.template.spec.containers[0]).KASM_ZONE_SETTINGS).toBeUndefined();
    expect(notesOf(ms)).toContain('Infrastructure → Zones → `default` → Edit → Upstream Auth Address: `agents.example.com`');
  });

  test.each([
    ['http://kasm.example.com'], ['kasm.example.com'], ['https://kasm.example.com/path'], ['https://user@kasm.example.com'],
    ['https://kasm.example.com/'], ['https://kasm.example.com?x=1'], [42],
  ])('%s is refused, naming the prop and what is accepted', (value) => {
    const build = () => synthAll((app) => new K3sDev(app, 'd', { upstreamAuthAddress: value as string }));
    expect(build).toThrow(KasmConfigError);
    expect(build).toThrow(/^KasmControlPlane upstreamAuthAddress: .* is not accepted; pass an https URL with a host name and an optional port/);
  });
});

describe('db-init writes the zone settings (executed with a stub psql)', () => {
  let box: StubSandbox;
  beforeEach(() => { box = new StubSandbox(); });
  afterEach(() => box.cleanup());
  const script = seedScript(DbInitMode.IMAGE_STARTUP_SCRIPT).command;
  const env = (extra: Record<string, string> = {}) => ({
    POSTGRES_HOST: 'kasm-db', POSTGRES_PORT: '5432', POSTGRES_DB: 'kasm', POSTGRES_USER: 'kasmapp', POSTGRES_PASSWORD: 'pw',
    DB_INIT_RETRY_DELAY: '0', DB_INIT_MAX_ATTEMPTS: '2', ...extra,
  });
  /** A seeded database; the UPDATE's SQL (stdin) and variables are recorded, and it returns `updated`. */
  const psql = (updated: string) => box.stub('psql', `case "$*" in
  *"--set zone="*) cat > "$HOME/update.sql"; echo "$*" > "$HOME/update.args"; ${updated ? `echo ${updated}` : 'true'} ;;
  *pg_tables*) echo 80 ;;
  *to_regclass*) echo t ;;
  *"FROM zones"*) echo 1 ;;
esac`);
  const read = (file: string) => require('fs').readFileSync(`${box.dir}/${file}`, 'utf8') as string;

  test('an already seeded database gets the address of its zone, with psql quoting the values', () => {
    psql('default');
    const r = box.run('bash', script, env({ KASM_ZONE_SETTINGS: "default|kasm.example.com'; DROP TABLE zones; --" }));
    expect([r.stderr, r.status]).toEqual(['', 0]);
    expect(r.stdout).toContain('Zone default: upstream auth address set to');
    expect(read('update.sql')).toContain("UPDATE zones SET upstream_auth_address = :'address' WHERE zone_name = :'zone' RETURNING zone_name;\n");
    expect(read('update.args')).toContain("--set seeded=default --set zone=default --set address=kasm.example.com'; DROP TABLE zones; --");
  });

  test('no address in the env (releases that cannot seed it): the zone is not touched', () => {
    psql('default');
    const r = box.run('bash', script, env());
    expect(r.status).toBe(0);
    expect(box.calls('psql').some((c) => c.includes('--set zone='))).toBe(false);
  });

  test('a zone that does not exist fails the Job instead of passing silently', () => {
    psql('');
    const r = box.run('bash', script, env({ KASM_ZONE_SETTINGS: 'eu|kasm.example.com' }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('No zone named eu in kasm (and none named eu to copy): its upstream auth address was not written.');
  });

  test('several zones: each line is one psql call that creates the zone from the seeded one when missing, then sets its address', () => {
    box.stub('psql', `case "$*" in
  *"--set zone="*) cat >> "$HOME/update.sql"; echo "$*" >> "$HOME/update.args"; echo zone ;;
  *pg_tables*) echo 80 ;;
  *to_regclass*) echo t ;;
  *"FROM zones"*) echo 1 ;;
esac`);
    const r = box.run('bash', script, env({ KASM_ZONE_SETTINGS: 'default|kasm.example.com\nEU West|eu.kasm.example.com:8443' }));
    expect([r.stderr, r.status]).toEqual(['', 0]);
    expect(r.stdout).toContain('Zone EU West: upstream auth address set to eu.kasm.example.com:8443.');
    const args = read('update.args').trim().split('\n');
    expect(args).toHaveLength(2);
    expect(args[1]).toContain('--set seeded=default --set zone=EU West --set address=eu.kasm.example.com:8443');
    expect(read('update.sql')).toContain("INSERT INTO zones SELECT (jsonb_populate_record(NULL::zones, to_jsonb(z) || jsonb_build_object('zone_id', gen_random_uuid(), 'zone_name', :'zone'))).*");
    expect(read('update.sql')).toContain("FROM zones z WHERE z.zone_name = :'seeded' AND NOT EXISTS (SELECT 1 FROM zones WHERE zone_name = :'zone');");
  });
});

describe('native RDP', () => {
  const AGENT_RANGE = '203.0.113.7';
  function model(ms: Manifest[]) {
    return new NetworkPolicyModel(ms, [{ name: 'kube-system' }, { name: 'default' }]);
  }
  const gatewayPod = (m: NetworkPolicyModel) => m.podEndpoints().find((p) => p.labels['app.kubernetes.io/name'] === 'kasm-rdp-gateway')!;
  const TRAEFIK: PodEndpoint = { kind: 'pod', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'traefik' }, name: 'traefik' };

  test('through Traefik: an IngressRouteTCP on the rdp entrypoint, the entrypoint in Traefik\'s values, and only Traefik admitted', () => {
    const ms = synthAll((app) => new K3sDev(app, 'd', { rdp: {} }));
    expect(validateManifests(ms)).toEqual([]);
    const route = find(ms, 'IngressRouteTCP', 'kasm-rdp');
    expect(route.spec).toEqual({ entryPoints: ['rdp'], routes: [{ match: 'HostSNI(`*`)', services: [{ name: 'kasm-rdp-gateway-default', port: 3389 }] }] });
    expect(find(ms, 'HelmChartConfig', 'traefik').spec.valuesContent).toMatch(/rdp:\n\s+expose:\n\s+default: true\n\s+exposedPort: 3389\n\s+port: 3389\n\s+protocol: TCP/);
    const m = model(ms);
    expect(m.isAllowed(TRAEFIK, gatewayPod(m), 3389, 'TCP').allowed).toBe(true);
    expect(m.isAllowed({ kind: 'external', ip: AGENT_RANGE }, gatewayPod(m), 3389, 'TCP').allowed).toBe(false);
    expect(m.isAllowed(TRAEFIK, gatewayPod(m), 5555, 'TCP').allowed).toBe(false);
    expect(notesOf(ms)).toContain('## Connect with an RDP client');
  });

  test('through a LoadBalancer: client addresses kept, the client ranges admitted and nothing else', () => {
    const ms = synthAll((app) => new K3sDev(app, 'd', { rdp: { kind: RdpExposureKind.LOAD_BALANCER, port: 13389, clientCidrs: ['203.0.113.0/24'] } }));
    expect(validateManifests(ms)).toEqual([]);
    const svc = find(ms, 'Service', 'kasm-rdp');
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['203.0.113.0/24'] });
    expect(svc.spec.ports).toEqual([{ name: 'rdp', port: 13389, targetPort: 3389, protocol: 'TCP' }]);
    expect(ms.filter((x) => x.kind === 'IngressRouteTCP')).toEqual([]);
    const m = model(ms);
    expect(m.isAllowed({ kind: 'external', ip: AGENT_RANGE }, gatewayPod(m), 3389, 'TCP').allowed).toBe(true);
    expect(m.isAllowed({ kind: 'external', ip: '198.51.100.1' }, gatewayPod(m), 3389, 'TCP').allowed).toBe(false);
    expect(m.isAllowed({ kind: 'external', ip: AGENT_RANGE }, gatewayPod(m), 5555, 'TCP').allowed).toBe(false);
  });

  test('not asked for: no route, no entrypoint, 3389 closed from outside', () => {
    const ms = synthAll((app) => new K3sDev(app, 'd'));
    expect(ms.filter((x) => x.kind === 'IngressRouteTCP' || (x.kind === 'Service' && x.metadata.name === 'kasm-rdp'))).toEqual([]);
    const m = model(ms);
    expect(m.isAllowed(TRAEFIK, gatewayPod(m), 3389, 'TCP').allowed).toBe(false);
  });

  test('rke2-cnpg publishes it the same way', () => {
    const ms = synthAll((app) => new Rke2Cnpg(app, 'r', { hostname: 'kasm.example.com', rdp: {} }));
    expect(find(ms, 'IngressRouteTCP', 'kasm-rdp').spec.entryPoints).toEqual(['rdp']);
    expect(find(ms, 'HelmChartConfig', 'rke2-traefik').spec.valuesContent).toContain('exposedPort: 3389');
  });

  test.each([
    ['client ranges with Traefik', { rdp: { clientCidrs: ['10.0.0.0/8'] } }, /^KasmRdpExposure clientCidrs: .* applies to kind LOAD_BALANCER only/],
    ['an empty client range list', { rdp: { kind: RdpExposureKind.LOAD_BALANCER, clientCidrs: [] } }, /^KasmRdpExposure clientCidrs: \[\] is empty/],
    ['a bad client range', { rdp: { kind: RdpExposureKind.LOAD_BALANCER, clientCidrs: ['10.0.0.0/33'] } }, /^KasmRdpExposure clientCidrs\[0\]: '10\.0\.0\.0\/33'/],
    ['an unknown kind', { rdp: { kind: 'nodePort' } }, /^KasmRdpExposure kind: 'nodePort' is not one of 'traefikTcp', 'loadBalancer'/],
    ['a port out of range', { rdp: { kind: RdpExposureKind.LOAD_BALANCER, port: 70000 } }, /^KasmRdpExposure port: 70000/],
  ])('%s is refused by name', (_label, props, message) => {
    expect(() => synthAll((app) => new K3sDev(app, 'd', props as any))).toThrow(message);
  });

  test('a control plane without the RDP gateway has nothing to publish', () => {
    const chart = new Chart(Testing.app(), 'c');
    const database = new KasmDatabase(chart, 'db', {});
    const cp = new KasmControlPlane(chart, 'cp', { database, enableRdpGateway: false });
    expect(() => new KasmRdpExposure(chart, 'rdp', { controlPlane: cp })).toThrow(/^KasmRdpExposure controlPlane: .* deploys no component listening for native RDP on 3389/);
  });
});

describe('the trusted CA bundle', () => {
  test('api and manager extend the system bundle in an init container and point OpenSSL and requests at it; others are untouched', () => {
    const ms = synthAll((app) => new K3sDev(app, 'd', { trustedCaBundle: { configMapName: 'corp-ca' } }));
    expect(validateManifests(ms)).toEqual([]);
    for (const name of ['kasm-api', 'kasm-manager']) {
      const spec = find(ms, 'Deployment', name).spec.template.spec;
      expect(spec.initContainers[0].name).toBe('trusted-ca');
      expect(spec.initContainers[0].command[2]).toContain('cat /etc/ssl/certs/ca-certificates.crt /etc/kasm-trusted-ca-source/bundle.pem > /etc/kasm-trusted-ca/ca-certificates.crt');
      expect(spec.initContainers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
      const env = envOf(spec.containers[0]);
      expect([env.SSL_CERT_FILE, env.REQUESTS_CA_BUNDLE]).toEqual(['/etc/kasm-trusted-ca/ca-certificates.crt', '/etc/kasm-trusted-ca/ca-certificates.crt']);
      expect(spec.volumes).toContainEqual({ name: 'trusted-ca-source', configMap: { name: 'corp-ca', items: [{ key: 'ca.crt', path: 'bundle.pem' }] } });
    }
    expect(find(ms, 'Deployment', 'kasm-proxy').spec.template.spec.initContainers.map((c: any) => c.name)).not.toContain('trusted-ca');
  });

  test.each([
    ['neither name', {}, /^KasmControlPlane trustedCaBundle: \{\} names no bundle; set exactly one of configMapName and secretName/],
    ['both names', { configMapName: 'a', secretName: 'b' }, /names no bundle; set exactly one/],
    ['a bad name', { configMapName: 'Corp CA' }, /^KasmControlPlane trustedCaBundle\.configMapName: 'Corp CA'/],
    ['a bad key', { secretName: 'corp-ca', key: 'a/b' }, /^KasmControlPlane trustedCaBundle\.key: 'a\/b' is not a ConfigMap\/Secret key/],
  ])('%s is refused', (_label, bundle, message) => {
    expect(() => synthAll((app) => new K3sDev(app, 'd', { trustedCaBundle: bundle as any }))).toThrow(message);
  });
});

describe('identity providers', () => {
  const LDAP = { name: 'corp-ldap', kind: IdentityProviderKind.LDAP, cidrs: ['10.0.5.10/32'] };
  const OIDC = { name: 'sso', kind: IdentityProviderKind.OIDC, cidrs: ['198.51.100.20/32'] };

  test('the api may reach each provider on its protocol\'s port, and no other component may', () => {
    const ms = synthAll((app) => new K3sDev(app, 'd', { identityProviders: [LDAP, OIDC], trustedCaBundle: { configMapName: 'corp-ca' } }));
    const m = new NetworkPolicyModel(ms, [{ name: 'kube-system' }]);
    const pod = (name: string) => m.podEndpoints().find((p) => p.labels['app.kubernetes.io/name'] === name)!;
    expect(m.isAllowed(pod('kasm-api'), { kind: 'external', ip: '10.0.5.10' }, 636, 'TCP').allowed).toBe(true);
    expect(m.isAllowed(pod('kasm-api'), { kind: 'external', ip: '198.51.100.20' }, 443, 'TCP').allowed).toBe(true);
    expect(m.isAllowed(pod('kasm-api'), { kind: 'external', ip: '10.0.5.10' }, 389, 'TCP').allowed).toBe(false);
    expect(m.isAllowed(pod('kasm-manager'), { kind: 'external', ip: '198.51.100.20' }, 443, 'TCP').allowed).toBe(false);
    expect(m.isAllowed(pod('kasm-proxy'), { kind: 'external', ip: '10.0.5.10' }, 636, 'TCP').allowed).toBe(false);
    const notes = notesOf(ms);
    expect(notes).toContain('- `corp-ldap` (LDAP): `10.0.5.10/32` on 636');
    expect(notes).toContain('trusted through the ConfigMap `corp-ca` (key `ca.crt`)');
    expect(notes).toContain('- Outbound: api -> corp-ldap:636/TCP (signs users in with corp-ldap (LDAP)).');
  });

  test('without a CA bundle, NOTES.md says what a private CA needs', () => {
    expect(notesOf(synthAll((app) => new K3sDev(app, 'd', { identityProviders: [OIDC] })))).toContain('set `trustedCaBundle`: without it the login fails with HTTP 500');
  });

  test.each([
    ['two providers of one name', [LDAP, { ...OIDC, name: 'corp-ldap' }], /K3sDev identityProviders\[\]\.name: .*corp-ldap/],
    ['no address', [{ ...LDAP, cidrs: [] }], /^K3sDev identityProviders\[0\]\.cidrs: \[\] is empty/],
    ['an unknown kind', [{ ...LDAP, kind: 'kerberos' }], /^K3sDev identityProviders\[0\]\.kind: 'kerberos' is not one of 'oidc', 'saml', 'ldap'/],
    ['a bad name', [{ ...LDAP, name: 'Corp LDAP' }], /^K3sDev identityProviders\[0\]\.name: 'Corp LDAP'/],
    ['empty ports', [{ ...LDAP, ports: [] }], /^K3sDev identityProviders\[0\]\.ports: \[\] is empty/],
  ])('%s is refused by name', (_label, providers, message) => {
    expect(() => synthAll((app) => new K3sDev(app, 'd', { identityProviders: providers as any }))).toThrow(message);
  });
});

describe('NOTES.md', () => {
  test('first login: the front door, both seeded users and the commands that read their passwords; rotation after it', () => {
    const notes = notesOf(synthAll((app) => new K3sDev(app, 'd')));
    expect(notes).toMatch(/^# K3sDev: Kasm 1\.19\.0 in namespace kasm\n/);
    expect(notes).toContain('Open https://kasm.local/');
    expect(notes).toContain("# user@kasm.local\nkubectl -n kasm get secret kasm-secrets -o jsonpath='{.data.user-password}' | base64 -d; echo");
    expect(notes).toContain('Change both passwords in the admin UI');
    expect(notes).toContain('--manager-hostname kasm.local --manager-token "$MANAGER_TOKEN"');
  });

  test('the sections follow the props: agent ranges, servers, RDP and providers appear only when set', () => {
    const plain = notesOf(synthAll((app) => new K3sDev(app, 'd', { agentCidrs: ['192.168.50.0/24'] })));
    expect(plain).toContain('- Agents (check in on the proxy\'s 8443, receive sessions on 443): `192.168.50.0/24`.');
    expect(plain).not.toContain('## Connect with an RDP client');
    expect(plain).not.toContain('## Single sign-on and LDAP');
  });

  test('the ConfigMap carries nothing secret: commands, never values', () => {
    const data = find(synthAll((app) => new K3sDev(app, 'd')), 'ConfigMap', 'kasm-onboarding').data;
    expect(Object.keys(data).sort()).toEqual(['NOTES.md', 'upstream-auth-address', 'upstream-auth-seeded', 'upstream-auth-url', 'zone']);
  });

  test('Kasm 1.16.0 cannot seed the address either: the admin path is given', () => {
    expect(notesOf(synthAll((app) => new K3sDev(app, 'd', { version: KasmVersion.V1_16_0 })))).toContain('Kasm 1.16.0 gives no way to seed it');
  });

  test('host names are case-insensitive: an upper-case URL is stored lower-case', () => {
    const ms = synthAll((app) => new K3sDev(app, 'd', { upstreamAuthAddress: 'https://Agents.Example.com' }));
    expect(find(ms, 'ConfigMap', 'kasm-onboarding').data['upstream-auth-address']).toBe('agents.example.com');
  });
});

test('two deployments in one app keep their notes apart', () => {
  const app = Testing.app();
  new K3sDev(app, 'a', { namespace: 'team-a', configureTraefikTimeouts: false });
  new K3sDev(app, 'b', { namespace: 'team-b', configureTraefikTimeouts: false });
  const [a, b] = app.charts.map((c) => (Testing.synth(c) as Manifest[]).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'kasm-onboarding')!.data['NOTES.md'] as string);
  expect(a).toContain('kubectl -n team-a get secret');
  expect(a).not.toContain('team-b');
  expect(b).toContain('kubectl -n team-b get secret');
  expect(b).not.toContain('team-a');
});
