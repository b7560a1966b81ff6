/**
 * The upgrade guide (docs/upgrades.md) keeps its promises: its values file moves a folder that holds the 1.18.1
 * output to the 1.19.0 upgrade, the refusal it quotes is what synth says without upgradeFrom, the folder it produces
 * passes `cdk8s-kasm validate`, the values without upgradeFrom then synthesize the plain 1.19.0 output, and every
 * `cdk8s-kasm` command and flag the guide shows exists.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { COMMANDS } from '../cli/main';
import { runCli } from './support/cli';
import { tempDir } from './support/servers';

jest.setTimeout(120000);

const GUIDE = fs.readFileSync(path.join(__dirname, '..', 'docs', 'upgrades.md'), 'utf8');
const SNIPPET = /<!-- upgrade-values-snippet -->\n```yaml\n([\s\S]*?)```/.exec(GUIDE)![1];

describe('docs/upgrades.md: the values-file walk from the 1.18.1 output to 1.19.0', () => {
  const dir = tempDir('kasm-guide');
  const out = path.join(dir, 'dist');
  const write = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };
  const values = yaml.load(SNIPPET) as Record<string, unknown>;

  test('step 2: the 1.18.1 output; step 3 without upgradeFrom is refused with the sentence the guide quotes', async () => {
    const old = write('old.yaml', yaml.dump({ version: '1.18.1', hostname: values.hostname }));
    expect((await runCli(['synth', '--variant', 'k3s-prod', '--values', old, '--out', out])).status).toBe(0);
    const { upgradeFrom, upgradeBackup, ...plain } = values;
    expect(upgradeFrom).toBe('1.18.1');
    expect(upgradeBackup).toBeDefined();
    const refused = await runCli(['synth', '--variant', 'k3s-prod', '--values', write('no-upgrade.yaml', yaml.dump(plain)), '--out', out]);
    expect(refused.status).not.toBe(0);
    const quoted = /Without `upgradeFrom`, the synth refuses: `([^`]*)`/.exec(GUIDE.replace(/\n/g, ' '))![1];
    expect(refused.stderr.replace(/\n/g, ' ')).toContain(quoted);
  });

  test('step 3: the guide\'s values file writes the pre-upgrade dump, its volume and the migration; validate finds nothing', async () => {
    const up = await runCli(['synth', '--variant', 'k3s-prod', '--values', write('my.yaml', SNIPPET), '--out', out]);
    expect(up.stderr).toBe('');
    expect(up.status).toBe(0);
    const upgrade = fs.readdirSync(path.join(out, 'k3s-prod', 'upgrade'));
    expect(upgrade).toContain('PersistentVolumeClaim.kasm-upgrade-backup.yaml');
    expect(upgrade.some((f) => /^Job\.kasm-pre-upgrade-1-18-1-to-1-19-0-[0-9a-f]{6}\.yaml$/.test(f))).toBe(true);
    const app = fs.readdirSync(path.join(out, 'k3s-prod', 'app'));
    expect(app.some((f) => /^Job\.kasm-db-migrate-1-18-1-to-1-19-0-[0-9a-f]{6}\.yaml$/.test(f))).toBe(true);
    expect(fs.readFileSync(path.join(out, 'k3s-prod', 'upgrade', 'PersistentVolumeClaim.kasm-upgrade-backup.yaml'), 'utf8')).toContain('storage: 20Gi');
    const validated = await runCli(['validate', out]);
    expect(validated.stdout).toContain('validate: no findings');
    expect(validated.status).toBe(0);
  });

  test('step 6: without upgradeFrom the same folder takes the plain 1.19.0 output (no upgrade phase)', async () => {
    const { upgradeFrom: _from, upgradeBackup: _backup, ...plain } = values;
    const done = await runCli(['synth', '--variant', 'k3s-prod', '--values', write('done.yaml', yaml.dump(plain)), '--out', out]);
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(fs.existsSync(path.join(out, 'k3s-prod', 'upgrade'))).toBe(false);
    expect(fs.readdirSync(path.join(out, 'k3s-prod', 'app')).some((f) => f.startsWith('Job.kasm-db-init-1-19-0-'))).toBe(true);
  });
});

test('every cdk8s-kasm command and flag docs/upgrades.md shows exists', async () => {
  const uses = [...GUIDE.matchAll(/cdk8s-kasm ([a-z]+)([^`\n]*)/g)].map((m) => ({ command: m[1], flags: [...m[2].matchAll(/(?<![\w-])--[a-z][-a-z]*/g)].map((f) => f[0]) }));
  expect(uses.length).toBeGreaterThanOrEqual(5);
  const names = COMMANDS.map((c) => c.name);
  for (const use of uses) {
    expect(names).toContain(use.command);
    const help = (await runCli([use.command, '--help'])).stdout;
    for (const flag of use.flags) expect(`${use.command} ${help}`).toContain(`${flag} `);
  }
});
