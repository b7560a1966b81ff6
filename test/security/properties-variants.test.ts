/**
 * Property tests of the published variants' NetworkPolicies, evaluated offline.
 *
 * 1. Exactness: between the Kasm namespace's pods and outside addresses, a connection is admitted exactly when one of
 *    the flows the policies are written from admits its egress side and one admits its ingress side (a brute-force
 *    reference over `KasmSecurity.flows`): every edge of the graph is open, everything else stays closed.
 * 2. Additivity. NetworkPolicies are allow-lists: an added policy can only widen what the pods it selects may do, and
 *    it narrows only a pod that no policy isolated before. Every pod of the Kasm namespace is already isolated both
 *    ways by default deny, so random extra policies there must never close an admitted connection, and whatever they
 *    newly admit must be admitted by one of them (never by the shipped set, whose must-stay-closed flows hold alone).
 */
import { App, Testing } from 'cdk8s';
import fc from 'fast-check';
import { VARIANTS } from '../../charts';
import { KasmSecurity } from '../../lib';
import { Endpoint, matchesSelector, NetworkPolicyModel } from '../../lib/doctor/network-policy-model';
import { Flow, FlowEnd, sampleAddress } from '../../lib/security/network-peer';

/** Fixed seed and bounded runs: deterministic in CI, a few seconds for the three variants on 2 cores. */
const RUNS = { seed: 24, numRuns: 150 };

const OUTSIDE = ['192.168.1.50', '172.20.3.4', '203.0.113.9', '10.42.0.17', '10.43.0.10', '8.8.8.8'];

function build(variant: (typeof VARIANTS)[number]) {
  const app: App = Testing.app();
  variant.build(app);
  const manifests = app.charts.flatMap((c) => Testing.synth(c));
  const security = app.charts.flatMap((c) => c.node.findAll()).find((c): c is KasmSecurity => c instanceof KasmSecurity)!;
  const namespace = security.controlPlane.namespace;
  const model = new NetworkPolicyModel(manifests, [{ name: 'kube-system' }]);
  const pods = model.podEndpoints().filter((p) => p.namespace === namespace);
  const agent = security.agents ? sampleAddress(security.agents.end) : undefined;
  const externals: Endpoint[] = [...OUTSIDE, ...(agent ? [agent] : [])].map((ip) => ({ kind: 'external', ip }));
  const ports = [...new Set([...security.flows.map((f) => f.port), 53, 80, 8081])];
  return { manifests, security, namespace, model, pods, externals, ports };
}

const ipIn = (ip: string, cidr: string) => {
  const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const [net, prefix] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  return Math.floor(n(ip) / size) === Math.floor(n(net) / size);
};

/** Whether a flow end stands for an endpoint: pods by namespace and labels, addresses by range, `anywhere` for all. */
function endMatches(end: FlowEnd, e: Endpoint): boolean {
  if (end.kind === 'anywhere') return true;
  if (end.kind === 'cidrs') return e.kind === 'external' && end.blocks.some((b) => ipIn(e.ip, b.cidr) && !(b.except ?? []).some((x) => ipIn(e.ip, x)));
  return e.kind === 'pod' && e.namespace === end.namespace && matchesSelector({ matchLabels: { ...end.selector } }, e.labels);
}

/** The reference: the egress side admitted by some flow from the source, the ingress side by some flow to the destination. */
function reference(flows: readonly Flow[], namespace: string, from: Endpoint, to: Endpoint, port: number, protocol: string): boolean {
  const local = (e: Endpoint) => e.kind === 'pod' && e.namespace === namespace;
  const same = (f: Flow) => f.port === port && f.protocol === protocol && endMatches(f.from, from) && endMatches(f.to, to);
  const egress = !local(from) || flows.some((f) => f.from.kind === 'pods' && f.from.namespace === namespace && same(f));
  const ingress = !local(to) || flows.some((f) => f.to.kind === 'pods' && f.to.namespace === namespace && same(f));
  return egress && ingress;
}

