/** network-policy-parse.ts on its own: selectors, addresses, CIDRs, manifest lists, and each refusal of parsePolicy with its place. */
import { flatten, matchesSelector, parseCidr, parseIpv4, parsePolicy } from '../../lib/doctor/network-policy-parse';

const policy = (spec: unknown, metadata: unknown = { name: 'p', namespace: 'kasm' }) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec });
const problem = (spec: unknown): string => {
  try {
    parsePolicy(policy(spec));
  } catch (e) {
    return (e as Error).message;
  }
  return 'parsed';
};

describe('matchesSelector', () => {
  test('an unknown operator is an error, not a match or a miss', () => {
    expect(() => matchesSelector({ matchExpressions: [{ key: 'a', operator: 'Exist' }] }, { a: '1' })).toThrow(new Error('unknown label selector operator \'Exist\''));
  });
  test('In without values matches nothing; NotIn without values matches everything', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }, { a: '' })).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'a', operator: 'NotIn' }] }, { a: '' })).toBe(true);
  });
});

describe('parseIpv4 and parseCidr', () => {
  test.each([
    ['1.2.3', '\'1.2.3\' is not a valid IPv4 address'], ['1.2.3.4x', '\'1.2.3.4x\' is not a valid IPv4 address'], ['x1.2.3.4', '\'x1.2.3.4\' is not a valid IPv4 address'],
    ['1.2.3.256', '\'1.2.3.256\' is not a valid IPv4 address'], ['', '\'\' is not a valid IPv4 address'], ['::1', 'IPv6 address \'::1\' is not supported by this NetworkPolicy model (IPv4 only)'],
  ])('address %j is refused', (ip, message) => {
    expect(() => parseIpv4(ip)).toThrow(new Error(message));
  });
  test('addresses as unsigned numbers', () => {
    expect([parseIpv4('0.0.0.0'), parseIpv4('255.255.255.255'), parseIpv4('10.1.2.3')]).toEqual([0, 0xffffffff, 0x0a010203]);
  });

  test.each([
    ['10.0.0.0', '\'10.0.0.0\' is not a CIDR (missing \'/prefix\')'], ['/8', '\'\' is not a valid IPv4 address'], ['10.0.0.0/33', '\'10.0.0.0/33\' has an invalid prefix length'],
    ['10.0.0.0/8x', '\'10.0.0.0/8x\' has an invalid prefix length'], ['10.0.0.0/x8', '\'10.0.0.0/x8\' has an invalid prefix length'],
    ['10.0.0.0/008', '\'10.0.0.0/008\' has an invalid prefix length'], ['10.0.0.0/', '\'10.0.0.0/\' has an invalid prefix length'],
  ])('CIDR %j is refused', (cidr, message) => {
    expect(() => parseCidr(cidr)).toThrow(new Error(message));
  });
  test('a CIDR keeps its text, masks its host bits, and reads /0 and /32', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ text: '10.1.2.3/8', network: 0x0a000000, prefix: 8 });
    expect(parseCidr('1.2.3.4/0')).toEqual({ text: '1.2.3.4/0', network: 0, prefix: 0 });
    expect(parseCidr('1.2.3.4/32')).toEqual({ text: '1.2.3.4/32', network: 0x01020304, prefix: 32 });
  });
});

describe('flatten', () => {
  test('unpacks *List objects with items, recursively, and skips what is not an object', () => {
    const a = { kind: 'NetworkPolicy', metadata: { name: 'a' } };
    const b = { kind: 'Pod', metadata: { name: 'b' } };
    expect(flatten([null, 'text', 5, undefined, a, { kind: 'List', items: [b, { kind: 'PodList', items: [a] }] }])).toEqual([a, b, a]);
  });
  test('keeps objects that only look like lists: no items array, a kind that is not text, a kind that only starts with List', () => {
    const kept = [{ kind: 'List', items: 'x' }, { kind: 5, items: [] }, { kind: 'ListOfThings', items: [{ kind: 'Pod' }] }, { items: [{ kind: 'Pod' }] }];
    expect(flatten(kept)).toEqual(kept);
  });
});

