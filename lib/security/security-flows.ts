/**
 * Who may talk to whom around one control plane: the flows its NetworkPolicies are written from (the dependency
 * graph, the entrances, DNS), and the connections the doctor checks those policies against, derived separately.
 */
import { ComponentId, ExternalPeer } from '../contract/types';
import { IKasmControlPlane, ResolvedEdge } from '../control-plane/interface';
import { componentLabel, LABELS } from '../core/metadata';
import { ConnectionEnd, ExpectedConnection } from '../doctor/declarations';
import type { IKasmFrontDoor } from '../ingress/interface';
import type { IKasmExposure } from '../ingress/rdp-exposure';
import { Flow, FlowEnd, NetworkPeer, sampleAddress } from './network-peer';

/** The ends and entrances of one control plane that the flows connect. */
export interface SecurityReach {
  readonly controlPlane: IKasmControlPlane;
  /** The agents' address ranges. @default - none: agent traffic stays closed */
  readonly agents?: NetworkPeer;
  /** The RDP/VNC/SSH servers' address ranges. @default - none: closed */
  readonly servers?: NetworkPeer;
  /** The front door, whose controller reaches the proxy. @default - none: nothing outside the namespace reaches the proxy */
  readonly frontDoor?: IKasmFrontDoor;
  /** Entrances besides the front door. */
  readonly exposures: readonly IKasmExposure[];
}

/**
 * Every connection the policies must admit, as the doctor checks it: the contract's edges resolved to pods and
 * sample addresses, independently of the flows the policies are written from, plus the entrances, the extra egress,
 * the database's own flows and DNS.
 */
export function expectedConnections(reach: SecurityReach, owner: string, extraEgress: readonly Flow[]): ExpectedConnection[] {
  const cp = reach.controlPlane;
  const address = (peer: NetworkPeer | undefined): ConnectionEnd | undefined => {
    const ip = peer ? sampleAddress(peer.end) : undefined;
    return ip ? { kind: 'address', endpoint: { kind: 'external', ip, name: peer!.end.name } } : undefined;
  };
  const pods = (e: FlowEnd | undefined): ConnectionEnd | undefined =>
    (e && e.kind === 'pods' ? { kind: 'pods', namespace: e.namespace, selector: e.selector, name: e.name } : undefined);
  const end = (e: ComponentId | ExternalPeer): ConnectionEnd | undefined => {
    if (e === ExternalPeer.AGENTS) return address(reach.agents);
    if (e === ExternalPeer.SERVERS) return address(reach.servers);
    if (e === ExternalPeer.INGRESS_CONTROLLER) return pods(reach.frontDoor?.controller.end);
    const id = e as ComponentId;
    if (id === ComponentId.DB) {
      const peer = cp.database.peer as NetworkPeer | undefined;
      if (!peer) return { kind: 'missing', reason: 'the database has no network peer, so no policy can admit its clients' };
      return peer.end.kind === 'cidrs' ? address(peer) ?? { kind: 'missing', reason: 'every address of the database peer is excepted' } : pods(peer.end)!;
    }
    return { kind: 'pods', namespace: cp.namespace, selector: cp.selectorOf(id), name: componentLabel(id) };
  };
  const out: ExpectedConnection[] = [];
  for (const resolved of cp.edges) {
    const { edge } = resolved;
    const from = pods(zoneEnd(cp, resolved, 'from')) ?? end(edge.from);
    const to = pods(zoneEnd(cp, resolved, 'to')) ?? end(edge.to);
    // Ends left unconfigured on purpose (no agent or server ranges, no front door) stay closed.
    if (!from || !to) continue;
    const port = edge.from === ExternalPeer.INGRESS_CONTROLLER && reach.frontDoor ? reach.frontDoor.backendPort : edge.port;
    out.push({ description: `${edge.from} -> ${edge.to}:${port} (${edge.purpose})${resolved.zone ? ` in zone ${resolved.zone}` : ''}`, from, to, port, protocol: 'TCP', owner });
  }
  for (const f of reach.exposures.flatMap((e) => e.inbound)) {
    const from = f.from.end.kind === 'cidrs' ? address(f.from) : pods(f.from.end);
    if (from) out.push({ description: `${f.from.end.name} -> ${f.component}:${f.port} (${f.purpose})`, from, to: end(f.component)!, port: f.port, protocol: 'TCP', owner });
  }
  for (const f of extraEgress) {
    const to = f.to.kind === 'cidrs' ? address(NetworkPeer.cidrs(f.to.blocks.map((b) => b.cidr), f.to.blocks.flatMap((b) => b.except ?? []), f.to.name)) : pods(f.to);
    if (to) out.push({ description: `${f.from.name} -> ${f.to.name}:${f.port} (${f.purpose})`, from: pods(f.from)!, to, port: f.port, protocol: f.protocol, owner });
  }
  for (const f of cp.database.ownFlows ?? []) {
    if (f.to.kind === 'anywhere') continue;
    const to = f.to.kind === 'pods' ? pods(f.to) : undefined;
    if (to && f.from.kind === 'pods') out.push({ description: `${f.from.name} -> ${f.to.name}:${f.port} (${f.purpose})`, from: pods(f.from)!, to, port: f.port, protocol: f.protocol, owner });
  }
  const dns = pods(cp.cluster.dns.end)!;
  for (const id of [...cp.components, ComponentId.DB_INIT]) {
    out.push({ description: `${id} -> cluster DNS (resolves Service and agent names)`, from: end(id)!, to: dns, port: 53, protocol: 'UDP', owner });
  }
  return out;
}

