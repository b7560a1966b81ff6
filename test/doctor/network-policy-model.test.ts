import {
  Endpoint,
  ExternalEndpoint,
  ipv4InCidr,
  matchesSelector,
  NetworkPolicyModel,
  PodEndpoint,
} from '../../lib/doctor/network-policy-model';

function policy(name: string, namespace: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

function namespace(name: string, labels: Record<string, string> = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function pod(ns: string, labels: Record<string, string>, ports?: PodEndpoint['ports']): PodEndpoint {
  return { kind: 'pod', namespace: ns, labels, ports, name: `${ns}/${Object.values(labels).join('-') || 'pod'}` };
}

function external(ip: string): ExternalEndpoint {
  return { kind: 'external', ip };
}

const web = pod('kasm', { app: 'web' });
const api = pod('kasm', { app: 'api' }, [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }]);
const other = pod('kasm', { app: 'other' });

function allowed(model: NetworkPolicyModel, from: Endpoint, to: Endpoint, port: number | string, proto?: 'TCP' | 'UDP' | 'SCTP') {
  return model.isAllowed(from, to, port, proto).allowed;
}

const defaultDenyIngress = policy('default-deny-ingress', 'kasm', { podSelector: {}, policyTypes: ['Ingress'] });
const defaultDenyEgress = policy('default-deny-egress', 'kasm', { podSelector: {}, policyTypes: ['Egress'] });

describe('isolation', () => {
  test('without policies everything is allowed and the reason says nobody is isolated', () => {
    const model = new NetworkPolicyModel([]);
    const v = model.isAllowed(web, api, 8080);
    expect(v.allowed).toBe(true);
    expect(v.reason).toContain('kasm/web is not isolated for egress');
    expect(v.reason).toContain('kasm/api is not isolated for ingress');
    expect(allowed(model, external('203.0.113.7'), api, 8080)).toBe(true);
    expect(allowed(model, api, external('203.0.113.7'), 443)).toBe(true);
  });

  test('default deny ingress blocks pods and external sources, but not egress', () => {
    const model = new NetworkPolicyModel([defaultDenyIngress]);
    const v = model.isAllowed(web, api, 8080);
    expect(v.allowed).toBe(false);
    expect(v.reason).toMatch(/DENIED/);
    expect(v.reason).toContain('no ingress rule allows it; kasm/api is isolated for ingress by kasm/default-deny-ingress');
    expect(allowed(model, external('203.0.113.7'), api, 8080)).toBe(false);
    expect(allowed(model, api, external('203.0.113.7'), 443)).toBe(true);
  });

  test('default deny egress blocks pods and external destinations, but not ingress from outside', () => {
    const model = new NetworkPolicyModel([defaultDenyEgress]);
    const v = model.isAllowed(web, api, 8080);
    expect(v.allowed).toBe(false);
    expect(v.reason).toContain('no egress rule allows it; kasm/web is isolated for egress by kasm/default-deny-egress');
    expect(allowed(model, api, external('203.0.113.7'), 443)).toBe(false);
    expect(allowed(model, external('203.0.113.7'), api, 8080)).toBe(true);
  });

  test('policies only isolate pods in their own namespace', () => {
    const model = new NetworkPolicyModel([defaultDenyIngress, defaultDenyEgress]);
    const elsewhere = pod('monitoring', { app: 'api' });
    expect(allowed(model, elsewhere, pod('monitoring', { app: 'x' }), 80)).toBe(true);
    expect(allowed(model, elsewhere, api, 8080)).toBe(false);
  });

  test('a pod not selected by any policy is unrestricted', () => {
    const model = new NetworkPolicyModel([
      policy('api-lockdown', 'kasm', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress', 'Egress'] }),
    ]);
    expect(allowed(model, web, other, 1234)).toBe(true);
    expect(allowed(model, web, external('198.51.100.1'), 443)).toBe(true);
    expect(allowed(model, web, api, 8080)).toBe(false);
    expect(allowed(model, api, web, 80)).toBe(false);
    expect(model.policiesSelecting(web, 'ingress')).toEqual([]);
    expect(model.policiesSelecting(api, 'egress')).toEqual(['kasm/api-lockdown']);
  });
});

describe('policyTypes defaulting', () => {
  test('a policy with only ingress rules and no policyTypes isolates ingress only', () => {
    const model = new NetworkPolicyModel([
      policy('p', 'kasm', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
    ]);
    expect(allowed(model, api, external('203.0.113.7'), 443)).toBe(true);
    expect(allowed(model, other, api, 8080)).toBe(false);
  });

  test('egress rules without policyTypes make the policy isolate BOTH directions', () => {
    const model = new NetworkPolicyModel([
      policy('p', 'kasm', { podSelector: { matchLabels: { app: 'api' } }, egress: [{ to: [{ podSelector: {} }] }] }),
    ]);
    expect(allowed(model, api, web, 80)).toBe(true);
    expect(allowed(model, api, external('203.0.113.7'), 443)).toBe(false);
    // Ingress defaulted in, with no ingress rules: a default deny for ingress.
    expect(allowed(model, web, api, 8080)).toBe(false);
  });

  test('an empty egress list does not add Egress (API defaulting checks for rules)', () => {
    const model = new NetworkPolicyModel([policy('p', 'kasm', { podSelector: {}, egress: [] })]);
    expect(allowed(model, api, external('203.0.113.7'), 443)).toBe(true);
    expect(allowed(model, web, api, 8080)).toBe(false);
  });

  test('explicit policyTypes [Egress] ignores ingress rules and does not isolate ingress', () => {
    const model = new NetworkPolicyModel([
      policy('p', 'kasm', { podSelector: {}, policyTypes: ['Egress'], ingress: [{}] }),
    ]);
    expect(allowed(model, external('203.0.113.7'), api, 8080)).toBe(true);
    expect(allowed(model, web, api, 8080)).toBe(false);
  });
});

describe('peers', () => {
  const allowFromWeb = policy('allow-web', 'kasm', {
    podSelector: { matchLabels: { app: 'api' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
  });

  test('podSelector alone selects pods in the policy namespace only', () => {
    const model = new NetworkPolicyModel([allowFromWeb]);
    const v = model.isAllowed(web, api, 8080);
    expect(v.allowed).toBe(true);
    expect(v.reason).toContain('allowed by NetworkPolicy kasm/allow-web ingress[0]');
    expect(allowed(model, other, api, 8080)).toBe(false);
    expect(allowed(model, pod('other-ns', { app: 'web' }), api, 8080)).toBe(false);
    expect(allowed(model, external('10.0.0.5'), api, 8080)).toBe(false);
  });

  test('an empty podSelector peer selects every pod of the policy namespace', () => {
    const model = new NetworkPolicyModel([
      policy('same-ns', 'kasm', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
    ]);
    expect(allowed(model, other, api, 1)).toBe(true);
    expect(allowed(model, pod('other-ns', { app: 'web' }), api, 1)).toBe(false);
  });

  test('namespaceSelector alone selects every pod in matching namespaces', () => {
    const model = new NetworkPolicyModel([
      namespace('ingress-nginx', { role: 'ingress' }),
      policy('from-ingress', 'kasm', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { role: 'ingress' } } }] }],
      }),
    ]);
    expect(allowed(model, pod('ingress-nginx', { anything: 'x' }), api, 8080)).toBe(true);
    expect(allowed(model, pod('other-ns', {}), api, 8080)).toBe(false);
    expect(allowed(model, web, api, 8080)).toBe(false);
  });

  test('an empty namespaceSelector selects pods in every namespace, never external IPs', () => {
    const model = new NetworkPolicyModel([
      policy('cluster', 'kasm', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
    ]);
    expect(allowed(model, pod('anywhere', {}), api, 8080)).toBe(true);
    expect(allowed(model, external('203.0.113.7'), api, 8080)).toBe(false);
  });

  describe('namespaceSelector + podSelector: one peer (AND) vs two peers (OR)', () => {
    const manifests = [namespace('team-a', { team: 'a' }), namespace('kasm')];
    const nsSel = { matchLabels: { team: 'a' } };
    const podSel = { matchLabels: { role: 'client' } };
    const and = new NetworkPolicyModel([
      ...manifests,
      policy('and', 'kasm', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: nsSel, podSelector: podSel }] }] }),
    ]);
    const or = new NetworkPolicyModel([
      ...manifests,
      policy('or', 'kasm', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: nsSel }, { podSelector: podSel }] }] }),
    ]);
    const clientInA = pod('team-a', { role: 'client' });
    const serverInA = pod('team-a', { role: 'server' });
    const clientInKasm = pod('kasm', { role: 'client' });
    const clientInB = pod('team-b', { role: 'client' });

    test.each([
      ['client in team-a', clientInA, true, true],
      ['non-client in team-a', serverInA, false, true],
      ['client in the policy namespace', clientInKasm, false, true],
      ['client in an unmatched namespace', clientInB, false, false],
    ])('%s: AND=%s OR=%s', (_name, source, andAllowed, orAllowed) => {
      expect(allowed(and, source as PodEndpoint, api, 8080)).toBe(andAllowed);
      expect(allowed(or, source as PodEndpoint, api, 8080)).toBe(orAllowed);
    });
  });

  test('namespaces get the automatic kubernetes.io/metadata.name label, Namespace labels and extra labels', () => {
    const model = new NetworkPolicyModel(
      [
        namespace('kasm', { 'pod-security.kubernetes.io/enforce': 'restricted' }),
        policy('by-name', 'kasm', {
          podSelector: {},
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }],
        }),
        policy('by-extra-label', 'kasm', {
          podSelector: {},
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: 'ingress' } } }] }],
        }),
      ],
      [{ name: 'traefik', labels: { purpose: 'ingress' } }],
    );
    expect(model.labelsOfNamespace('kasm')).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'kubernetes.io/metadata.name': 'kasm',
    });
    expect(allowed(model, pod('monitoring', {}), api, 8080)).toBe(true);
    expect(allowed(model, pod('traefik', {}), api, 8080)).toBe(true);
    expect(allowed(model, pod('elsewhere', {}), api, 8080)).toBe(false);
  });

  test('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
    const model = new NetworkPolicyModel([
      policy('expr', 'kasm', {
        podSelector: {},
        ingress: [{
          from: [{
            podSelector: {
              matchExpressions: [
                { key: 'tier', operator: 'In', values: ['front', 'edge'] },
                { key: 'env', operator: 'NotIn', values: ['dev'] },
                { key: 'team', operator: 'Exists' },
                { key: 'debug', operator: 'DoesNotExist' },
              ],
            },
          }],
        }],
      }),
    ]);
    const base = { tier: 'front', team: 'x' };
    expect(allowed(model, pod('kasm', base), api, 1)).toBe(true);
    expect(allowed(model, pod('kasm', { ...base, tier: 'edge', env: 'prod' }), api, 1)).toBe(true);
    expect(allowed(model, pod('kasm', { ...base, tier: 'back' }), api, 1)).toBe(false);
    expect(allowed(model, pod('kasm', { ...base, env: 'dev' }), api, 1)).toBe(false);
    expect(allowed(model, pod('kasm', { tier: 'front' }), api, 1)).toBe(false);
    expect(allowed(model, pod('kasm', { ...base, debug: '1' }), api, 1)).toBe(false);
  });

  test('matchLabels and matchExpressions are ANDed; an empty selector matches everything', () => {
    const sel = { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists' }] };
    expect(matchesSelector(sel, { a: '1', b: '' })).toBe(true);
    expect(matchesSelector(sel, { a: '1' })).toBe(false);
    expect(matchesSelector({}, {})).toBe(true);
  });
});

