/**
 * NetworkPolicies derived from a list of flows (the dependency graph plus DNS and the API server), never written
 * by hand: default deny for every pod of the namespace, then one allow rule per flow on exactly its port, on the
 * egress side of the source and the ingress side of the destination.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SyncWave, waveAnnotation } from '../core/metadata';
import { compareText } from '../core/order';
import { Flow, FlowEnd, NAMESPACE_NAME_LABEL } from './network-peer';

/** A NetworkPolicy peer for a flow end, seen from a policy in `namespace`. */
function peer(end: FlowEnd, namespace: string): k8s.NetworkPolicyPeer[] | undefined {
  switch (end.kind) {
    case 'pods':
      return [{
        podSelector: { matchLabels: { ...end.selector } },
        ...(end.namespace !== namespace ? { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: end.namespace } } } : {}),
      }];
    case 'cidrs':
      return end.blocks.map((b) => ({ ipBlock: { cidr: b.cidr, ...(b.except && b.except.length > 0 ? { except: [...b.except] } : {}) } }));
    // Stryker disable next-line ConditionalExpression,StringLiteral: without this case the switch falls through to undefined all the same
    case 'anywhere':
      return undefined;
  }
}

const key = (end: FlowEnd) => (end.kind === 'pods' ? `${end.namespace}/${end.name}` : end.name);

/** Props for {@link KasmNetworkPolicies}. */
export interface KasmNetworkPoliciesProps {
  readonly namespace: string;
  /** Prefix of the policy names. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly flows: readonly Flow[];
}

/**
 * The namespace's NetworkPolicies: `<name>-default-deny` for every pod, then per pod group one egress and one
 * ingress policy whose rules are exactly the flows that start or end there.
 */
export class KasmNetworkPolicies extends Construct {
  public readonly policies: k8s.KubeNetworkPolicy[] = [];

  constructor(scope: Construct, id: string, props: KasmNetworkPoliciesProps) {
    super(scope, id);
    const meta = (name: string, annotations: Record<string, string> = {}) => ({
      name, namespace: props.namespace, labels: { ...props.labels }, annotations: { ...waveAnnotation(SyncWave.NAMESPACE), ...annotations },
    });
    this.policies.push(new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: meta(`${props.name}-default-deny`),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    }));

    const local = (end: FlowEnd): end is Extract<FlowEnd, { kind: 'pods' }> => end.kind === 'pods' && end.namespace === props.namespace;
    const groups = new Map<string, { end: Extract<FlowEnd, { kind: 'pods' }>; egress: Flow[]; ingress: Flow[] }>();
    const group = (end: Extract<FlowEnd, { kind: 'pods' }>) => {
      const k = key(end);
      if (!groups.has(k)) groups.set(k, { end, egress: [], ingress: [] });
      return groups.get(k)!;
    };
    for (const f of props.flows) {
      if (local(f.from)) group(f.from).egress.push(f);
      if (local(f.to)) group(f.to).ingress.push(f);
    }

    const describe = (flows: Flow[]) => flows.map((f) => `${key(f.from)} -> ${key(f.to)}:${f.port}/${f.protocol} (${f.purpose})`).join('; ');
    for (const [, g] of [...groups.entries()].sort(([a], [b]) => compareText(a, b))) {
      const selector = { matchLabels: { ...g.end.selector } };
      const base = g.end.name;
      for (const direction of ['egress', 'ingress'] as const) {
        const flows = g[direction];
        if (flows.length === 0) continue;
        const rules = flows.map((f) => {
          const other = peer(direction === 'egress' ? f.to : f.from, props.namespace);
          const ports = [{ protocol: f.protocol, port: k8s.IntOrString.fromNumber(f.port) }];
          return direction === 'egress' ? { ...(other ? { to: other } : {}), ports } : { ...(other ? { from: other } : {}), ports };
        });
        this.policies.push(new k8s.KubeNetworkPolicy(this, `${base}-${direction}`, {
          metadata: meta(`${props.name}-${base}-${direction}`, { 'kasm.cdk8s.io/flows': describe(flows) }),
          spec: {
            podSelector: selector,
            policyTypes: [direction === 'egress' ? 'Egress' : 'Ingress'],
            ...(direction === 'egress' ? { egress: rules } : { ingress: rules }),
          },
        }));
      }
    }
  }
}

/** Props for {@link KasmEgressPolicy}. */
export interface KasmEgressPolicyProps {
  readonly namespace: string;
  /** Name of the policy. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Pods the policy selects (the sources of every flow). */
  readonly podSelector: k8s.LabelSelector;
  /** Flows starting at those pods. */
  readonly flows: readonly Flow[];
}

/**
 * One extra egress-only policy for traffic the dependency graph does not know (identity providers, SMTP, cloud APIs):
 * NetworkPolicies are additive, so it opens exactly its flows and leaves default deny and the graph's policies alone.
 */
export class KasmEgressPolicy extends Construct {
  public readonly policy: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: KasmEgressPolicyProps) {
    super(scope, id);
    const describe = props.flows.map((f) => `${key(f.from)} -> ${key(f.to)}:${f.port}/${f.protocol} (${f.purpose})`).join('; ');
    this.policy = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: {
        name: props.name, namespace: props.namespace, labels: { ...props.labels },
        annotations: { ...waveAnnotation(SyncWave.NAMESPACE), 'kasm.cdk8s.io/flows': describe },
      },
      spec: {
        podSelector: props.podSelector,
        policyTypes: ['Egress'],
        egress: props.flows.map((f) => {
          const to = peer(f.to, props.namespace);
          return { ...(to ? { to } : {}), ports: [{ protocol: f.protocol, port: k8s.IntOrString.fromNumber(f.port) }] };
        }),
      },
    });
  }
}
