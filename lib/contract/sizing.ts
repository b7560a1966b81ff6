/**
 * Resource building blocks of the release sizing tables, and the fixed figures of helper containers.
 */
import { ResourceContract, SizingContract } from './types';

/** Resources with the ephemeral-storage figures every official preset uses (50Mi requested, 2Gi limit). */
export function resources(cpuRequest: string, memoryRequest: string, cpuLimit: string, memoryLimit: string): ResourceContract {
  return { cpuRequest, memoryRequest, cpuLimit, memoryLimit, ephemeralStorageRequest: '50Mi', ephemeralStorageLimit: '2Gi' };
}

/** A sizing entry. */
export function sized(replicas: number, res: ResourceContract): SizingContract {
  return { replicas, resources: res };
}

/** Resources of every wait-for init container (the 1.18.1 chart's figures). */
export const WAIT_RESOURCES: ResourceContract = {
  cpuRequest: '10m', memoryRequest: '32Mi', cpuLimit: '200m', memoryLimit: '128Mi',
  ephemeralStorageRequest: '10Mi', ephemeralStorageLimit: '64Mi',
};

/** Resources of the db-init Job (a one-shot python seed run). */
export const DB_INIT_RESOURCES: ResourceContract = resources('100m', '128Mi', '1000m', '512Mi');
