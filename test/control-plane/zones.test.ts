/**
 * Zones: each extra zone gets its own api, manager and proxy under the names Kasm derives, wired to its own
 * instances, seeded by db-init; the single-zone default stays as it was; bad zone lists are refused by name.
 */
import { App, Testing } from 'cdk8s';
import { K3sDev, K3sProd } from '../../charts';
import { KasmConfigError, KasmVersion } from '../../lib';
import { envOf, find, Manifest } from '../support/manifests';

const NODES = [{ count: 4, cpu: '8', memory: '16Gi' }];
function synth(build: (app: App) => void): Manifest[] {
  const app = Testing.app();
  build(app);
  return app.charts.flatMap((c) => Testing.synth(c)) as Manifest[];
}
const twoZones = () => synth((app) => new K3sProd(app, 'p', {
  version: KasmVersion.V1_19_0, hostname: 'kasm.example.com', nodes: NODES,
  zones: [{ name: 'default' }, { name: 'EU West', upstreamAuthAddress: 'https://eu.kasm.example.com' }],
}));

describe('a second zone on Kasm 1.19.0', () => {
  const ms = twoZones();
  const spec = (name: string) => find(ms, 'Deployment', name).spec.template.spec;

  test('deploys api, manager and proxy under kasm-<component>-<zone slug>, the first zone keeping its names', () => {
    const deployments = ms.filter((m) => m.kind === 'Deployment' || (m.kind === 'StatefulSet' && m.metadata.name !== 'kasm-db')).map((m) => m.metadata.name).sort();
    expect(deployments).toEqual(expect.arrayContaining(['kasm-api', 'kasm-api-eu-west', 'kasm-manager', 'kasm-manager-eu-west', 'kasm-proxy', 'kasm-proxy-eu-west']));
    expect(deployments.filter((n) => /guac|rdp/.test(n))).toEqual(['kasm-guac', 'kasm-rdp-gateway', 'kasm-rdp-https-gateway']);
    for (const name of ['kasm-api-eu-west', 'kasm-manager-eu-west', 'kasm-proxy-eu-west']) expect(find(ms, 'Service', name).spec.selector['app.kubernetes.io/name']).toBe(name);
  });

  test('the zone\'s components register under its name and their own host names', () => {
    expect(envOf(spec('kasm-manager-eu-west').containers[0])).toMatchObject({ SERVER_ZONE_NAME: 'EU West', SERVER_HOSTNAME: 'kasm-manager-eu-west' });
    expect(envOf(spec('kasm-api-eu-west').containers[0])).toMatchObject({ SERVER_ZONE_NAME: 'EU West', SERVER_HOSTNAME: 'kasm-api-eu-west' });
    expect(envOf(spec('kasm-manager').containers[0])).toMatchObject({ SERVER_ZONE_NAME: 'default', SERVER_HOSTNAME: 'kasm-manager-default' });
  });

  test('the zone\'s proxy routes to its own api and manager, and waits for them', () => {
    const conf = Object.values(find(ms, 'ConfigMap', 'kasm-proxy-eu-west-config').data as Record<string, string>).join('\n');
    expect(conf).toContain('server kasm-api-eu-west:8080;');
    expect(conf).toContain('server kasm-manager-eu-west:8181;');
    expect(conf).not.toContain('kasm-api-default');
    const waits = spec('kasm-proxy-eu-west').initContainers.map((c: any) => c.command[2]).join('\n');
    expect(waits).toContain('http://kasm-api-eu-west:8080/api/__healthcheck');
    expect(waits).toContain('http://kasm-manager-eu-west:8181/__healthcheck');
  });

  test('db-init creates and configures both zones', () => {
    const job = ms.find((m) => m.kind === 'Job' && m.metadata.name.startsWith('kasm-db-init'))!;
    expect(envOf(job.spec.template.spec.containers[0]).KASM_ZONE_SETTINGS).toBe('default|kasm.example.com\nEU West|eu.kasm.example.com');
  });

  test('the proxy certificate carries every zone\'s proxy name', () => {
    const plan = JSON.parse(find(ms, 'ConfigMap', 'kasm-secret-generator').data['plan.json']);
    const proxy = plan.certificates.find((c: any) => c.secretName === 'kasm-proxy-tls');
    expect(proxy.dnsNames).toEqual(expect.arrayContaining(['kasm-proxy-default', 'kasm-proxy-eu-west.kasm.svc.cluster.local']));
  });

  test('NOTES.md and the onboarding ConfigMap name each zone\'s address', () => {
    const cm = find(ms, 'ConfigMap', 'kasm-onboarding').data;
    expect(cm['upstream-auth-address.eu-west']).toBe('eu.kasm.example.com');
    expect(cm['NOTES.md']).toContain('## Register agents in zone `EU West`');
    expect(cm['NOTES.md']).toContain('--manager-hostname eu.kasm.example.com');
  });

  test('without an address, a zone\'s agents use its proxy Service\'s FQDN', () => {
    const out = synth((app) => new K3sProd(app, 'p', { version: KasmVersion.V1_19_0, hostname: 'kasm.example.com', nodes: NODES, zones: [{ name: 'default' }, { name: 'lab' }] }));
    expect(find(out, 'ConfigMap', 'kasm-onboarding').data['upstream-auth-url.lab']).toBe('https://kasm-proxy-lab.kasm.svc.cluster.local:8443');
  });
});

