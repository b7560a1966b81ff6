/**
 * The typed hatch for outbound traffic Kasm legitimately sends beyond the dependency graph: identity providers
 * (OIDC, SAML, LDAP), SMTP, the workspace registry, cloud autoscaling APIs, webhooks. Default deny stays; a rule
 * opens exactly the components, peer and ports it names.
 */
import { k8s } from 'cdk8s-plus-27';
import { ComponentId } from '../contract/types';
import { IKasmControlPlane } from '../control-plane/interface';
import { componentLabel, LABELS } from '../core/metadata';
import { assertInteger, assertPlainObject, fail, show } from '../core/validation';
import { Flow, NetworkPeer } from './network-peer';

/** L4 protocol of an egress rule. */
export enum EgressProtocol {
  TCP = 'TCP',
  UDP = 'UDP',
}

/** Outbound connections from some Kasm components to one peer. */
export interface EgressRule {
  /** Components whose pods open the connections, e.g. [ComponentId.API] for an OIDC provider. */
  readonly from: readonly ComponentId[];
  /** Where they go: `NetworkPeer.cidrs([...])` outside the cluster, `NetworkPeer.pods(...)` inside it. */
  readonly to: NetworkPeer;
  /** Destination ports, e.g. [443] or [389, 636]. */
  readonly ports: readonly number[];
  /** @default EgressProtocol.TCP */
  readonly protocol?: EgressProtocol;
  /** Why the traffic is needed; shown in the policy's `kasm.cdk8s.io/flows` annotation. @default 'opened by allowEgress' */
  readonly purpose?: string;
}

/** The flows and pod selector of one rule, checked against the control plane. */
export function egressRuleFlows(owner: string, prop: string, rule: EgressRule, cp: IKasmControlPlane): { flows: Flow[]; podSelector: k8s.LabelSelector } {
  assertPlainObject(owner, prop, rule, true);
  if (!Array.isArray(rule.from) || rule.from.length === 0) {
    fail(owner, `${prop}.from`, rule.from, `is not accepted; name the components that send the traffic, e.g. ['api']; deployed: ${cp.components.map(show).join(', ')}`);
  }
  rule.from.forEach((c, i) => {
    if (!cp.components.includes(c)) fail(owner, `${prop}.from[${i}]`, c, `is not a deployed component; accepted: ${cp.components.map(show).join(', ')}`);
  });
  if (!(rule.to instanceof NetworkPeer)) fail(owner, `${prop}.to`, rule.to, 'is not a NetworkPeer; use NetworkPeer.cidrs([...]) or NetworkPeer.pods(namespace, labels)');
  if (!Array.isArray(rule.ports) || rule.ports.length === 0) fail(owner, `${prop}.ports`, rule.ports, 'is not accepted; pass the destination ports, e.g. [443]');
  rule.ports.forEach((p, i) => assertInteger(owner, `${prop}.ports[${i}]`, p, 1, 65535));
  const protocol = rule.protocol ?? EgressProtocol.TCP;
  if (!Object.values(EgressProtocol).includes(protocol)) fail(owner, `${prop}.protocol`, protocol, 'is not one of \'TCP\', \'UDP\'');
  const purpose = rule.purpose ?? 'opened by allowEgress';
  if (typeof purpose !== 'string' || purpose.length === 0 || purpose.length > 200) fail(owner, `${prop}.purpose`, purpose, 'is not accepted; pass a short sentence of at most 200 characters');
  // Address ranges never include the cluster's own pods and Services: "the internet" must not mean "every pod".
  const to = rule.to.end.kind === 'cidrs'
    ? NetworkPeer.outsideCluster(owner, `${prop}.to.cidrs`, rule.to.end.blocks.map((b) => b.cidr), cp.cluster.clusterCidrs, rule.to.end.name, rule.to.end.blocks.flatMap((b) => b.except ?? [])).end
    : rule.to.end;
  const sources = [...new Set(rule.from)];
  const flows: Flow[] = sources.flatMap((c) => rule.ports.map((port): Flow => ({
    from: { kind: 'pods', name: componentLabel(c), namespace: cp.namespace, selector: cp.selectorOf(c) },
    to, port, protocol, purpose,
  })));
  const names = sources.map((c) => cp.selectorOf(c)[LABELS.name]).sort();
  return {
    flows,
    podSelector: {
      matchLabels: { [LABELS.instance]: cp.name },
      matchExpressions: [{ key: LABELS.name, operator: 'In', values: names }],
    },
  };
}
