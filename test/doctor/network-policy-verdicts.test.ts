/** NetworkPolicyModel's verdicts word for word, its namespaces, pod extraction and refusals: what the doctor prints. */
import { NetworkPolicyModel, PodEndpoint } from '../../lib/doctor/network-policy-model';

const policy = (name: string, ns: string, spec: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
const nameless = (ns: string, labels: Record<string, string>, ports?: PodEndpoint['ports']): PodEndpoint => ({ kind: 'pod', namespace: ns, labels, ports });

// Every model is built inside its test, so Stryker attributes the coverage to the tests that use it.
function model() {
  return new NetworkPolicyModel([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kasm', labels: { team: 'kasm', tier: 'a' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
    { apiVersion: 'v2', kind: 'Namespace', metadata: { name: 'fake', labels: { team: 'kasm' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: {} },
    { apiVersion: 'v1', kind: 'Namespace' },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', labels: { team: 'kasm' } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'other' }, spec: { rules: [] } },
    policy('deny', 'kasm', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('api-in', 'kasm', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 1 }] }, { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }] }),
    policy('web-out', 'kasm', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }, { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] }] }),
    { apiVersion: 'networking.k8s.io/v1beta1', kind: 'NetworkPolicy', metadata: { name: 'ignored', namespace: 'kasm' }, spec: { podSelector: { matchLabels: { app: 'web' } }, egress: [{}] } },
    policy('ns-in', 'other', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'kasm' } } }] }] }),
  ], [{ name: 'kasm', labels: { tier: 'b' } }, { name: 'extra', labels: { team: 'kasm' } }, { name: 'bare' }]);
}
const web = () => nameless('kasm', { app: 'web', v: '1' });
const api = () => nameless('kasm', { app: 'api' }, [{ name: 'http', containerPort: 8080 }, { name: 'http', containerPort: 9053, protocol: 'UDP' }]);

