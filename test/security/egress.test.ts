/** The typed egress hatch: exactly the components, peer and ports a rule names; default deny everywhere else. */
import { Testing } from 'cdk8s';
import { K3sDev } from '../../charts';
import { ComponentId, EgressProtocol, NetworkPeer, NetworkPolicyModel } from '../../lib';
import { PodEndpoint } from '../../lib/doctor/network-policy-model';
import { runDoctor } from '../../lib/doctor/app-doctor';
import { find, Manifest } from '../support/manifests';

const OIDC = { kind: 'external' as const, ip: '203.0.113.10', name: 'identity provider' };
const SMTP = { kind: 'external' as const, ip: '198.51.100.25', name: 'mail relay' };

function build(egress: ConstructorParameters<typeof K3sDev>[2] extends infer P ? P extends { egress?: infer E } ? E : never : never) {
  const chart = new K3sDev(Testing.app(), 'k3s-dev', { egress });
  const manifests = Testing.synth(chart) as Manifest[];
  const model = new NetworkPolicyModel(manifests);
  const pod = (name: string) => model.podEndpoints().find((p) => p.labels['app.kubernetes.io/name'] === name)!;
  return { chart, manifests, model, pod };
}

describe('KasmSecurity egress', () => {
  // Built per test (not once per describe), so a mutation tool attributes the synthesis to the tests that rely on it.
  let chart: K3sDev, manifests: Manifest[], model: NetworkPolicyModel, pod: (name: string) => PodEndpoint;
  beforeEach(() => {
    ({ chart, manifests, model, pod } = build([
      { from: [ComponentId.API], to: NetworkPeer.cidrs(['203.0.113.10/32'], [], 'oidc'), ports: [443], purpose: 'OIDC login' },
      { from: [ComponentId.API, ComponentId.MANAGER], to: NetworkPeer.cidrs(['0.0.0.0/0'], [], 'internet'), ports: [587], purpose: 'SMTP' },
    ]));
  });

  test('the named component reaches the named peer on the named port', () => {
    expect(model.isAllowed(pod('kasm-api'), OIDC, 443).allowed).toBe(true);
    expect(model.isAllowed(pod('kasm-api'), SMTP, 587).allowed).toBe(true);
    expect(model.isAllowed(pod('kasm-manager'), SMTP, 587).allowed).toBe(true);
  });

  test('and nothing more: other components, other ports, other addresses stay closed', () => {
    expect(model.isAllowed(pod('kasm-manager'), OIDC, 443).allowed).toBe(false);
    expect(model.isAllowed(pod('kasm-proxy'), OIDC, 443).allowed).toBe(false);
    expect(model.isAllowed(pod('kasm-api'), OIDC, 80).allowed).toBe(false);
    expect(model.isAllowed(pod('kasm-api'), { kind: 'external', ip: '203.0.113.11' }, 443).allowed).toBe(false);
    expect(model.isAllowed(pod('kasm-api'), SMTP, 587, 'UDP').allowed).toBe(false);
  });

  test('an open range never includes the cluster\'s own pods and Services', () => {
    expect(model.isAllowed(pod('kasm-api'), { kind: 'external', ip: '10.42.3.4' }, 587).allowed).toBe(false);
    const policy = find(manifests, 'NetworkPolicy', 'kasm-extra-egress-2');
    expect(policy.spec.egress[0].to[0].ipBlock).toEqual({ cidr: '0.0.0.0/0', except: ['10.42.0.0/16', '10.43.0.0/16'] });
    expect(policy.spec.podSelector.matchExpressions).toEqual([{ key: 'app.kubernetes.io/name', operator: 'In', values: ['kasm-api', 'kasm-manager'] }]);
    expect(policy.metadata.annotations!['kasm.cdk8s.io/flows']).toContain('kasm/api -> internet:587/TCP (SMTP)');
  });

  test('the doctor checks the opened flows too', () => {
    expect(runDoctor(chart)).toEqual([]);
    chart.security.node.tryRemoveChild('ExtraEgress1');
    expect(runDoctor(chart).map((f) => f.problem)).toEqual(expect.arrayContaining([expect.stringMatching(/^api -> oidc:443 \(OIDC login\) \(port 443\/TCP\) is not admitted/)]));
  });

  test('allowEgress after construction adds one more policy', () => {
    const later = new K3sDev(Testing.app(), 'x');
    later.security.allowEgress({ from: [ComponentId.API], to: NetworkPeer.cidrs(['192.0.2.0/24'], [], 'ldap'), ports: [636], protocol: EgressProtocol.TCP, purpose: 'LDAPS' });
    const m = Testing.synth(later) as Manifest[];
    expect(find(m, 'NetworkPolicy', 'kasm-extra-egress-1').spec.egress[0].ports).toEqual([{ port: 636, protocol: 'TCP' }]);
  });
});

describe('bad egress rules name the prop, the value and what is accepted', () => {
  const cases: [string, any, RegExp][] = [
    ['no components', { from: [], to: NetworkPeer.cidrs(['192.0.2.0/24']), ports: [443] }, /^KasmSecurity egress\[0\]\.from: \[\] is not accepted; name the components/],
    ['a component that is not deployed', { from: ['share'], to: NetworkPeer.cidrs(['192.0.2.0/24']), ports: [443] }, /^KasmSecurity egress\[0\]\.from\[0\]: 'share' is not a deployed component; accepted: 'proxy'/],
    ['a string for a peer', { from: ['api'], to: '192.0.2.0/24', ports: [443] }, /^KasmSecurity egress\[0\]\.to: '192\.0\.2\.0\/24' is not a NetworkPeer/],
    ['a port out of range', { from: ['api'], to: NetworkPeer.cidrs(['192.0.2.0/24']), ports: [0] }, /^KasmSecurity egress\[0\]\.ports\[0\]: 0 is not accepted; pass a whole number from 1 to 65535/],
    ['a single port instead of a list', { from: ['api'], to: NetworkPeer.cidrs(['192.0.2.0/24']), ports: 443 }, /^KasmSecurity egress\[0\]\.ports: 443 is not accepted; pass the destination ports/],
    ['an unknown protocol', { from: ['api'], to: NetworkPeer.cidrs(['192.0.2.0/24']), ports: [443], protocol: 'ICMP' }, /^KasmSecurity egress\[0\]\.protocol: 'ICMP' is not one of 'TCP', 'UDP'/],
  ];
  test.each(cases)('%s', (_name, rule, message) => {
    expect(() => new K3sDev(Testing.app(), 'x', { egress: [rule] })).toThrow(message);
  });
  test('egress that is not a list', () => {
    expect(() => new K3sDev(Testing.app(), 'x', { egress: { from: ['api'] } as any })).toThrow(/^KasmSecurity egress: \{"from":\["api"\]\} is not a list/);
  });
});
