/** Checks of declared node pools (plain-data callers included). */
import { assertCpu, assertInteger, assertMemory, assertPlainObject, fail } from '../core/validation';
import type { NodePool } from './fit';

/** Node pools as a values file or JavaScript caller might pass them. */
export function assertNodePools(owner: string, prop: string, pools: unknown): asserts pools is readonly NodePool[] {
  if (!Array.isArray(pools) || pools.length === 0) fail(owner, prop, pools, 'is not accepted; pass at least one pool, e.g. [{ count: 3, cpu: \'4\', memory: \'8Gi\' }]');
  pools.forEach((p, i) => {
    assertPlainObject(owner, `${prop}[${i}]`, p, true);
    assertInteger(owner, `${prop}[${i}].count`, p.count, 1, 1000);
    assertCpu(owner, `${prop}[${i}].cpu`, p.cpu);
    assertMemory(owner, `${prop}[${i}].memory`, p.memory);
  });
}