/** The dependency graph as flows: every in-cluster edge, the front door's controller, agents and servers, and DNS. */
export function graphFlows(reach: SecurityReach): Flow[] {
  const cp = reach.controlPlane;
  const end = (e: ComponentId | ExternalPeer): FlowEnd | undefined => {
    if (e === ExternalPeer.AGENTS) return reach.agents?.end;
    if (e === ExternalPeer.SERVERS) return reach.servers?.end;
    if (e === ExternalPeer.INGRESS_CONTROLLER) return reach.frontDoor?.controller.end;
    const id = e as ComponentId;
    // The database is wherever its peer says: our pods, pods in another namespace, or addresses outside.
    if (id === ComponentId.DB) return cp.database.peer.end;
    return { kind: 'pods', name: componentLabel(id), namespace: cp.namespace, selector: cp.selectorOf(id) };
  };
  const flows: Flow[] = [];
  for (const resolved of cp.edges) {
    const { edge } = resolved;
    const from = zoneEnd(cp, resolved, 'from') ?? end(edge.from);
    const to = zoneEnd(cp, resolved, 'to') ?? end(edge.to);
    if (!from || !to) continue;
    // The front door decides which proxy port its controller connects to (HTTP behind Traefik's TLS, or HTTPS).
    const port = edge.from === ExternalPeer.INGRESS_CONTROLLER && reach.frontDoor ? reach.frontDoor.backendPort : edge.port;
    flows.push({ from, to, port, protocol: 'TCP', purpose: edge.purpose });
  }
  for (const f of reach.exposures.flatMap((e) => e.inbound)) {
    flows.push({ from: f.from.end, to: end(f.component)!, port: f.port, protocol: 'TCP', purpose: f.purpose });
  }
  const all: FlowEnd = { kind: 'pods', name: 'all-pods', namespace: cp.namespace, selector: {} };
  for (const protocol of ['UDP', 'TCP'] as const) {
    flows.push({ from: all, to: cp.cluster.dns.end, port: 53, protocol, purpose: 'resolves Service and agent names' });
  }
  return flows;
}

/**
 * An end of an extra zone's edge that is one of that zone's own instances (its own pods and name, e.g. `proxy-eu`);
 * `undefined` for the first zone's edges and for shared ends, which resolve as usual.
 */
function zoneEnd(cp: IKasmControlPlane, resolved: ResolvedEdge, side: 'from' | 'to'): FlowEnd | undefined {
  const id = resolved.edge[side];
  const selector = resolved[side];
  if (!resolved.zone || typeof selector === 'string' || id === ComponentId.DB) return undefined;
  const own = selector[LABELS.name] !== cp.selectorOf(id as ComponentId)[LABELS.name];
  return own ? { kind: 'pods', name: `${componentLabel(id as ComponentId)}-${resolved.zone}`, namespace: cp.namespace, selector: { ...selector } } : undefined;
}
