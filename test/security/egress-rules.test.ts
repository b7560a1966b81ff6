/** egressRuleFlows on its own: the flows and pod selector of one rule, and each refusal's full message. */
import { Testing } from 'cdk8s';
import { ComponentId, EgressProtocol, KasmControlPlane, KasmDatabase, NetworkPeer } from '../../lib';
import { EgressRule, egressRuleFlows } from '../../lib/security/egress';

// Built inside each test (not at describe time), so Stryker attributes the coverage to the tests that use it.
function controlPlane() {
  const chart = Testing.chart();
  return new KasmControlPlane(chart, 'cp', { database: new KasmDatabase(chart, 'db') });
}
const flowsOf = (rule: Partial<EgressRule> | undefined) => egressRuleFlows('Owner', 'egress[0]', rule as EgressRule, controlPlane());
const messageOf = (rule: unknown): string => {
  try {
    flowsOf(rule as EgressRule);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};
const internet = () => NetworkPeer.cidrs(['192.0.2.0/24'], [], 'idp');

describe('egressRuleFlows', () => {
  test('one flow per component and port, from the component\'s pods to the peer', () => {
    const { flows } = flowsOf({ from: [ComponentId.MANAGER, ComponentId.API, ComponentId.MANAGER], to: internet(), ports: [443, 636], purpose: 'LDAPS' });
    expect(flows.map((f) => `${f.from.name}->${f.to.name}:${f.port}/${f.protocol} ${f.purpose}`)).toEqual([
      'manager->idp:443/TCP LDAPS', 'manager->idp:636/TCP LDAPS', 'api->idp:443/TCP LDAPS', 'api->idp:636/TCP LDAPS',
    ]);
    expect(flows[0].from).toEqual({ kind: 'pods', name: 'manager', namespace: 'kasm', selector: controlPlane().selectorOf(ComponentId.MANAGER) });
  });

  test('the pod selector names the sending components, sorted, within this instance', () => {
    const { podSelector } = flowsOf({ from: [ComponentId.MANAGER, ComponentId.API], to: internet(), ports: [443] });
    expect(podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/instance': 'kasm' },
      matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['kasm-api', 'kasm-manager'] }],
    });
  });

  test('protocol and purpose default to TCP and "opened by allowEgress"; UDP is kept', () => {
    expect(flowsOf({ from: [ComponentId.API], to: internet(), ports: [53] }).flows[0]).toMatchObject({ protocol: 'TCP', purpose: 'opened by allowEgress' });
    expect(flowsOf({ from: [ComponentId.API], to: internet(), ports: [53], protocol: EgressProtocol.UDP }).flows[0].protocol).toBe('UDP');
  });

  test('an address range keeps its own exceptions and loses the cluster\'s ranges', () => {
    const to = NetworkPeer.cidrs(['0.0.0.0/0', '192.0.2.0/24'], ['192.0.2.128/25'], 'internet');
    expect(flowsOf({ from: [ComponentId.API], to, ports: [443] }).flows[0].to).toEqual({
      kind: 'cidrs', name: 'internet', blocks: [
        { cidr: '0.0.0.0/0', except: ['192.0.2.128/25', '10.42.0.0/16', '10.43.0.0/16'] },
        { cidr: '192.0.2.0/24', except: ['192.0.2.128/25'] },
      ],
    });
  });

  test('a range block without an except list (the FlowEnd type allows it) gets only the cluster\'s ranges', () => {
    const to = Object.assign(Object.create(NetworkPeer.prototype), { end: { kind: 'cidrs', name: 'raw', blocks: [{ cidr: '0.0.0.0/0' }] } }) as NetworkPeer;
    expect(flowsOf({ from: [ComponentId.API], to, ports: [443] }).flows[0].to).toEqual({
      kind: 'cidrs', name: 'raw', blocks: [{ cidr: '0.0.0.0/0', except: ['10.42.0.0/16', '10.43.0.0/16'] }],
    });
  });

  test('a pod peer is kept as it is (no cluster-range check applies to pods)', () => {
    const to = NetworkPeer.pods('monitoring', { app: 'loki' }, 'loki');
    expect(flowsOf({ from: [ComponentId.API], to, ports: [3100] }).flows[0].to).toEqual({ kind: 'pods', name: 'loki', namespace: 'monitoring', selector: { app: 'loki' } });
  });

  test('a purpose of 200 characters is accepted', () => {
    expect(flowsOf({ from: [ComponentId.API], to: internet(), ports: [443], purpose: 'p'.repeat(200) }).flows[0].purpose).toHaveLength(200);
  });
});

describe('egressRuleFlows refuses, with the whole message', () => {
  const deployed = '\'proxy\', \'api\', \'manager\', \'guac\', \'rdpGateway\', \'rdpHttpsGateway\'';
  test.each([
    ['no rule', undefined, 'Owner egress[0]: undefined is not accepted; pass an object of named settings'],
    ['no components', { from: [], to: internet(), ports: [443] },
      `Owner egress[0].from: [] is not accepted; name the components that send the traffic, e.g. ['api']; deployed: ${deployed}`],
    ['a component that is not deployed', { from: ['api', 'share'], to: internet(), ports: [443] },
      `Owner egress[0].from[1]: 'share' is not a deployed component; accepted: ${deployed}`],
    ['ports that are not a list', { from: ['api'], to: internet(), ports: 443 }, 'Owner egress[0].ports: 443 is not accepted; pass the destination ports, e.g. [443]'],
    ['no ports', { from: ['api'], to: internet(), ports: [] }, 'Owner egress[0].ports: [] is not accepted; pass the destination ports, e.g. [443]'],
    ['an empty purpose', { from: ['api'], to: internet(), ports: [443], purpose: '' },
      'Owner egress[0].purpose: \'\' is not accepted; pass a short sentence of at most 200 characters'],
    ['a purpose of 201 characters', { from: ['api'], to: internet(), ports: [443], purpose: 'p'.repeat(201) },
      `Owner egress[0].purpose: '${'p'.repeat(201)}' is not accepted; pass a short sentence of at most 200 characters`],
    ['a peer that is not a NetworkPeer', { from: ['api'], to: '192.0.2.0/24', ports: [443] },
      'Owner egress[0].to: \'192.0.2.0/24\' is not a NetworkPeer; use NetworkPeer.cidrs([...]) or NetworkPeer.pods(namespace, labels)'],
    ['a second port out of range', { from: ['api'], to: internet(), ports: [443, 65536] },
      'Owner egress[0].ports[1]: 65536 is not accepted; pass a whole number from 1 to 65535'],
    ['an unknown protocol', { from: ['api'], to: internet(), ports: [443], protocol: 'ICMP' }, 'Owner egress[0].protocol: \'ICMP\' is not one of \'TCP\', \'UDP\''],
    ['a range inside the cluster', { from: ['api'], to: NetworkPeer.cidrs(['192.0.2.0/24', '10.42.5.0/24']), ports: [443] },
      'Owner egress[0].to.cidrs[1]: \'10.42.5.0/24\' lies inside the cluster\'s own range \'10.42.0.0/16\' (ClusterProfile clusterCidrs), which policies never open by address; '
      + 'pass ranges outside the cluster, and name in-cluster peers with NetworkPeer.pods(namespace, labels)'],
    ['a purpose that is not text', { from: ['api'], to: internet(), ports: [443], purpose: 7 }, 'Owner egress[0].purpose: 7 is not accepted; pass a short sentence of at most 200 characters'],
  ])('%s', (_name, rule, message) => {
    expect(messageOf(rule)).toBe(message);
  });
});
