/**
 * The contract's dependency graph resolved for one deployment (private to the control plane): which edges exist
 * given the components it deploys, and what each component's wait loops wait for.
 */
import { ComponentContract, ComponentId, ExternalPeer, KasmContract } from '../contract/types';
import { ResolvedEdge } from './interface';
import { WaitTarget } from './wait';

const isExternal = (end: ComponentId | ExternalPeer): end is ExternalPeer => (Object.values(ExternalPeer) as string[]).includes(end);

/** The contract's edges whose ends are both deployed, each end resolved to pod labels or an external peer. */
export function resolveEdges(contract: KasmContract, selectorOf: (id: ComponentId) => Record<string, string>,
  deployed: (id: ComponentId) => boolean): ResolvedEdge[] {
  const present = (end: ComponentId | ExternalPeer) => isExternal(end) || deployed(end);
  const resolve = (end: ComponentId | ExternalPeer) => (isExternal(end) ? end : selectorOf(end));
  return contract.edges
    .filter((e) => present(e.from) && present(e.to))
    .map((edge) => ({ edge, from: resolve(edge.from), to: resolve(edge.to) }));
}

/** The wait targets of a component, in the contract's order; the database is addressed as the pods reach it. */
export function waitTargetsOf(edges: readonly ResolvedEdge[], id: ComponentId, contractOf: (id: ComponentId) => ComponentContract,
  database: { host: string; port: number }): WaitTarget[] {
  return edges
    .filter((e) => e.edge.from === id && e.edge.waitFor !== undefined)
    .map(({ edge }) => {
      const check = edge.waitFor!;
      if (edge.to === ComponentId.DB) return { check, targetName: 'database', host: database.host, port: database.port };
      const target = contractOf(edge.to as ComponentId);
      const health = target.readiness;
      return {
        check,
        targetName: target.workloadName,
        host: target.serviceName,
        port: edge.port,
        ...(health.kind === 'http' ? { path: health.path, scheme: health.scheme } : {}),
      };
    });
}
