/** `cdk8s-kasm plan --users N`: K3s nodes, agent VMs and database storage for a number of concurrent users. */
import { formatCapacityPlan, planCapacity } from '../planner/capacity';
import { FlagSpec, flagHelp, parseFlags, UsageError } from './args';

const FLAGS: FlagSpec[] = [
  { name: 'users', value: true, alias: 'u', description: 'concurrent users (required)' },
  { name: 'json', value: false, description: 'print the plan as JSON' },
  { name: 'help', value: false, alias: 'h', description: 'show this help' },
];

export const PLAN_HELP = `Usage: cdk8s-kasm plan --users N [--json]

Sizes a deployment for N concurrent users: K3s nodes, Kasm agent VMs and database storage (the ADD's table up to
200 users, a stated formula beyond).

${flagHelp(FLAGS)}
`;

/** Run the subcommand; returns the exit status. */
export function runPlan(argv: readonly string[], out: (text: string) => void): number {
  const flags = parseFlags(argv, FLAGS);
  if (flags.help) { out(PLAN_HELP); return 0; }
  if (flags.users === undefined) throw new UsageError('--users is required, e.g. --users 50');
  const users = Number(flags.users);
  if (!/^\d+$/.test(String(flags.users)) || !Number.isSafeInteger(users) || users < 1) {
    throw new UsageError(`--users '${flags.users}' is not accepted; pass a whole number of users from 1 to 100000`);
  }
  const plan = planCapacity({ concurrentUsers: users });
  out(flags.json ? `${JSON.stringify(plan, null, 2)}\n` : formatCapacityPlan(plan));
  return 0;
}