describe('rules', () => {
  test('an empty rule {} allows everything, including external sources', () => {
    const model = new NetworkPolicyModel([policy('all', 'kasm', { podSelector: {}, ingress: [{}] })]);
    expect(allowed(model, pod('x', {}), api, 1)).toBe(true);
    expect(allowed(model, external('203.0.113.7'), api, 65535, 'UDP')).toBe(true);
  });

  test('a rule with ports but no from allows every source on those ports', () => {
    const model = new NetworkPolicyModel([
      policy('p', 'kasm', { podSelector: {}, ingress: [{ from: [], ports: [{ port: 8080 }] }] }),
    ]);
    expect(allowed(model, external('203.0.113.7'), api, 8080)).toBe(true);
    expect(allowed(model, external('203.0.113.7'), api, 8081)).toBe(false);
  });

  test('two policies selecting the same pod are a union', () => {
    const model = new NetworkPolicyModel([
      policy('web-80', 'kasm', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 80 }] }],
      }),
      policy('other-443', 'kasm', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'other' } } }], ports: [{ port: 443 }] }],
      }),
    ]);
    expect(model.isAllowed(web, api, 80).reason).toContain('kasm/web-80 ingress[0]');
    expect(model.isAllowed(other, api, 443).reason).toContain('kasm/other-443 ingress[0]');
    expect(allowed(model, web, api, 443)).toBe(false);
    expect(allowed(model, other, api, 80)).toBe(false);
    expect(model.isAllowed(web, api, 443).reason).toContain('isolated for ingress by kasm/web-80, kasm/other-443');
  });

  test('egress and ingress must both allow', () => {
    const egressOnly = policy('web-egress', 'kasm', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }],
    });
    const model = new NetworkPolicyModel([egressOnly, defaultDenyIngress]);
    const v = model.isAllowed(web, api, 8080);
    expect(v.allowed).toBe(false);
    expect(v.reason).toContain('egress: allowed by NetworkPolicy kasm/web-egress egress[0]');
    expect(v.reason).toContain('ingress: no ingress rule allows it');
  });
});

