/** The bin's `plan` command: once as a user runs it (a child process), the rest in process (test/support/cli.ts). */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { runCli } from '../support/cli';

const MAIN = path.join(__dirname, '..', '..', 'cli', 'main.ts');
const spawned = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
const run = (...args: string[]) => runCli(args);

describe('cdk8s-kasm plan', () => {
  test('prints the table', () => {
    const r = spawned('plan', '--users', '40');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Concurrent users  40\nK3s nodes         3\nAgent VMs         3\nDatabase storage  50 Gi\nBasis             sizing table (lib/planner/capacity.ts), row 10-50 users\n');
  });

  test('--json carries the same', async () => {
    const r = await run('plan', '--users=500', '--json');
    expect(JSON.parse(r.stdout)).toEqual({ concurrentUsers: 500, k3sNodes: 13, agentVms: 25, databaseStorageGi: 500, basis: 'formula' });
  });

  test.each([
    [['plan'], /--users is required/],
    [['plan', '--users', 'ten'], /--users 'ten' is not accepted; pass a whole number of users/],
    [['plan', '--users=-1'], /--users '-1' is not accepted/],
    [['plan', '--users', '-1'], /flag -u\/--users needs a value/],
    [['plan', '--nodes', '3'], /unknown flag '--nodes'; plan accepts -u\/--users, --json, -h\/--help/],
    [['nonsense'], /unknown command 'nonsense'/],
  ])('%j is a usage error (exit 2) that names the flag', async (args, message) => {
    const r = await run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('--help for the bin and the command', async () => {
    expect((await run('--help')).stdout).toMatch(/Commands:\n {2}diagnose .*\n {2}plan /);
    expect((await run('plan', '--help')).stdout).toMatch(/^Usage: cdk8s-kasm plan --users N/);
  });
});