describe('verdicts word for word', () => {
  test('admitted on both sides, by a named port resolved on the destination', () => {
    expect(model().isAllowed(web(), api(), 'http')).toEqual({
      allowed: true,
      reason: 'pod kasm/{app=web,v=1} -> pod kasm/{app=api} on http(8080)/TCP: ALLOWED; egress: allowed by NetworkPolicy kasm/web-out egress[0]; '
        + 'ingress: allowed by NetworkPolicy kasm/api-in ingress[1]',
    });
  });

  test('a numeric string is a port number, not a name', () => {
    expect(model().isAllowed(web(), api(), '8080').reason).toBe('pod kasm/{app=web,v=1} -> pod kasm/{app=api} on 8080/TCP: ALLOWED; '
      + 'egress: allowed by NetworkPolicy kasm/web-out egress[0]; ingress: allowed by NetworkPolicy kasm/api-in ingress[1]');
  });

  test('denied: the isolating policies are named, in order', () => {
    expect(model().isAllowed(api(), web(), 80)).toEqual({
      allowed: false,
      reason: 'pod kasm/{app=api} -> pod kasm/{app=web,v=1} on 80/TCP: DENIED; egress: no egress rule allows it; pod kasm/{app=api} is isolated for egress by kasm/deny; '
        + 'ingress: no ingress rule allows it; pod kasm/{app=web,v=1} is isolated for ingress by kasm/deny',
    });
    expect(model().isAllowed(nameless('kasm', { app: 'db' }), api(), 8080).reason).toBe('pod kasm/{app=db} -> pod kasm/{app=api} on 8080/TCP: DENIED; '
      + 'egress: no egress rule allows it; pod kasm/{app=db} is isolated for egress by kasm/deny; ingress: no ingress rule allows it; pod kasm/{app=api} is isolated for ingress by kasm/deny, kasm/api-in');
  });

  test('external ends and pods nobody isolates', () => {
    const m = model();
    expect(m.isAllowed(web(), { kind: 'external', ip: '203.0.113.9', name: 'idp' }, 443).reason).toBe('pod kasm/{app=web,v=1} -> idp on 443/TCP: ALLOWED; '
      + 'egress: allowed by NetworkPolicy kasm/web-out egress[1]; ingress: destination is external, NetworkPolicy does not apply');
    expect(m.isAllowed({ kind: 'external', ip: '198.51.100.1' }, nameless('free', { a: 'b' }), 22, 'SCTP').reason).toBe('external 198.51.100.1 -> pod free/{a=b} on 22/SCTP: ALLOWED; '
      + 'egress: source is external, NetworkPolicy does not apply; ingress: pod free/{a=b} is not isolated for ingress (no policy selects it)');
    expect(m.isAllowed({ kind: 'pod', namespace: 'free', labels: {}, name: 'job/x' }, { kind: 'external', ip: '10.0.0.1' }, 1).reason)
      .toBe('job/x -> external 10.0.0.1 on 1/TCP: ALLOWED; egress: job/x is not isolated for egress (no policy selects it); ingress: destination is external, NetworkPolicy does not apply');
  });

  test('a port name with digits in it is a name, also in the verdict', () => {
    const to = nameless('kasm', { app: 'x' }, [{ name: 'h2c80', containerPort: 80 }, { name: '80h', containerPort: 81 }]);
    expect(model().isAllowed({ kind: 'external', ip: '1.1.1.1' }, to, 'h2c80').reason).toMatch(/ on h2c80\(80\)\/TCP: /);
    expect(model().isAllowed({ kind: 'external', ip: '1.1.1.1' }, to, '80h').reason).toMatch(/ on 80h\(81\)\/TCP: /);
  });

  test('a named port only resolves with its protocol', () => {
    expect(model().isAllowed(web(), api(), 'http', 'UDP').reason).toBe('pod kasm/{app=web,v=1} -> pod kasm/{app=api} on http(9053)/UDP: DENIED; '
      + 'egress: allowed by NetworkPolicy kasm/web-out egress[0]; ingress: no ingress rule allows it; pod kasm/{app=api} is isolated for ingress by kasm/deny, kasm/api-in');
  });

  test.each<[string, unknown, unknown, number | string, string | undefined, string]>([
    ['an unknown protocol', { kind: 'external', ip: '1.1.1.1' }, { kind: 'external', ip: '1.1.1.2' }, 1, 'ICMP', 'unknown protocol \'ICMP\''],
    ['an unknown source kind', { kind: 'node' }, { kind: 'external', ip: '1.1.1.2' }, 1, undefined, 'unknown endpoint kind \'node\''],
    ['an unknown destination kind', { kind: 'external', ip: '1.1.1.2' }, { kind: 'service' }, 1, undefined, 'unknown endpoint kind \'service\''],
    ['a malformed address', { kind: 'external', ip: '1.1.1' }, { kind: 'external', ip: '1.1.1.2' }, 1, undefined, '\'1.1.1\' is not a valid IPv4 address'],
    ['port 0', { kind: 'external', ip: '1.1.1.1' }, { kind: 'external', ip: '1.1.1.2' }, 0, undefined, 'port 0 is out of range 1-65535'],
    ['port 65536 as text', { kind: 'external', ip: '1.1.1.1' }, { kind: 'external', ip: '1.1.1.2' }, '65536', undefined, 'port 65536 is out of range 1-65535'],
    ['port 1.5', { kind: 'external', ip: '1.1.1.1' }, { kind: 'external', ip: '1.1.1.2' }, 1.5, undefined, 'port 1.5 is out of range 1-65535'],
    ['a named port on an address', { kind: 'external', ip: '1.1.1.1' }, { kind: 'external', ip: '1.1.1.2' }, 'https', undefined, 'named port \'https\'/TCP does not exist on destination external 1.1.1.2'],
    ['a port name that starts with digits', { kind: 'external', ip: '1.1.1.1' }, { kind: 'external', ip: '1.1.1.2' }, '80x', undefined, 'named port \'80x\'/TCP does not exist on destination external 1.1.1.2'],
    ['a port name that ends with digits', { kind: 'external', ip: '1.1.1.1' }, { kind: 'external', ip: '1.1.1.2' }, 'x80', undefined, 'named port \'x80\'/TCP does not exist on destination external 1.1.1.2'],
    ['a named port the pod lacks', { kind: 'external', ip: '1.1.1.1' }, { kind: 'pod', namespace: 'kasm', labels: { app: 'x' } }, 'http', 'UDP', 'named port \'http\'/UDP does not exist on destination pod kasm/{app=x}'],
  ])('refuses %s', (_name, from, to, port, protocol, message) => {
    expect(() => model().isAllowed(from as any, to as any, port, protocol as any)).toThrow(new Error(message));
  });

  test('ports at the edges are asked about', () => {
    const m = model();
    expect(m.isAllowed({ kind: 'external', ip: '1.1.1.1' }, { kind: 'external', ip: '1.1.1.2' }, 65535).allowed).toBe(true);
    expect(m.isAllowed({ kind: 'external', ip: '1.1.1.1' }, { kind: 'external', ip: '1.1.1.2' }, '1').allowed).toBe(true);
  });
});