describe('ports', () => {
  test('missing protocol means TCP; protocol must match', () => {
    const model = new NetworkPolicyModel([
      policy('p', 'kasm', { podSelector: {}, ingress: [{ ports: [{ port: 53 }, { protocol: 'SCTP', port: 9 }] }] }),
    ]);
    expect(allowed(model, web, api, 53)).toBe(true);
    expect(allowed(model, web, api, 53, 'UDP')).toBe(false);
    expect(allowed(model, web, api, 9, 'SCTP')).toBe(true);
    expect(allowed(model, web, api, 9)).toBe(false);
  });

  test('a port entry with a protocol but no port matches every port of that protocol', () => {
    const model = new NetworkPolicyModel([
      policy('p', 'kasm', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] }),
    ]);
    expect(allowed(model, web, api, 1, 'UDP')).toBe(true);
    expect(allowed(model, web, api, 65535, 'UDP')).toBe(true);
    expect(allowed(model, web, api, 1, 'TCP')).toBe(false);
  });

  test('endPort makes an inclusive range', () => {
    const model = new NetworkPolicyModel([
      policy('range', 'kasm', { podSelector: {}, ingress: [{ ports: [{ port: 30000, endPort: 30010 }] }] }),
    ]);
    expect(allowed(model, web, api, 29999)).toBe(false);
    expect(allowed(model, web, api, 30000)).toBe(true);
    expect(allowed(model, web, api, 30005)).toBe(true);
    expect(allowed(model, web, api, 30010)).toBe(true);
    expect(allowed(model, web, api, 30011)).toBe(false);
  });

  test('a named port in an ingress rule resolves against the destination pod', () => {
    const model = new NetworkPolicyModel([
      policy('named', 'kasm', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] }),
    ]);
    expect(allowed(model, web, api, 8080)).toBe(true);
    expect(allowed(model, web, api, 9090)).toBe(false);
    expect(model.isAllowed(web, api, 'http').reason).toContain('on http(8080)/TCP');
    // web declares no port named http, so nothing on web matches.
    expect(allowed(model, api, web, 8080)).toBe(false);
  });

  test('a named port in an egress rule also resolves against the DESTINATION pod', () => {
    const model = new NetworkPolicyModel([
      policy('named-egress', 'kasm', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [{ ports: [{ port: 'metrics' }] }],
      }),
    ]);
    expect(allowed(model, web, api, 9090)).toBe(true);
    expect(allowed(model, web, api, 'metrics')).toBe(true);
    expect(allowed(model, web, api, 8080)).toBe(false);
    // External destinations have no named ports.
    expect(allowed(model, web, external('203.0.113.7'), 9090)).toBe(false);
  });

  test('a named port only matches the container port of the same protocol', () => {
    const dns = pod('kasm', { app: 'dns' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }]);
    const model = new NetworkPolicyModel([
      policy('named-udp', 'kasm', { podSelector: {}, ingress: [{ ports: [{ port: 'dns' }] }] }),
    ]);
    expect(allowed(model, web, dns, 53, 'UDP')).toBe(false);
    const udp = new NetworkPolicyModel([
      policy('named-udp', 'kasm', { podSelector: {}, ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] }),
    ]);
    expect(allowed(udp, web, dns, 53, 'UDP')).toBe(true);
  });

  test('asking for a port name the destination does not declare throws', () => {
    const model = new NetworkPolicyModel([]);
    expect(() => model.isAllowed(web, api, 'grpc')).toThrow(/named port 'grpc'\/TCP does not exist/);
    expect(() => model.isAllowed(web, external('203.0.113.7'), 'https')).toThrow(/does not exist/);
    expect(() => model.isAllowed(web, api, 0)).toThrow(/out of range/);
  });
});

