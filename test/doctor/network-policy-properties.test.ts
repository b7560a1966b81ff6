/**
 * Property tests of the offline NetworkPolicy evaluator: for random policies (selectors, ipBlocks with exceptions,
 * numeric, ranged and named ports) and random pods and addresses, its verdict equals a brute-force reference written
 * independently from the Kubernetes documentation (addresses compared bit by bit, every rule of every policy tried).
 */
import fc from 'fast-check';
import { Endpoint, NetworkPolicyModel, PodEndpoint } from '../../lib/doctor/network-policy-model';

/** Fixed seed and bounded runs: deterministic in CI, about a second on 2 cores. */
const RUNS = { seed: 24, numRuns: 300 };

const NAMESPACES = ['a', 'b'];
const bits = (ip: string) => ip.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
const inCidr = (ip: string, cidr: string) => {
  const [net, prefix] = cidr.split('/');
  return bits(ip).slice(0, Number(prefix)) === bits(net).slice(0, Number(prefix));
};
const fromBits = (b: string) => [0, 8, 16, 24].map((i) => parseInt(b.slice(i, i + 8), 2)).join('.');

// Addresses and ranges live in 10.0.0.0/22, so that random ranges, exceptions and addresses often overlap.
const ip = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })).map(([c, d]) => `10.0.${c}.${d}`);
const cidrOf = (addr: string, prefix: number) => `${fromBits(bits(addr).slice(0, prefix).padEnd(32, '0'))}/${prefix}`;
const ipBlock = fc.tuple(ip, fc.constantFrom(22, 23, 24, 26, 29, 31), fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1023 })), { maxLength: 3 }))
  .map(([addr, prefix, holes]) => {
    const cidr = cidrOf(addr, prefix);
    // Each exception strictly inside the range: a longer prefix over an address of the range.
    const except = holes.filter(([extra]) => prefix + extra <= 32).map(([extra, offset]) => {
      const inside = fromBits(bits(addr).slice(0, prefix) + offset.toString(2).padStart(32 - prefix, '0').slice(-(32 - prefix)));
      return cidrOf(inside, prefix + extra);
    });
    return { cidr, ...(except.length > 0 ? { except } : {}) };
  });

const labels = fc.record({ app: fc.constantFrom('x', 'y'), tier: fc.constantFrom('x', 'y') }, { requiredKeys: [] });
const selector = fc.record({
  matchLabels: labels,
  matchExpressions: fc.array(fc.oneof(
    fc.record({ key: fc.constantFrom('app', 'tier'), operator: fc.constantFrom('In', 'NotIn'), values: fc.array(fc.constantFrom('x', 'y'), { minLength: 1, maxLength: 2 }) }),
    fc.record({ key: fc.constantFrom('app', 'tier'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
  ), { maxLength: 2 }),
}, { requiredKeys: [] });
const peer = fc.oneof(
  ipBlock.map((b) => ({ ipBlock: b })),
  selector.map((s) => ({ podSelector: s })),
  selector.map((s) => ({ namespaceSelector: s })),
  fc.tuple(selector, selector).map(([p, n]) => ({ podSelector: p, namespaceSelector: n })),
);
const portSpec = fc.oneof(
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP') }, { requiredKeys: [] }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.constantFrom(53, 80, 443, 8080) }, { requiredKeys: ['port'] }),
  fc.tuple(fc.constantFrom('TCP', 'UDP'), fc.constantFrom(53, 80, 443), fc.constantFrom(0, 1, 400, 8000)).map(([protocol, port, span]) => ({ protocol, port, endPort: port + span })),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.constant('web') }),
);
const rule = (side: 'from' | 'to') => fc.record({ [side]: fc.array(peer, { maxLength: 2 }), ports: fc.array(portSpec, { maxLength: 2 }) }, { requiredKeys: [] });
const policy = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  podSelector: selector,
  policyTypes: fc.subarray(['Ingress', 'Egress'], { minLength: 1 }),
  ingress: fc.array(rule('from'), { maxLength: 2 }),
  egress: fc.array(rule('to'), { maxLength: 2 }),
});
const pod: fc.Arbitrary<PodEndpoint> = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels,
  web: fc.option(fc.tuple(fc.constantFrom(80, 8080), fc.constantFrom('TCP', 'UDP')), { nil: undefined }),
}).map(({ namespace, labels: l, web }) => ({ kind: 'pod', namespace, labels: l, ports: web ? [{ name: 'web', containerPort: web[0], protocol: web[1] as 'TCP' | 'UDP' }] : [] }));
const endpoint: fc.Arbitrary<Endpoint> = fc.oneof(pod, ip.map((a): Endpoint => ({ kind: 'external', ip: a })));

