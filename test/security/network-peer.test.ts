/** NetworkPeer and its CIDR arithmetic: addresses inside, on the edge and outside each range and each exception. */
import { Testing } from 'cdk8s';
import { K3sDev } from '../../charts';
import { ComponentId, NetworkPeer, NetworkPolicyModel } from '../../lib';
import { KasmConfigError } from '../../lib/core/config-error';
import { cidrContains, FlowEnd, sampleAddress } from '../../lib/security/network-peer';

const blocks = (peer: NetworkPeer) => (peer.end.kind === 'cidrs' ? peer.end.blocks : []);

describe('cidrContains', () => {
  test.each([
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.255.255.255/32', true],
    ['10.0.0.0/8', '10.128.0.0/9', true],
    ['10.0.0.0/8', '11.0.0.0/32', false],
    ['10.0.0.0/8', '9.255.255.255/32', false],
    ['10.0.0.0/8', '10.0.0.0/7', false],
    ['10.1.0.0/16', '10.0.0.0/8', false],
    ['0.0.0.0/0', '255.255.255.255/32', true],
    ['0.0.0.0/0', '0.0.0.0/0', true],
    ['192.168.1.7/32', '192.168.1.7/32', true],
    ['192.168.1.7/32', '192.168.1.6/32', false],
    ['192.168.1.6/31', '192.168.1.7/32', true],
    ['192.168.1.6/31', '192.168.1.8/32', false],
    ['128.0.0.0/1', '127.255.255.255/32', false],
    ['128.0.0.0/1', '128.0.0.0/32', true],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(cidrContains(outer, inner)).toBe(expected);
  });
});

describe('NetworkPeer.cidrs', () => {
  test('keeps each exception with the range that holds it, and drops those outside every range', () => {
    const peer = NetworkPeer.cidrs(['10.0.0.0/8', '192.168.0.0/16'], ['10.42.0.0/16', '192.168.7.0/24', '172.16.0.0/12'], 'agents');
    expect(peer.end).toEqual({
      kind: 'cidrs', name: 'agents',
      blocks: [{ cidr: '10.0.0.0/8', except: ['10.42.0.0/16'] }, { cidr: '192.168.0.0/16', except: ['192.168.7.0/24'] }],
    });
    expect(NetworkPeer.cidrs(['203.0.113.0/24']).end).toEqual({ kind: 'cidrs', name: 'cidrs', blocks: [{ cidr: '203.0.113.0/24', except: [] }] });
  });

  test.each([
    ['an exception equal to its range', ['10.42.0.0/16'], ['10.42.0.0/16'],
      'NetworkPeer except[0]: \'10.42.0.0/16\' covers all of cidrs[0] \'10.42.0.0/16\', which would then admit no address; pass exceptions strictly inside the ranges (a longer prefix than /16), or leave \'10.42.0.0/16\' out of cidrs'],
    ['an exception wider than its range', ['192.168.0.0/16', '10.42.1.0/24'], ['10.42.0.0/16'],
      'NetworkPeer except[0]: \'10.42.0.0/16\' covers all of cidrs[1] \'10.42.1.0/24\''],
    ['the whole address space excepted', ['203.0.113.0/24'], ['10.0.0.0/8', '0.0.0.0/0'], 'NetworkPeer except[1]: \'0.0.0.0/0\' covers all of cidrs[0]'],
    ['no range', [], [], 'NetworkPeer cidrs: [] is empty; pass at least one CIDR'],
    ['a malformed range', ['10.0.0.0/8', '10.0.0/8'], [], 'NetworkPeer cidrs[1]: \'10.0.0/8\' is not an IPv4 CIDR'],
    ['a range with host bits', ['10.0.0.1/8'], [], 'NetworkPeer cidrs[0]: \'10.0.0.1/8\' has host bits set'],
    ['a malformed exception', ['10.0.0.0/8'], ['10.42.0.0/16', '10.43.0.0/33'], 'NetworkPeer except[1]: \'10.43.0.0/33\' is not an IPv4 CIDR'],
    ['an exception outside every range but malformed', ['10.0.0.0/8'], ['300.0.0.0/8'], 'NetworkPeer except[0]: \'300.0.0.0/8\' is not an IPv4 CIDR'],
  ])('refuses %s, naming the prop, the value and what is accepted', (_name, cidrs, except, message) => {
    expect(() => NetworkPeer.cidrs(cidrs, except)).toThrow(message);
  });
});