describe.each(VARIANTS.map((v) => [v.name, v] as const))('variant %s', (_name, variant) => {
  let built: ReturnType<typeof build>;
  beforeAll(() => { built = build(variant); });

  /** A flow of the graph with one part swapped for another pod, address, port or protocol: the near misses. */
  const nearMiss = () => fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 1000 })).map(([i, part, j]) => {
    const concrete = built.security.flows.filter((f) => f.from.kind !== 'anywhere' && f.to.kind !== 'anywhere');
    const f = concrete[i % concrete.length];
    const all = [...built.pods, ...built.externals];
    const stand = (end: FlowEnd) => all.find((e) => endMatches(end, e)) ?? all[j % all.length];
    const c = { from: stand(f.from), to: stand(f.to), port: f.port, protocol: f.protocol };
    if (part === 1) c.from = all[j % all.length];
    if (part === 2) c.to = all[j % all.length];
    if (part === 3) c.port = built.ports[j % built.ports.length];
    if (part === 4) c.protocol = f.protocol === 'TCP' ? 'UDP' : 'TCP';
    return c;
  }).filter((c) => c.from.kind === 'pod' || c.to.kind === 'pod');

  const connection = () => fc.tuple(
    fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.boolean(), fc.integer({ min: 0, max: 1000 }), fc.constantFrom('TCP', 'UDP'),
  ).map(([a, b, outward, p, protocol]) => {
    const pod = built.pods[a % built.pods.length];
    const other = [...built.pods, ...built.externals][b % (built.pods.length + built.externals.length)];
    const [from, to] = outward ? [pod, other] : [other, pod];
    return { from, to, port: built.ports[p % built.ports.length], protocol: protocol as 'TCP' | 'UDP' };
  });

  test('every flow from and to its own pods is admitted (the sampled property below is not vacuous)', () => {
    let checked = 0;
    for (const f of built.security.flows) {
      const stand = (end: FlowEnd) => (end.kind === 'anywhere' ? undefined : [...built.pods, ...built.externals].find((e) => endMatches(end, e)));
      const [from, to] = [stand(f.from), stand(f.to)];
      if (!from || !to) continue;
      checked += 1;
      expect(built.model.isAllowed(from, to, f.port, f.protocol)).toMatchObject({ allowed: true });
    }
    expect(checked).toBeGreaterThan(10);
  });

  test('every flow between its pods and addresses is admitted, and every other connection denied', () => {
    fc.assert(fc.property(fc.oneof(connection(), nearMiss()), ({ from, to, port, protocol }) => {
      const verdict = built.model.isAllowed(from, to, port, protocol);
      expect({ allowed: verdict.allowed, reason: verdict.reason }).toEqual({ allowed: reference(built.security.flows, built.namespace, from, to, port, protocol), reason: verdict.reason });
    }), RUNS);
  });

  test('random extra policies in the namespace never close an admitted connection, and open only what they admit', () => {
    const labelKeys = () => [...new Set(built.pods.flatMap((p) => Object.entries(p.labels).map(([k, v]) => `${k}=${v}`)))];
    const selector = fc.oneof(fc.constant({}), fc.integer({ min: 0, max: 1000 }).map((i) => {
      const [k, v] = labelKeys()[i % labelKeys().length].split('=');
      return { matchLabels: { [k]: v } };
    }));
    const rule = (side: 'from' | 'to') => fc.record({
      [side]: fc.array(fc.oneof(selector.map((s) => ({ podSelector: s })), fc.constant({ ipBlock: { cidr: '0.0.0.0/0', except: ['10.42.0.0/16'] } }), fc.constant({ namespaceSelector: {} })), { maxLength: 2 }),
      ports: fc.array(fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.constantFrom(53, 443, 8080, 8443) }), { maxLength: 2 }),
    }, { requiredKeys: [] });
    const policy = fc.record({ podSelector: selector, policyTypes: fc.subarray(['Ingress', 'Egress'], { minLength: 1 }), ingress: fc.array(rule('from'), { maxLength: 2 }), egress: fc.array(rule('to'), { maxLength: 2 }) });
    fc.assert(fc.property(fc.array(policy, { minLength: 1, maxLength: 3 }), fc.array(fc.oneof(connection(), nearMiss()), { minLength: 1, maxLength: 6 }), (extra, connections) => {
      const added = extra.map((spec, i) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `extra-${i}`, namespace: built.namespace }, spec }));
      const widened = new NetworkPolicyModel([...built.manifests, ...added], [{ name: 'kube-system' }]);
      for (const { from, to, port, protocol } of connections) {
        const before = built.model.isAllowed(from, to, port, protocol).allowed;
        const after = widened.isAllowed(from, to, port, protocol);
        if (before) expect(after.allowed).toBe(true);
        if (after.allowed && !before) expect(after.reason).toMatch(new RegExp(`NetworkPolicy ${built.namespace}/extra-\\d`));
      }
    }), RUNS);
  });
});