describe('namespaces and the policies that select a pod', () => {
  test('labels: the Namespace object (v1 only), then the extra declarations, then the automatic name label', () => {
    const m = model();
    expect(m.labelsOfNamespace('kasm')).toEqual({ team: 'kasm', tier: 'b', 'kubernetes.io/metadata.name': 'kasm' });
    expect(m.labelsOfNamespace('fake')).toEqual({ 'kubernetes.io/metadata.name': 'fake' });
    expect(m.labelsOfNamespace('extra')).toEqual({ team: 'kasm', 'kubernetes.io/metadata.name': 'extra' });
    expect(m.labelsOfNamespace('bare')).toEqual({ 'kubernetes.io/metadata.name': 'bare' });
    expect(m.labelsOfNamespace('nowhere')).toEqual({ 'kubernetes.io/metadata.name': 'nowhere' });
    expect(m.labelsOfNamespace('other')).toEqual({ 'kubernetes.io/metadata.name': 'other' });
  });

  test('a namespaceSelector admits pods of the namespaces it selects, declared or extra', () => {
    const m = model();
    const target = nameless('other', { app: 'x' });
    expect([m.isAllowed(api(), target, 1).allowed, m.isAllowed(nameless('extra', {}), target, 1).allowed, m.isAllowed(nameless('fake', {}), target, 1).allowed]).toEqual([false, true, false]);
    expect(m.isAllowed(nameless('extra', {}), target, 1).reason).toContain('ingress: allowed by NetworkPolicy other/ns-in ingress[0]');
  });

  test('policiesSelecting: per direction, only networking.k8s.io/v1 policies of the pod\'s namespace', () => {
    const m = model();
    expect(m.policiesSelecting(web(), 'egress')).toEqual(['kasm/deny', 'kasm/web-out']);
    expect(m.policiesSelecting(web(), 'ingress')).toEqual(['kasm/deny']);
    expect(m.policiesSelecting(api(), 'ingress')).toEqual(['kasm/deny', 'kasm/api-in']);
    expect(m.policiesSelecting(nameless('other', {}), 'ingress')).toEqual(['other/ns-in']);
    expect(m.policiesSelecting(nameless('other', {}), 'egress')).toEqual([]);
    expect(m.policiesSelecting(nameless('free', {}), 'egress')).toEqual([]);
  });
});

describe('podEndpoints', () => {
  test('each workload\'s pods: namespace, labels, every container port with TCP by default, init containers first', () => {
    const m = new NetworkPolicyModel([
      { kind: 'Deployment', metadata: { name: 'd', namespace: 'kasm' }, spec: { template: { metadata: { labels: { app: 'd' } }, spec: {
        initContainers: [{ name: 'i', ports: [{ name: 'init', containerPort: 1 }] }],
        containers: [{ name: 'c', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { containerPort: 80 }] }, { name: 'bare' }, null],
      } } } },
      { kind: 'Pod', metadata: { name: 'p' }, spec: {} },
    ]);
    expect(m.podEndpoints()).toEqual([
      {
        kind: 'pod', namespace: 'kasm', labels: { app: 'd' }, name: 'Deployment/kasm/d', workload: 'Deployment/kasm/d',
        ports: [{ name: 'init', containerPort: 1, protocol: 'TCP' }, { name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: undefined, containerPort: 80, protocol: 'TCP' }],
      },
      { kind: 'pod', namespace: 'default', labels: {}, ports: [], name: 'Pod/default/p', workload: 'Pod/default/p' },
    ]);
  });
});
