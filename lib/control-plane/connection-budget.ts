/**
 * The database connection budget (private to the control plane): every api and manager pod holds a pool
 * (`POSTGRES_POOL_SIZE` plus `POSTGRES_MAX_OVERFLOW`, 1.19: 10 + 20), so at the replicas an HPA may reach they can
 * ask for more connections than PostgreSQL's `max_connections` allows, and logins fail under load with "too many
 * clients". Checked at synth instead.
 */
import { IConstruct } from 'constructs';
import { addFindingCheck } from '../core/findings';
import { EnvContract } from '../contract/types';

/** Connections PostgreSQL keeps for superusers (its default), and what the Jobs (db-init, backups, upgrade) need. */
const RESERVED = 3;
const JOBS = 5;

/** One workload that opens database connections. */
export interface PoolUser {
  readonly workloadName: string;
  /** Pods at most (the HPA's maximum, or the fixed replicas). */
  readonly pods: number;
  readonly env: readonly EnvContract[];
}

/** Connections one pod may hold: pool plus overflow, when the release sets them; 0 otherwise. */
export function connectionsPerPod(env: readonly EnvContract[]): number {
  const value = (name: string) => {
    const e = env.find((v) => v.name === name);
    return e?.source.kind === 'literal' ? Number(e.source.value) : 0;
  };
  return value('POSTGRES_POOL_SIZE') + value('POSTGRES_MAX_OVERFLOW');
}

/** The finding when the pools do not fit `maxConnections`; `undefined` when they do, or nothing is known. */
export function connectionBudgetProblem(users: readonly PoolUser[], maxConnections: number | undefined): string | undefined {
  if (maxConnections === undefined) return undefined;
  const pools = users.map((u) => ({ ...u, each: connectionsPerPod(u.env) })).filter((u) => u.each > 0);
  if (pools.length === 0) return undefined;
  const demand = pools.reduce((sum, u) => sum + u.pods * u.each, 0) + JOBS;
  const available = maxConnections - RESERVED;
  if (demand <= available) return undefined;
  const detail = pools.map((u) => `${u.workloadName} ${u.pods} × ${u.each}`).join(', ');
  return `the database allows ${maxConnections} connections (max_connections, ${RESERVED} kept for superusers), but the pools `
    + `of ${detail} and ${JOBS} for the Jobs need ${demand} at the maximum replicas. Raise the database's maxConnections to at least `
    + `${demand + RESERVED} (the variants' databaseMaxConnections, values key database.maxConnections; KasmDatabase or CnpgDatabase `
    + 'maxConnections), or lower replicas or the HPA maximum';
}

/** Check the budget at synth (after KasmScaling set the HPA maxima), as a validation of `scope`. */
export function addConnectionBudgetCheck(scope: IConstruct, users: () => readonly PoolUser[], maxConnections: number | undefined): void {
  addFindingCheck(scope, () => {
    const message = connectionBudgetProblem(users(), maxConnections);
    return message === undefined ? [] : [{ rule: 'connection-budget', object: scope.node.path, message }];
  });
}