describe('DNS egress to kube-system/kube-dns', () => {
  const kubeSystem = [{ name: 'kube-system', labels: {} }];
  const dnsPolicy = policy('allow-dns', 'kasm', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }],
  });
  // Built per test (not once per describe), so a mutation tool attributes the parsing to the tests that rely on it.
  let model: NetworkPolicyModel;
  beforeEach(() => { model = new NetworkPolicyModel([dnsPolicy], kubeSystem); });
  const coredns = pod('kube-system', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }]);

  test('53/UDP and 53/TCP to kube-dns are allowed', () => {
    const v = model.isAllowed(web, coredns, 53, 'UDP');
    expect(v.allowed).toBe(true);
    expect(v.reason).toContain('egress: allowed by NetworkPolicy kasm/allow-dns egress[0]');
    expect(allowed(model, web, coredns, 53, 'TCP')).toBe(true);
  });

  test('54/UDP to kube-dns is denied', () => {
    expect(allowed(model, web, coredns, 54, 'UDP')).toBe(false);
  });

  test('other pods in kube-system and kube-dns look-alikes elsewhere are denied', () => {
    expect(allowed(model, web, pod('kube-system', { 'k8s-app': 'metrics-server' }), 53, 'UDP')).toBe(false);
    expect(allowed(model, web, pod('kasm', { 'k8s-app': 'kube-dns' }), 53, 'UDP')).toBe(false);
    expect(allowed(model, web, external('8.8.8.8'), 53, 'UDP')).toBe(false);
  });
});