type Spec = typeof policy extends fc.Arbitrary<infer T> ? T : never;

/** Kubernetes label selector semantics, straight from the API documentation. */
function selects(s: any, l: Record<string, string>): boolean {
  return Object.entries(s.matchLabels ?? {}).every(([k, v]) => l[k] === v)
    && (s.matchExpressions ?? []).every((e: any) => ({
      In: () => k(e, l) && e.values.includes(l[e.key]),
      NotIn: () => !k(e, l) || !e.values.includes(l[e.key]),
      Exists: () => k(e, l),
      DoesNotExist: () => !k(e, l),
    } as Record<string, () => boolean>)[e.operator]());
}
const k = (e: any, l: Record<string, string>) => Object.keys(l).includes(e.key);

/** The reference: every policy, every rule, every peer and every port tried one by one. */
function reference(policies: Spec[], from: Endpoint, to: Endpoint, port: number, protocol: string): boolean {
  const side = (direction: 'Ingress' | 'Egress', subject: Endpoint, other: Endpoint): boolean => {
    if (subject.kind !== 'pod') return true;
    const isolating = policies.filter((p) => p.namespace === subject.namespace && p.policyTypes.includes(direction) && selects(p.podSelector, subject.labels));
    if (isolating.length === 0) return true;
    return isolating.some((p) => (direction === 'Ingress' ? p.ingress : p.egress).some((r: any) => {
      const peers: any[] = r[direction === 'Ingress' ? 'from' : 'to'] ?? [];
      const ports: any[] = r.ports ?? [];
      const peerOk = peers.length === 0 || peers.some((pe) => {
        if (pe.ipBlock) return other.kind === 'external' && inCidr(other.ip, pe.ipBlock.cidr) && !(pe.ipBlock.except ?? []).some((e: string) => inCidr(other.ip, e));
        if (other.kind !== 'pod') return false;
        const nsOk = pe.namespaceSelector ? selects(pe.namespaceSelector, { 'kubernetes.io/metadata.name': other.namespace }) : other.namespace === p.namespace;
        return nsOk && (!pe.podSelector || selects(pe.podSelector, other.labels));
      });
      const portOk = ports.length === 0 || ports.some((ps) => {
        if ((ps.protocol ?? 'TCP') !== protocol) return false;
        if (ps.port === undefined) return true;
        if (ps.port === 'web') return to.kind === 'pod' && (to.ports ?? []).some((c) => c.name === 'web' && c.protocol === protocol && c.containerPort === port);
        return port >= ps.port && port <= (ps.endPort ?? ps.port);
      });
      return peerOk && portOk;
    }));
  };
  return side('Egress', from, to) && side('Ingress', to, from);
}

const manifest = (p: Spec, i: number) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `p${i}`, namespace: p.namespace }, spec: { ...p } });

test('the evaluator\'s verdict equals the brute-force reference for random policies, pods, addresses and ports', () => {
  fc.assert(fc.property(
    fc.array(policy, { maxLength: 4 }),
    fc.array(fc.tuple(endpoint, endpoint, fc.constantFrom(53, 80, 443, 8080, 8443), fc.constantFrom('TCP', 'UDP')), { minLength: 1, maxLength: 8 }),
    (policies, queries) => {
      const model = new NetworkPolicyModel(policies.map(manifest));
      for (const [from, to, port, protocol] of queries) {
        expect(model.isAllowed(from, to, port, protocol as 'TCP' | 'UDP').allowed).toBe(reference(policies, from, to, port, protocol));
      }
    },
  ), RUNS);
});

test('an address is inside a generated range exactly when its leading prefix bits match', () => {
  fc.assert(fc.property(ipBlock, ip, (block, addr) => {
    const model = new NetworkPolicyModel([manifest({ namespace: 'a', podSelector: {}, policyTypes: ['Egress'], ingress: [], egress: [{ to: [{ ipBlock: block }] }] }, 0)]);
    const expected = inCidr(addr, block.cidr) && !(block.except ?? []).some((e) => inCidr(addr, e));
    expect(model.isAllowed({ kind: 'pod', namespace: 'a', labels: {} }, { kind: 'external', ip: addr }, 443).allowed).toBe(expected);
  }), RUNS);
});