describe('parsePolicy', () => {
  test('defaults: the default namespace, a nameless id, an empty spec isolating ingress only', () => {
    expect(parsePolicy({ kind: 'NetworkPolicy' })).toEqual({
      id: 'default/?', namespace: 'default', podSelector: {}, ingressIsolating: true, egressIsolating: false, ingress: [], egress: [],
    });
    expect(parsePolicy(policy(undefined, { name: 'x' })).id).toBe('default/x');
    expect(parsePolicy(policy(undefined, { namespace: 'kasm' })).id).toBe('kasm/?');
  });

  test('each rule and peer as the model reads it: missing or empty lists mean every peer and every port', () => {
    const parsed = parsePolicy(policy({
      podSelector: { matchLabels: { app: 'a' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [null, {}, { from: [], ports: [] }, {
        from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }, { podSelector: { matchExpressions: [{ key: 'k', operator: 'Exists' }] } }],
        ports: [{ port: 'http' }, { protocol: 'UDP', port: 53 }, { port: 8000, endPort: 8010 }, { protocol: 'SCTP' }],
      }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { ipBlock: { cidr: '192.168.0.0/16' } }] }],
    }));
    expect(parsed.ingress).toEqual([
      { peers: undefined, ports: undefined },
      { peers: undefined, ports: undefined },
      { peers: undefined, ports: undefined },
      {
        peers: [{ podSelector: undefined, namespaceSelector: { matchLabels: { team: 'x' } } }, { podSelector: { matchExpressions: [{ key: 'k', operator: 'Exists' }] }, namespaceSelector: undefined }],
        ports: [
          { protocol: 'TCP', port: 'http', endPort: undefined }, { protocol: 'UDP', port: 53, endPort: undefined },
          { protocol: 'TCP', port: 8000, endPort: 8010 }, { protocol: 'SCTP', port: undefined, endPort: undefined },
        ],
      },
    ]);
    expect(parsed.egress).toEqual([{
      peers: [
        { ipBlock: { cidr: { text: '10.0.0.0/8', network: 0x0a000000, prefix: 8 }, except: [{ text: '10.1.0.0/16', network: 0x0a010000, prefix: 16 }] } },
        { ipBlock: { cidr: { text: '192.168.0.0/16', network: 0xc0a80000, prefix: 16 }, except: [] } },
      ],
      ports: undefined,
    }]);
    expect([parsed.ingressIsolating, parsed.egressIsolating]).toEqual([true, true]);
  });

  test('ports at the edges are accepted', () => {
    expect(problem({ ingress: [{ ports: [{ port: 1 }, { port: 65535 }, { port: 1, endPort: 65535 }, { port: 80, endPort: 80 }] }] })).toBe('parsed');
  });

  test.each([
    ['an unknown policy type', { policyTypes: ['Ingress', 'Egres'] }, 'unknown policyType \'Egres\''],
    ['a CIDR that is not text', { ingress: [{}, { from: [{ ipBlock: { cidr: 10 } }] }] }, 'ingress[1].from[0].ipBlock.cidr: must be a CIDR string'],
    ['a malformed CIDR', { egress: [{ to: [{ podSelector: {} }, { ipBlock: { cidr: '10.0.0/8' } }] }] }, 'egress[0].to[1].ipBlock.cidr: \'10.0.0\' is not a valid IPv4 address'],
    ['an except that is not text', { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', null] } }] }] }, 'egress[0].to[0].ipBlock.except[1]: must be a CIDR string'],
    ['an except equal to its cidr', { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }] }] }, 'egress[0].to[0].ipBlock.except[0]: \'10.0.0.0/8\' must be a strict subset of cidr \'10.0.0.0/8\''],
    ['an except outside its cidr', { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }] }, 'egress[0].to[0].ipBlock.except[0]: \'11.0.0.0/16\' must be a strict subset of cidr \'10.0.0.0/8\''],
    ['an ipBlock with a selector', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {} }] }] }, 'ingress[0].from[0]: ipBlock cannot be combined with podSelector/namespaceSelector'],
    ['an empty peer', { ingress: [{ from: [{}] }] }, 'ingress[0].from[0]: must specify a peer (podSelector, namespaceSelector or ipBlock)'],
    ['In without values', { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } }] }] }, 'ingress[0].from[0].podSelector: In needs values'],
    ['NotIn without values', { ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'a', operator: 'NotIn' }] } }] }] }, 'ingress[0].from[0].namespaceSelector: NotIn needs values'],
    ['Exists with values', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] } }, 'spec.podSelector: Exists must not have values'],
    ['DoesNotExist with values', { podSelector: { matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] } }, 'spec.podSelector: DoesNotExist must not have values'],
    ['an unknown operator', { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Within' }] } }] }] }, 'ingress[0].from[0].podSelector: unknown operator \'Within\''],
    ['an unknown protocol', { egress: [{ ports: [{ port: 1 }, { protocol: 'ICMP' }] }] }, 'egress[0].ports[1]: unknown protocol \'ICMP\''],
    ['a port that is neither number nor name', { ingress: [{ ports: [{ port: { n: 80 } }] }] }, 'ingress[0].ports[0]: invalid port'],
    ['port 0', { ingress: [{ ports: [{ port: 0 }] }] }, 'ingress[0].ports[0]: port 0 out of range'],
    ['port 65536', { ingress: [{ ports: [{ port: 65536 }] }] }, 'ingress[0].ports[0]: port 65536 out of range'],
    ['port 80.5', { ingress: [{ ports: [{ port: 80.5 }] }] }, 'ingress[0].ports[0]: port 80.5 out of range'],
    ['endPort with a named port', { ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }, 'ingress[0].ports[0]: endPort requires a numeric port'],
    ['endPort without a port', { ingress: [{ ports: [{ endPort: 90 }] }] }, 'ingress[0].ports[0]: endPort requires a numeric port'],
    ['endPort below port', { ingress: [{ ports: [{ port: 80, endPort: 79 }] }] }, 'ingress[0].ports[0]: endPort 79 must be between port 80 and 65535'],
    ['endPort 65536', { egress: [{ ports: [{ port: 80, endPort: 65536 }] }] }, 'egress[0].ports[0]: endPort 65536 must be between port 80 and 65535'],
    ['endPort as text', { egress: [{ ports: [{ port: 80, endPort: '90' }] }] }, 'egress[0].ports[0]: endPort 90 must be between port 80 and 65535'],
  ])('refuses %s, naming the policy and the place', (_name, spec, message) => {
    expect(problem(spec)).toBe(`NetworkPolicy kasm/p: ${message}`);
  });
});
