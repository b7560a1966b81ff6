/**
 * Capacity planning from the number of concurrent users (docs/variants.md, "Capacity").
 *
 * Up to 200 users it reproduces the sizing table below exactly. Past 200 it extends the table's largest row with the ratios
 * that row implies: one K3s node per 40 users, one agent VM per 20 users, and 1 GiB of database storage per user
 * (rounded up to whole 10 GiB). At 200 users the formula and the table agree (5 nodes, 10 agent VMs, 200 GiB).
 */
import { fail } from '../core/validation';

/** Input of {@link planCapacity}. */
export interface CapacityInput {
  /** Users with a desktop open at the same time. */
  readonly concurrentUsers: number;
}

/** What a deployment of that size needs. */
export interface CapacityPlan {
  readonly concurrentUsers: number;
  /** K3s nodes for the control plane (servers plus agents). */
  readonly k3sNodes: number;
  /** Kasm agent VMs (outside the cluster) that host the desktops. */
  readonly agentVms: number;
  /** Size of the database volume, in GiB. */
  readonly databaseStorageGi: number;
  /** Which row of the table applies, or 'formula' past 200 users. */
  readonly basis: '1-10' | '10-50' | '50-200' | 'formula';
}

/** The sizing table: the upper bound of users per row and what the row needs. */
const TABLE: readonly { readonly upTo: number; readonly basis: CapacityPlan['basis']; readonly nodes: number; readonly agents: number; readonly storageGi: number }[] = [
  { upTo: 10, basis: '1-10', nodes: 1, agents: 1, storageGi: 10 },
  { upTo: 50, basis: '10-50', nodes: 3, agents: 3, storageGi: 50 },
  { upTo: 200, basis: '50-200', nodes: 5, agents: 10, storageGi: 200 },
];

/** Users one K3s node, one agent VM and one GiB of database storage serve past 200 users. */
export const USERS_PER_NODE = 40;
export const USERS_PER_AGENT_VM = 20;
export const DATABASE_GI_PER_USER = 1;

/** Plan nodes, agent VMs and database storage for `concurrentUsers`. */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const users = input?.concurrentUsers;
  if (typeof users !== 'number' || !Number.isInteger(users) || users < 1 || users > 100000) {
    fail('planCapacity', 'concurrentUsers', users, 'is not accepted; pass a whole number of users from 1 to 100000');
  }
  const row = TABLE.find((r) => users <= r.upTo);
  if (row) return { concurrentUsers: users, k3sNodes: row.nodes, agentVms: row.agents, databaseStorageGi: row.storageGi, basis: row.basis };
  return {
    concurrentUsers: users,
    k3sNodes: Math.ceil(users / USERS_PER_NODE),
    agentVms: Math.ceil(users / USERS_PER_AGENT_VM),
    databaseStorageGi: Math.ceil((users * DATABASE_GI_PER_USER) / 10) * 10,
    basis: 'formula',
  };
}

/** The plan as a small text table, for the CLI. */
export function formatCapacityPlan(plan: CapacityPlan): string {
  const rows: [string, string][] = [
    ['Concurrent users', String(plan.concurrentUsers)],
    ['K3s nodes', String(plan.k3sNodes)],
    ['Agent VMs', String(plan.agentVms)],
    ['Database storage', `${plan.databaseStorageGi} Gi`],
    ['Basis', plan.basis === 'formula'
      ? `formula (past 200 users: ${USERS_PER_NODE} users per node, ${USERS_PER_AGENT_VM} per agent VM, ${DATABASE_GI_PER_USER} GiB per user)`
      : `sizing table (lib/planner/capacity.ts), row ${plan.basis} users`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}
