/**
 * The package another repository installs: `npm pack` on this checkout (which builds on prepack), installed into a
 * fresh consumer project next to its peers, compiled by a strict `tsc` and synthesized; the bin runs from it. The
 * same tarball is installed into a copy of examples/platform-repo, whose `npm run synth` must produce valid YAML.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Manifest, podSpec } from '../support/manifests';

const ROOT = path.join(__dirname, '..', '..');
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
const versionOf = (name: string): string => lock.packages[`node_modules/${name}`].version;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// Without npm's own variables from `npm test` (they would point an install at this repository).
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
const EXAMPLE = path.join(ROOT, 'examples', 'platform-repo');

const CONSUMER_MAIN = `import { App } from 'cdk8s';
import { K3sDev } from 'cdk8s-kasm/charts';
import { ClusterProfile, KasmVersion } from 'cdk8s-kasm';

// Relative to the working directory, so the consumer needs no Node.js type definitions.
const app = new App({ outdir: 'manifests' });
new K3sDev(app, 'desktops', { version: KasmVersion.V1_18_1, hostname: 'desktops.example.com', cluster: ClusterProfile.k3s() });
app.synth();
`;

describe('the packed package', () => {
  let work: string;
  let tarball: string;
  let files: string[];

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-pack-'));
    const out = execFileSync(NPM, ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const info = JSON.parse(out.slice(out.indexOf('[')))[0];
    tarball = path.join(work, info.filename);
    files = info.files.map((f: { path: string }) => f.path);
  }, 240_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('ships the compiled library, its assets, README, the guides and LICENSE, and no TypeScript sources', () => {
    expect(files).toEqual(expect.arrayContaining([
      'LICENSE', 'README.md', 'docs/variants.md', 'docs/configuration.md', 'docs/security.md', 'package.json', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/charts/index.js', 'build/cli/main.js',
      'build/lib/security/generator/secret-generator.generated.js', 'build/lib/doctor/schemas/crds.json', 'build/cli/values/values.schema.json',
    ]));
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('dist/'))).toBe(false);
    // The guides only: not the generated API reference (linked from the README).
    expect(files.filter((f) => f.startsWith('docs/')).every((f) => /^docs\/[^/]+\.md$/.test(f))).toBe(true);
  });

  test('older module resolution (the cdk8s init template\'s `node`) finds the charts entry point through typesVersions', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.typesVersions['*'].charts).toEqual(['build/charts/index.d.ts']);
    expect(files).toContain('build/charts/index.d.ts');
  });

  test('a strict consumer installs it with its peers, compiles a chart and synthesizes it; the bin runs', () => {
    const consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
    fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'node16', moduleResolution: 'node16', outDir: 'out', skipLibCheck: true, types: [] },
      files: ['main.ts'],
    }, null, 2));
    fs.writeFileSync(path.join(consumer, 'main.ts'), CONSUMER_MAIN);
    // Without install scripts (cdk8s-plus-27's optional `backport` has one the consumer does not need).
    execFileSync(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball,
      `cdk8s@${versionOf('cdk8s')}`, `cdk8s-plus-27@${versionOf('cdk8s-plus-27')}`, `constructs@${versionOf('constructs')}`], { cwd: consumer, stdio: 'pipe', env: ENV });
    // One copy of each peer: the package must not bring its own cdk8s.
    expect(fs.existsSync(path.join(consumer, 'node_modules', 'cdk8s-kasm', 'node_modules', 'cdk8s'))).toBe(false);
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], { cwd: consumer, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const outdir = path.join(consumer, 'manifests');
    execFileSync(process.execPath, [path.join(consumer, 'out', 'main.js')], { cwd: consumer, stdio: 'pipe' });
    const yaml = fs.readFileSync(path.join(outdir, fs.readdirSync(outdir)[0]), 'utf8');
    expect(yaml).toContain('name: kasm-api');
    expect(yaml).toContain('desktops.example.com');
    const bin = spawnSync(path.join(consumer, 'node_modules', '.bin', 'cdk8s-kasm'), ['plan', '--users', '20'], { encoding: 'utf8' });
    expect(bin.status).toBe(0);
    expect(bin.stdout).toContain('K3s nodes         3');
    expect(spawnSync(path.join(consumer, 'node_modules', '.bin', 'cdk8s-kasm'), ['--help'], { encoding: 'utf8' }).stdout).toContain('Commands:');
    // `npx cdk8s-kasm diagnose --help`, as a user runs it from the installed package.
    const npx = spawnSync(NPM === 'npm' ? 'npx' : 'npx.cmd', ['--no-install', 'cdk8s-kasm', 'diagnose', '--help'], { cwd: consumer, encoding: 'utf8', env: ENV });
    expect(npx.status).toBe(0);
    expect(npx.stdout).toMatch(/diagnose/);
  }, 240_000);

  test('examples/platform-repo installs the tarball, synthesizes its two installs, and the YAML is valid and restricted', () => {
    // The example pins the peers this repository tests with (so the install comes from npm's cache) and depends on
    // the tarball `npm pack` writes for the current version.
    const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
    expect(example.dependencies).toEqual({
      'cdk8s': versionOf('cdk8s'), 'cdk8s-kasm': `file:${path.basename(tarball)}`, 'cdk8s-plus-27': versionOf('cdk8s-plus-27'), 'constructs': versionOf('constructs'),
    });
    expect(example.devDependencies).toEqual({ typescript: versionOf('typescript') });
    const repo = path.join(work, 'platform-repo');
    fs.mkdirSync(repo);
    for (const f of ['package.json', 'tsconfig.json', 'main.ts']) fs.copyFileSync(path.join(EXAMPLE, f), path.join(repo, f));
    fs.copyFileSync(tarball, path.join(repo, path.basename(tarball)));
    execFileSync(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], { cwd: repo, stdio: 'pipe', env: ENV });
    // Synth runs the package's doctor and checks: it throws on any finding, so a clean exit means the doctor passed.
    const synth = spawnSync(NPM, ['run', '-s', 'synth'], { cwd: repo, encoding: 'utf8', env: ENV });
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);

    const load = (dir: string): Manifest[] => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
      .filter((f) => f.endsWith('.yaml')).map((f) => yaml.load(fs.readFileSync(path.join(dir, f), 'utf8')) as Manifest);
    const dist = path.join(repo, 'dist');
    const prod = load(path.join(dist, 'prod'));
    const lab = load(path.join(dist, 'lab'));
    const kinds = (docs: Manifest[]) => new Set(docs.map((d) => d.kind));
    expect([...kinds(prod)]).toEqual(expect.arrayContaining(['Namespace', 'StatefulSet', 'Deployment', 'Service', 'NetworkPolicy',
      'Ingress', 'Certificate', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'CronJob', 'HelmChartConfig', 'Kustomization']));
    expect([...kinds(lab)]).toEqual(expect.arrayContaining(['Namespace', 'StatefulSet', 'Deployment', 'NetworkPolicy', 'Ingress', 'HelmChartConfig']));
    expect(kinds(lab).has('HorizontalPodAutoscaler')).toBe(false);
    // Each install lives in its own namespace; only Traefik's HelmChartConfig goes to kube-system.
    const namespaces = (docs: Manifest[]) => new Set(docs.filter((d) => d.kind !== 'Kustomization').map((d) => d.metadata.namespace ?? (d.kind === 'Namespace' ? d.metadata.name : '-')));
    expect([...namespaces(prod)].sort()).toEqual(['desktops', 'kube-system']);
    expect([...namespaces(lab)].sort()).toEqual(['kasm-lab', 'kube-system']);
    expect(prod.find((d) => d.kind === 'Ingress')!.spec.rules.map((r: { host: string }) => r.host).sort()).toEqual(['desktops.platform.example.org', 'kasm.platform.example.org']);
    expect(prod.find((d) => d.kind === 'Certificate')!.spec.issuerRef.name).toBe('platform-letsencrypt');
    expect(lab.find((d) => d.kind === 'HelmChartConfig')!.metadata.name).toBe('rke2-traefik');
    const argo = load(path.join(dist, 'gitops', 'argocd')).filter((d) => d.kind === 'Application');
    expect(argo.map((a) => [a.spec.source.repoURL, a.spec.source.path, a.spec.destination.namespace]).sort()).toEqual([
      ['https://git.example.org/platform/desktops.git', 'dist/lab', 'kasm-lab'], ['https://git.example.org/platform/desktops.git', 'dist/prod', 'desktops']]);

    // The installed package's own analysis: strict schemas (Kubernetes and CRDs) and Pod Security `restricted`.
    const kasm = require(path.join(repo, 'node_modules', 'cdk8s-kasm'));
    expect(kasm.validateManifests([...prod, ...lab, ...argo])).toEqual([]);
    const workloads = [...prod, ...lab].filter((d) => ['Deployment', 'StatefulSet', 'Job', 'CronJob'].includes(d.kind));
    expect(workloads.length).toBeGreaterThan(10);
    expect(workloads.flatMap((w) => kasm.checkRestricted(podSpec(w)).map((e: string) => `${w.kind}/${w.metadata.name}: ${e}`))).toEqual([]);

    // Deterministic: a second synth writes the same bytes.
    const snapshot = (dir: string) => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
      .filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => `${f}\n${fs.readFileSync(path.join(dir, f), 'utf8')}`).join('\n');
    const first = snapshot(dist);
    execFileSync(process.execPath, [path.join(repo, 'out', 'main.js')], { cwd: repo, stdio: 'pipe' });
    expect(snapshot(dist)).toBe(first);
  }, 240_000);
});
