/** `cdk8s-kasm plan --users N`: K3s nodes, agent VMs and database storage for a number of concurrent users. */
import { formatCapacityPlan, planCapacity } from '../lib/planner/capacity';
import { FlagSpec, flagHelp, parseFlags } from './args';
import { Command, EXIT, UsageError } from './command';

const FLAGS: FlagSpec[] = [
  { name: 'users', short: 'u', value: 'N', help: 'concurrent users (required)' },
  { name: 'json', help: 'print the plan as JSON' },
  { name: 'help', short: 'h', help: 'show this help' },
];

const HELP = `Usage: cdk8s-kasm plan --users N [--json]

Sizes a deployment for N concurrent users: K3s nodes, Kasm agent VMs and database storage (a fixed sizing table up to
200 users, a stated formula beyond).

${flagHelp(FLAGS)}
`;

export const planCommand: Command = {
  name: 'plan',
  summary: 'size nodes, agent VMs and database storage for N concurrent users',
  help: HELP,
  run: async (argv, io) => {
    const flags = parseFlags('plan', argv, FLAGS);
    if (flags.help) { io.stdout(HELP); return EXIT.OK; }
    if (flags.users === undefined) throw new UsageError('--users is required, e.g. --users 50', 'plan');
    const users = Number(flags.users);
    if (!/^\d+$/.test(String(flags.users)) || !Number.isSafeInteger(users) || users < 1 || users > 100000) {
      throw new UsageError(`--users '${flags.users}' is not accepted; pass a whole number of users from 1 to 100000`, 'plan');
    }
    const plan = planCapacity({ concurrentUsers: users });
    io.stdout(flags.json ? `${JSON.stringify(plan, null, 2)}\n` : formatCapacityPlan(plan));
    return EXIT.OK;
  },
};