describe('ipBlock', () => {
  let model: NetworkPolicyModel;
  beforeEach(() => {
    model = new NetworkPolicyModel([
      policy('internet', 'kasm', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress', 'Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }], ports: [{ port: 443 }] }],
        ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] }],
      }),
    ]);
  });

  test('egress to a CIDR minus except', () => {
    expect(allowed(model, web, external('203.0.113.7'), 443)).toBe(true);
    expect(allowed(model, web, external('10.1.2.3'), 443)).toBe(false);
    expect(allowed(model, web, external('192.168.255.255'), 443)).toBe(false);
    expect(allowed(model, web, external('11.0.0.0'), 443)).toBe(true);
    expect(allowed(model, web, external('203.0.113.7'), 80)).toBe(false);
  });

  test('ingress from a CIDR minus except', () => {
    expect(allowed(model, external('203.0.113.0'), web, 80)).toBe(true);
    expect(allowed(model, external('203.0.113.127'), web, 80)).toBe(true);
    expect(allowed(model, external('203.0.113.128'), web, 80)).toBe(false);
    expect(allowed(model, external('203.0.114.1'), web, 80)).toBe(false);
  });

  test('an ipBlock never matches an in-cluster pod (pod IPs are cluster-dependent)', () => {
    expect(allowed(model, web, api, 443)).toBe(false);
    expect(allowed(model, api, web, 80)).toBe(false);
  });

  test('ipv4InCidr boundaries', () => {
    expect(ipv4InCidr('0.0.0.0', '0.0.0.0/0')).toBe(true);
    expect(ipv4InCidr('255.255.255.255', '0.0.0.0/0')).toBe(true);
    expect(ipv4InCidr('10.255.255.255', '10.0.0.0/8')).toBe(true);
    expect(ipv4InCidr('11.0.0.0', '10.0.0.0/8')).toBe(false);
    expect(ipv4InCidr('192.0.2.1', '192.0.2.1/32')).toBe(true);
    expect(ipv4InCidr('192.0.2.2', '192.0.2.1/32')).toBe(false);
    expect(ipv4InCidr('172.31.0.1', '172.16.0.0/12')).toBe(true);
    expect(ipv4InCidr('172.32.0.1', '172.16.0.0/12')).toBe(false);
  });

  test('IPv6 and malformed addresses are rejected with a clear error', () => {
    expect(() => ipv4InCidr('2001:db8::1', '::/0')).toThrow(/IPv6/);
    expect(() => model.isAllowed(web, external('2001:db8::1'), 443)).toThrow(/IPv6/);
    expect(() => ipv4InCidr('256.0.0.1', '0.0.0.0/0')).toThrow(/not a valid IPv4/);
    expect(() => ipv4InCidr('10.0.0.1', '10.0.0.0/33')).toThrow(/prefix/);
  });
});