test('one zone listed is the default deployment, unchanged', () => {
  const plain = synth((app) => new K3sDev(app, 'd', { version: KasmVersion.V1_19_0 }));
  const listed = synth((app) => new K3sDev(app, 'd', { version: KasmVersion.V1_19_0, zones: [{ name: 'default' }] }));
  expect(listed).toEqual(plain);
});

describe('bad zone lists are refused by name', () => {
  const dev = (zones: unknown, version = KasmVersion.V1_19_0) => () => synth((app) => new K3sDev(app, 'd', { version, zones: zones as any, nodes: NODES }));
  test.each([
    ['an empty list', [], /^KasmControlPlane zones: \[\] is empty/],
    ['a first zone that is not the seeded one', [{ name: 'eu' }], /^KasmControlPlane zones\[0\]\.name: 'eu' is not 'default'/],
    ['two names with one slug', [{ name: 'default' }, { name: 'EU' }, { name: 'eu' }], /^KasmControlPlane zones\[2\]\.name: 'eu' names the same zone as 'EU'/],
    ['a bad name', [{ name: 'default' }, { name: '-eu' }], /^KasmControlPlane zones\[1\]\.name: '-eu' is not a zone name/],
    ['an address that is not a URL', [{ name: 'default' }, { name: 'eu', upstreamAuthAddress: 'eu.example.com' }], /^KasmControlPlane zones\[1\]\.upstreamAuthAddress: 'eu\.example\.com' is not accepted; pass an https URL/],
    ['two zones with one address', [{ name: 'default' }, { name: 'eu', upstreamAuthAddress: 'https://kasm.local' }], /^KasmControlPlane zones\[1\]\.upstreamAuthAddress: 'https:\/\/kasm\.local' is zone 'default''s address too/],
    ['an address on the first zone', [{ name: 'default', upstreamAuthAddress: 'https://a.example.com' }], /^KasmControlPlane zones\[0\]\.upstreamAuthAddress: .* set the control plane's upstreamAuthAddress instead/],
  ])('%s', (_label, zones, message) => {
    expect(dev(zones)).toThrow(KasmConfigError);
    expect(dev(zones)).toThrow(message);
  });

  test('a release without per-zone components or zone seeding', () => {
    expect(dev([{ name: 'default' }, { name: 'eu' }], KasmVersion.V1_18_1)).toThrow(/^KasmControlPlane zones: \["default","eu"\] lists 2 zones, but Kasm 1\.18\.1 gives no way to deploy and seed more than one .* use KasmVersion\.V1_19_0/);
  });
});