describe('NetworkPeer.outsideCluster', () => {
  const cluster = ['10.42.0.0/16', '10.43.0.0/16'];

  test('removes the cluster\'s ranges and the given exceptions once each', () => {
    const peer = NetworkPeer.outsideCluster('Owner', 'ranges', ['10.0.0.0/8', '0.0.0.0/0'], cluster, 'x', ['10.43.0.0/16', '10.99.0.0/16']);
    expect(blocks(peer)).toEqual([
      { cidr: '10.0.0.0/8', except: ['10.43.0.0/16', '10.99.0.0/16', '10.42.0.0/16'] },
      { cidr: '0.0.0.0/0', except: ['10.43.0.0/16', '10.99.0.0/16', '10.42.0.0/16'] },
    ]);
    expect(peer.end.name).toBe('x');
  });

  test.each([
    ['a cluster range itself', ['10.42.0.0/16'], 'Owner ranges[0]: \'10.42.0.0/16\' lies inside the cluster\'s own range \'10.42.0.0/16\''],
    ['a part of the second cluster range', ['192.168.0.0/16', '10.43.8.0/24'], 'Owner ranges[1]: \'10.43.8.0/24\' lies inside the cluster\'s own range \'10.43.0.0/16\''],
    ['a malformed range', ['10.43.8.0'], 'Owner ranges[0]: \'10.43.8.0\' is not an IPv4 CIDR'],
  ])('refuses %s, naming the prop and what is accepted', (_name, cidrs, message) => {
    expect(() => NetworkPeer.outsideCluster('Owner', 'ranges', cidrs, cluster, 'x')).toThrow(message);
    expect(() => NetworkPeer.outsideCluster('Owner', 'ranges', cidrs, cluster, 'x')).toThrow(/pass ranges outside the cluster|IPv4 CIDR/);
  });

  test('the refusal says, in each caller\'s spelling, which setting holds the cluster ranges and how to name in-cluster peers', () => {
    let error: KasmConfigError | undefined;
    try {
      NetworkPeer.outsideCluster('Owner', 'ranges', ['10.42.1.0/24'], cluster, 'x');
    } catch (e) {
      error = e as KasmConfigError;
    }
    expect(error).toBeInstanceOf(KasmConfigError);
    expect(error!.message).toBe('Owner ranges[0]: \'10.42.1.0/24\' lies inside the cluster\'s own range \'10.42.0.0/16\' (ClusterProfile clusterCidrs), '
      + 'which policies never open by address; pass ranges outside the cluster, and name in-cluster peers with NetworkPeer.pods(namespace, labels)');
    expect(error!.inValuesFile('values.yaml', 'security.agentCidrs[0]', 'k3s-dev').message).toBe('values.yaml: security.agentCidrs[0]: \'10.42.1.0/24\' '
      + 'lies inside the cluster\'s own range \'10.42.0.0/16\' (cluster.clusterCidrs), which policies never open by address; pass ranges outside '
      + 'the cluster, and name in-cluster peers with namespace and podLabels (checked by Owner in k3s-dev)');
  });

  test('agent, server and RDP client ranges inside the pod CIDR fail at synth time instead of opening the pods', () => {
    expect(() => new K3sDev(Testing.app(), 'x', { agentCidrs: ['10.42.0.0/16'] })).toThrow(/^KasmSecurity agentCidrs\[0\]: '10\.42\.0\.0\/16' lies inside the cluster's own range/);
    expect(() => new K3sDev(Testing.app(), 'x', { serverCidrs: ['10.43.1.0/24'] })).toThrow(/^KasmSecurity serverCidrs\[0\]: '10\.43\.1\.0\/24' lies inside/);
    expect(() => new K3sDev(Testing.app(), 'x', { egress: [{ from: [ComponentId.API], to: NetworkPeer.cidrs(['10.42.5.0/24']), ports: [443] }] }))
      .toThrow(/^KasmSecurity egress\[0\]\.to\.cidrs\[0\]: '10\.42\.5\.0\/24' lies inside/);
  });

  test('an agent range holding the pod CIDR admits agents but not the pods', () => {
    const manifests = Testing.synth(new K3sDev(Testing.app(), 'x', { agentCidrs: ['10.0.0.0/8'] }));
    const model = new NetworkPolicyModel(manifests);
    const proxy = model.podEndpoints().find((p) => p.labels['app.kubernetes.io/name'] === 'kasm-proxy')!;
    const at = (ip: string) => model.isAllowed(proxy, { kind: 'external', ip }, 443).allowed;
    expect([at('10.0.0.1'), at('10.41.255.255'), at('10.42.0.0'), at('10.42.255.255'), at('10.43.0.10'), at('10.44.0.0'), at('11.0.0.0')])
      .toEqual([true, true, false, false, false, true, false]);
  });
});

describe('NetworkPeer.pods and the bundled peers', () => {
  test('the bundled peers select exactly the pods K3s and RKE2 label', () => {
    expect(NetworkPeer.k3sTraefik().end).toEqual({ kind: 'pods', name: 'traefik', namespace: 'kube-system', selector: { 'app.kubernetes.io/name': 'traefik' } });
    expect(NetworkPeer.rke2Traefik().end).toEqual({ kind: 'pods', name: 'traefik', namespace: 'kube-system', selector: { 'app.kubernetes.io/name': 'rke2-traefik' } });
    expect(NetworkPeer.rke2IngressNginx().end).toEqual({ kind: 'pods', name: 'ingress-nginx', namespace: 'kube-system', selector: { 'app.kubernetes.io/name': 'rke2-ingress-nginx' } });
    expect(NetworkPeer.kubeDns().end).toEqual({ kind: 'pods', name: 'kube-dns', namespace: 'kube-system', selector: { 'k8s-app': 'kube-dns' } });
    expect(NetworkPeer.pods('monitoring', { app: 'prometheus' }).end).toEqual({ kind: 'pods', name: 'peer', namespace: 'monitoring', selector: { app: 'prometheus' } });
  });

  test.each([
    ['a namespace that is not a DNS label', () => NetworkPeer.pods('Kube_System', { a: 'b' }), 'NetworkPeer namespace: \'Kube_System\' is not a valid Kubernetes name'],
    ['a label value with a space', () => NetworkPeer.pods('ns', { app: 'a b' }), 'NetworkPeer podLabels'],
    ['no labels', () => NetworkPeer.pods('ns', {}), 'NetworkPeer podLabels: {} is empty; name the pods'],
  ])('refuses %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('sampleAddress', () => {
  const end = (...b: { cidr: string; except?: string[] }[]): FlowEnd => ({ kind: 'cidrs', name: 'x', blocks: b });

  test.each([
    ['a host address, not the network address', end({ cidr: '192.168.10.0/24' }), '192.168.10.1'],
    ['the only address of a /32', end({ cidr: '203.0.113.9/32' }), '203.0.113.9'],
    ['the first address of a /31 (both are hosts)', end({ cidr: '203.0.113.8/31' }), '203.0.113.8'],
    ['past an exception holding the first host', end({ cidr: '10.0.0.0/8', except: ['10.0.0.0/16'] }), '10.1.0.0'],
    ['past exceptions one after the other', end({ cidr: '10.0.0.0/24', except: ['10.0.0.0/30', '10.0.0.4/30', '10.0.0.8/29'] }), '10.0.0.16'],
    ['the network address when every host is excepted', end({ cidr: '10.0.0.0/30', except: ['10.0.0.1/32', '10.0.0.2/31'] }), '10.0.0.0'],
    ['the last address when only it is left', end({ cidr: '10.0.0.0/30', except: ['10.0.0.0/31', '10.0.0.2/32'] }), '10.0.0.3'],
    ['a hole between exceptions of a large range', end({ cidr: '0.0.0.0/0', except: ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'] }), '10.0.0.0'],
    ['the next range when the first is wholly excepted', end({ cidr: '10.0.0.0/31', except: ['10.0.0.0/32', '10.0.0.1/32'] }, { cidr: '172.16.0.0/12' }), '172.16.0.1'],
    ['the first address of the address space, when the range has no exceptions at all', { kind: 'cidrs', name: 'x', blocks: [{ cidr: '0.0.0.0/32' }] } as FlowEnd, '0.0.0.0'],
    ['the last address of the address space', end({ cidr: '255.255.255.254/31', except: ['255.255.255.254/32'] }), '255.255.255.255'],
  ])('%s', (_name, e, expected) => {
    expect(sampleAddress(e)).toBe(expected);
  });

  test('nothing when every address is excepted, or the end is not a range', () => {
    expect(sampleAddress(end({ cidr: '10.0.0.0/30', except: ['10.0.0.0/31', '10.0.0.2/31'] }))).toBeUndefined();
    expect(sampleAddress(NetworkPeer.kubeDns().end)).toBeUndefined();
    expect(sampleAddress({ kind: 'anywhere', name: 'api' })).toBeUndefined();
  });
});