describe('validation of policies the API server would reject', () => {
  const build = (spec: any) => () => new NetworkPolicyModel([policy('bad', 'kasm', { podSelector: {}, ...spec })]);

  test.each([
    ['an empty peer', { ingress: [{ from: [{}] }] }, /must specify a peer/],
    ['ipBlock mixed with a selector', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }, /cannot be combined/],
    ['except outside cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }] }, /strict subset/],
    ['except equal to cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }] }] }, /strict subset/],
    ['an IPv6 cidr', { egress: [{ to: [{ ipBlock: { cidr: '::/0' } }] }] }, /IPv6/],
    ['endPort with a named port', { ingress: [{ ports: [{ port: 'http', endPort: 9000 }] }] }, /endPort requires a numeric port/],
    ['endPort below port', { ingress: [{ ports: [{ port: 9000, endPort: 8000 }] }] }, /endPort 8000/],
    ['an unknown protocol', { ingress: [{ ports: [{ protocol: 'ICMP', port: 1 }] }] }, /unknown protocol/],
    ['an unknown selector operator', { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] } }] }] }, /unknown operator/],
    ['In without values', { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }] }] }, /needs values/],
    ['an unknown policyType', { policyTypes: ['Both'] }, /unknown policyType/],
  ])('%s throws', (_name, spec, message) => {
    expect(build(spec)).toThrow(message as RegExp);
    expect(build(spec)).toThrow(/NetworkPolicy kasm\/bad/);
  });
});

describe('podEndpoints', () => {
  test('extracts pod templates with namespace, labels and container ports (including init containers)', () => {
    const model = new NetworkPolicyModel([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: 'kasm', labels: { ignored: 'yes' } },
        spec: {
          template: {
            metadata: { labels: { app: 'api' } },
            spec: {
              initContainers: [{ name: 'sidecar', restartPolicy: 'Always', ports: [{ name: 'proxy', containerPort: 15001 }] }],
              containers: [{ name: 'api', ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] }],
            },
          },
        },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'cleanup', namespace: 'kasm' },
        spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'cleanup' } }, spec: { containers: [{ name: 'c' }] } } } } },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'kasm' }, spec: {} },
    ]);
    const eps = model.podEndpoints();
    expect(eps).toEqual([
      {
        kind: 'pod',
        namespace: 'kasm',
        labels: { app: 'api' },
        ports: [
          { name: 'proxy', containerPort: 15001, protocol: 'TCP' },
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: undefined, containerPort: 53, protocol: 'UDP' },
        ],
        name: 'Deployment/kasm/api',
        workload: 'Deployment/kasm/api',
      },
      {
        kind: 'pod',
        namespace: 'kasm',
        labels: { app: 'cleanup' },
        ports: [],
        name: 'CronJob/kasm/cleanup',
        workload: 'CronJob/kasm/cleanup',
      },
    ]);
  });

  test('extracted endpoints feed isAllowed and name the workload in reasons', () => {
    const manifests = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: 'kasm' },
        spec: { template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', ports: [{ name: 'http', containerPort: 8080 }] }] } } },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'proxy', namespace: 'kasm' },
        spec: { template: { metadata: { labels: { app: 'proxy' } }, spec: { containers: [{ name: 'proxy' }] } } },
      },
      policy('api-from-proxy', 'kasm', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'proxy' } } }], ports: [{ port: 'http' }] }],
      }),
    ];
    const model = new NetworkPolicyModel(manifests);
    const [apiEp, proxyEp] = model.podEndpoints();
    const v = model.isAllowed(proxyEp, apiEp, 'http');
    expect(v.allowed).toBe(true);
    expect(v.reason).toBe(
      'Deployment/kasm/proxy -> Deployment/kasm/api on http(8080)/TCP: ALLOWED; '
      + 'egress: Deployment/kasm/proxy is not isolated for egress (no policy selects it); '
      + 'ingress: allowed by NetworkPolicy kasm/api-from-proxy ingress[0]',
    );
    expect(model.isAllowed(apiEp, proxyEp, 80).allowed).toBe(true);
    expect(model.isAllowed(proxyEp, apiEp, 9090).allowed).toBe(false);
  });
});
