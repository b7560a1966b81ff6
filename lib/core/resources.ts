import { ResourceContract } from '../contract/types';
import { assertCpu, assertMemory, assertRequestWithinLimit } from './validation';

/**
 * Overrides of a container's requests and limits; unset fields keep the size preset's figures.
 */
export interface ResourceOverrides {
  /** CPU the scheduler reserves, e.g. '250m'. @default - the size preset's figure */
  readonly cpuRequest?: string;
  /** CPU the container may burst to, e.g. '1'. @default - the size preset's figure */
  readonly cpuLimit?: string;
  /** Memory the scheduler reserves, e.g. '256Mi'. @default - the size preset's figure */
  readonly memoryRequest?: string;
  /** Memory above which the container is OOM-killed, e.g. '1Gi'. @default - the size preset's figure */
  readonly memoryLimit?: string;
}

/**
 * Merge overrides into a preset and check every quantity, so a typo fails at synth instead of at admission.
 *
 * @throws KasmConfigError naming `<prop>.<field>` and the value when a quantity is malformed or a request
 *   exceeds its limit.
 */
export function resolveResources(owner: string, prop: string, preset: ResourceContract, overrides?: ResourceOverrides): ResourceContract {
  const o = overrides ?? {};
  if (o.cpuRequest !== undefined) assertCpu(owner, `${prop}.cpuRequest`, o.cpuRequest);
  if (o.cpuLimit !== undefined) assertCpu(owner, `${prop}.cpuLimit`, o.cpuLimit);
  if (o.memoryRequest !== undefined) assertMemory(owner, `${prop}.memoryRequest`, o.memoryRequest);
  if (o.memoryLimit !== undefined) assertMemory(owner, `${prop}.memoryLimit`, o.memoryLimit);
  const merged: ResourceContract = {
    ...preset,
    cpuRequest: o.cpuRequest ?? preset.cpuRequest,
    cpuLimit: o.cpuLimit ?? preset.cpuLimit,
    memoryRequest: o.memoryRequest ?? preset.memoryRequest,
    memoryLimit: o.memoryLimit ?? preset.memoryLimit,
  };
  assertRequestWithinLimit(owner, `${prop}.cpuRequest/cpuLimit`, merged.cpuRequest, merged.cpuLimit);
  assertRequestWithinLimit(owner, `${prop}.memoryRequest/memoryLimit`, merged.memoryRequest, merged.memoryLimit);
  return merged;
}

/** A volume's size as a Kubernetes quantity: whole gibibytes where it divides, else mebibytes rounded up. */
export function volumeQuantity(mebibytes: number): string {
  return mebibytes % 1024 === 0 ? `${mebibytes / 1024}Gi` : `${Math.ceil(mebibytes)}Mi`;
}
