/** A component's pod as its contract entry describes it: the main container and its sidecars, and all their ports. */
import { ComponentContract, ContainerContract, PortContract } from './types';

/** One container of the pod with its name (the main one is named after the workload). */
export type PodContainer = ContainerContract & { readonly name: string };

/** The main container, then each sidecar, in pod order. */
export function podContainers(c: ComponentContract): PodContainer[] {
  return [{ ...c, name: c.workloadName }, ...(c.sidecars ?? [])];
}

/** Every port the pod declares, across its containers, in pod order. */
export function podPorts(c: ComponentContract): PortContract[] {
  return podContainers(c).flatMap((container) => container.ports);
}
