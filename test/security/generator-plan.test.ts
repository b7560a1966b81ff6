/** The generator's plan as synth writes it: short common names, every name in the SANs, no tracking label, checked at synth. */
import { Testing } from 'cdk8s';
import { K3sDev } from '../../charts';
import { find, Manifest } from '../support/manifests';

const planOf = (m: Manifest[]) => JSON.parse(find(m, 'ConfigMap', 'kasm-secret-generator').data['plan.json']);
const LONG_HOST = `${'desktops-for-the-engineering-department'}.${'eu-central-1'}.corp.example.com`;

test('a host name longer than 64 characters stays in the SANs; the common name is one that fits', () => {
  expect(LONG_HOST.length).toBeGreaterThan(64);
  const plan = planOf(Testing.synth(new K3sDev(Testing.app(), 'x', { hostname: LONG_HOST })) as Manifest[]);
  for (const c of plan.certificates) expect(c.commonName.length).toBeLessThanOrEqual(64);
  const ingress = plan.certificates.find((c: any) => c.secretName === 'kasm-ingress-tls');
  expect(ingress.dnsNames).toEqual([LONG_HOST]);
  expect(ingress.commonName).toBe('kasm-ingress-tls');
  const proxy = plan.certificates.find((c: any) => c.secretName === 'kasm-proxy-tls');
  expect(proxy.dnsNames).toContain(LONG_HOST);
  expect(proxy.commonName).toBe('kasm-proxy-default');
});

test('the generated Secrets carry the instance label of the project, not the one Argo CD tracks', () => {
  const plan = planOf(Testing.synth(new K3sDev(Testing.app(), 'x')) as Manifest[]);
  expect(plan.labels['app.kubernetes.io/instance']).toBeUndefined();
  expect(plan.labels['kasm.cdk8s.io/instance']).toBe('kasm');
});

test('nothing the cluster creates at runtime carries the tracking label (Secrets, PVCs, certificate Secrets)', () => {
  const m = Testing.synth(new K3sDev(Testing.app(), 'x')) as Manifest[];
  expect(planOf(m).labels['app.kubernetes.io/instance']).toBeUndefined();
  for (const sts of m.filter((o) => o.kind === 'StatefulSet')) {
    for (const t of sts.spec.volumeClaimTemplates ?? []) expect(t.metadata.labels['app.kubernetes.io/instance']).toBeUndefined();
  }
  for (const cert of m.filter((o) => o.kind === 'Certificate')) expect(cert.spec.secretTemplate.labels['app.kubernetes.io/instance']).toBeUndefined();
});

test('a plan the in-cluster generator would reject fails synth with its words', () => {
  const { SecretGenerator } = require('../../lib/security/generator');
  const chart = new K3sDev(Testing.app(), 'x');
  expect(() => new SecretGenerator(chart, 'Again', {
    controlPlane: chart.controlPlane,
    labels: {},
    plan: { namespace: 'kasm', labels: {}, credentials: null, ca: { secretName: 'ca', commonName: 'c'.repeat(70), validityDays: 30 }, certificates: [] },
  })).toThrow(/^KasmSecurity generator plan: 'ca\.commonName must be 1 to 64 characters' is not accepted by the in-cluster generator/);
});
