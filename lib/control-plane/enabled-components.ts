/**
 * Which control-plane components deploy (private to the control plane): the release's components minus the ones the
 * props switch off, with every per-component option checked against the release.
 */
import { ComponentId, ScalingMode } from '../contract/types';
import { KasmVersion } from '../contract/version';
import { assertPodOptions } from '../core/pod-options';
import { assertInteger, fail, show } from '../core/validation';
import { KasmControlPlaneProps } from './props';

/** The components to deploy, in the release's order; throws KasmConfigError naming the prop on a bad option. */
export function enabledComponents(owner: string, version: KasmVersion, props: KasmControlPlaneProps): ComponentId[] {
  const available = Object.keys(version.contract.components).filter((c) => c !== ComponentId.DB) as ComponentId[];
  const hasShare = available.includes(ComponentId.SHARE);
  if (props.enableShare === true && !hasShare) {
    fail(owner, 'enableShare', true, `is not possible: Kasm ${version.version} does not ship Kasm Share (1.16.0 does)`);
  }
  const off = new Set<ComponentId>();
  if (props.enableGuac === false) off.add(ComponentId.GUAC);
  if (props.enableRdpGateway === false) off.add(ComponentId.RDP_GATEWAY);
  if (props.enableRdpHttpsGateway === false) off.add(ComponentId.RDP_HTTPS_GATEWAY);
  if (props.enableShare === false) {
    off.add(ComponentId.SHARE);
    // Redis exists only for Share; the 1.16 chart could leave the proxy waiting for a Share without Redis.
    off.add(ComponentId.REDIS);
  }
  for (const [key, opts] of Object.entries(props.components ?? {})) {
    const id = key as ComponentId;
    if (!available.includes(id)) {
      fail(owner, `components.${key}`, key, `is not a control-plane component of Kasm ${version.version}; accepted: `
        + `${available.map(show).join(', ')} (the database is sized on KasmDatabase)`);
    }
    if (off.has(id)) fail(owner, `components.${key}`, key, 'is configured but the component is disabled');
    assertPodOptions(owner, `components.${key}`, opts, version.contract.components[id]!.env.map((e) => e.name));
    if (opts?.replicas !== undefined) {
      assertInteger(owner, `components.${key}.replicas`, opts.replicas, 1, 100);
      if (version.contract.components[id]!.scaling === ScalingMode.FIXED && opts.replicas !== 1) {
        const why = version.contract.components[id]!.singleReplicaReason ?? 'this component keeps state in memory and runs as exactly 1 replica';
        fail(owner, `components.${key}.replicas`, opts.replicas, `is not accepted: ${why}`);
      }
    }
  }
  return available.filter((c) => !off.has(c));
}
