/**
 * Upgrades between releases: 1.18.1, then 1.19.0 with `upgradeFrom`. The order is dump, database, migration,
 * control plane; nothing that holds data changes its name; no db-init runs; bad paths fail at synth; the
 * upgrade's shell programs run against a real PostgreSQL in test/programs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Size, Testing } from 'cdk8s';
import { K3sDev, K3sProd, Rke2Cnpg } from '../../charts';
import { CnpgDatabase, KasmVersion, SYNC_WAVE_ANNOTATION, synthVariants } from '../../lib';
import { Manifest } from '../support/manifests';

const synth = (props: ConstructorParameters<typeof K3sDev>[2]): Manifest[] => Testing.synth(new K3sDev(Testing.app(), 'k3s-dev', props)) as Manifest[];
const wave = (m: Manifest) => Number(m.metadata?.annotations?.[SYNC_WAVE_ANNOTATION] ?? 0);
const named = (ms: Manifest[], kind: string, prefix: string) => ms.filter((m) => m.kind === kind && m.metadata.name.startsWith(prefix));

describe('1.18.1, then 1.19.0 with upgradeFrom', () => {
  const before = synth({ version: KasmVersion.V1_18_1 });
  const after = synth({ version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1 });

  test('order: pre-upgrade dump, then the database, then the migration, then the control plane', () => {
    const [dump] = named(after, 'Job', 'kasm-pre-upgrade-1-18-1-to-1-19-0-');
    const [migration] = named(after, 'Job', 'kasm-db-migrate-1-18-1-to-1-19-0-');
    const [db] = named(after, 'StatefulSet', 'kasm-db');
    const api = named(after, 'Deployment', 'kasm-api')[0];
    expect([wave(dump), wave(db), wave(migration), wave(api)]).toEqual([-2, -1, 0, 1]);
    expect(dump.metadata.annotations!['kasm.cdk8s.io/phase']).toBe('upgrade');
    expect(JSON.stringify(migration.spec.template.spec.containers[0].command)).toContain('--upgrade-database');
  });

  test('no db-init runs during an upgrade: the migration takes its place and its labels', () => {
    expect(named(after, 'Job', 'kasm-db-init')).toEqual([]);
    expect(named(before, 'Job', 'kasm-db-init')).toHaveLength(1);
    const [migration] = named(after, 'Job', 'kasm-db-migrate-');
    expect(migration.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('kasm-db-init');
  });

  // Kubernetes refuses an apply that changes these fields of an existing object, so GitOps would stop at it mid-upgrade:
  // a Service between ClusterIP and headless, a workload's selector, a StatefulSet's Service or volume templates.
  test.each([['k3s-dev', K3sDev], ['k3s-prod', K3sProd], ['rke2-cnpg', Rke2Cnpg]] as const)('%s: no object kept across the upgrade changes a field Kubernetes cannot change in place', (_name, Variant) => {
    const build = (props: object) => Testing.synth(new Variant(Testing.app(), 'v', { hostname: 'kasm.example.com', ...props } as any)) as Manifest[];
    const from = build({ version: KasmVersion.V1_18_1 });
    const to = [build({ version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1 }), build({ version: KasmVersion.V1_19_0 })];
    const immutable = (m: Manifest): unknown => {
      const spec = (m as any).spec ?? {};
      switch (m.kind) {
        case 'Service': return { headless: spec.clusterIP === 'None', type: spec.type ?? 'ClusterIP' };
        case 'Deployment': return { selector: spec.selector };
        case 'StatefulSet': return { selector: spec.selector, serviceName: spec.serviceName, volumeClaimTemplates: spec.volumeClaimTemplates, podManagementPolicy: spec.podManagementPolicy };
        case 'PersistentVolumeClaim': return { storageClassName: spec.storageClassName, accessModes: spec.accessModes };
        default: return undefined;
      }
    };
    const key = (m: Manifest) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
    for (const target of to) {
      const byKey = new Map(target.map((m) => [key(m), m]));
      const changed = from.filter((m) => immutable(m) !== undefined && byKey.has(key(m)))
        .filter((m) => JSON.stringify(immutable(m)) !== JSON.stringify(immutable(byKey.get(key(m))!)))
        .map((m) => ({ object: key(m), from: immutable(m), to: immutable(byKey.get(key(m))!) }));
      expect(changed).toEqual([]);
    }
  });

  test('no object that holds data changes its name; the dump volume is never pruned', () => {
    const dataNames = (ms: Manifest[]) => ms
      .filter((m) => ['StatefulSet', 'PersistentVolumeClaim'].includes(m.kind) || (m.kind === 'Service' && m.metadata.name === 'kasm-db'))
      .filter((m) => m.metadata.name !== 'kasm-upgrade-backup')
      // StatefulSets without volume claims (1.19's guac and rdp-https-gateway) hold no data.
      .filter((m) => m.kind !== 'StatefulSet' || m.spec.volumeClaimTemplates !== undefined)
      .map((m) => `${m.kind}/${m.metadata.name}${m.kind === 'StatefulSet' ? ` ${m.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)}` : ''}`)
      .sort();
    expect(dataNames(after)).toEqual(dataNames(before));
    expect(dataNames(before)).toEqual(['Service/kasm-db', 'StatefulSet/kasm-db data']);
    const [pvc] = named(after, 'PersistentVolumeClaim', 'kasm-upgrade-backup');
    expect(pvc.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test('PostgreSQL 14 -> 16 starts in a new data directory of the same volume, keeping the old one', () => {
    const pgdata = (ms: Manifest[]) => named(ms, 'StatefulSet', 'kasm-db')[0].spec.template.spec.containers[0].env.find((e: any) => e.name === 'PGDATA').value;
    expect([pgdata(before), pgdata(after)]).toEqual(['/var/lib/postgresql/data/pgdata', '/var/lib/postgresql/data/pg16']);
  });

  test('dist: the upgrade phase comes first, and Flux applies the database only after it', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-upgrade-'));
    synthVariants([{ name: 'k3s-dev', build: (app) => new K3sDev(app, 'k3s-dev', { version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1 }) }], out);
    expect(yaml.load(fs.readFileSync(path.join(out, 'k3s-dev', 'kustomization.yaml'), 'utf8'))).toMatchObject({ resources: ['upgrade', 'database', 'app'] });
    const upgradeFiles = fs.readdirSync(path.join(out, 'k3s-dev', 'upgrade'));
    expect(upgradeFiles).toEqual(expect.arrayContaining(['Namespace.kasm.yaml', 'NetworkPolicy.kasm-db-ingress.yaml', 'PersistentVolumeClaim.kasm-upgrade-backup.yaml']));
    const db = yaml.load(fs.readFileSync(path.join(out, 'gitops', 'flux', 'Kustomization.kasm-k3s-dev-database.yaml'), 'utf8')) as any;
    expect(db.spec.dependsOn).toEqual([{ name: 'kasm-k3s-dev-upgrade' }]);
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('CloudNativePG: the Cluster moves to a PostgreSQL 16 image (its in-place major upgrade) after the dump', () => {
    const ms = Testing.synth(new Rke2Cnpg(Testing.app(), 'rke2', { version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1, hostname: 'kasm.example.com' })) as Manifest[];
    const cluster = ms.find((m) => m.kind === 'Cluster')!;
    expect(cluster.spec.imageName).toMatch(/postgresql:16\./);
    expect(wave(named(ms, 'Job', 'kasm-pre-upgrade-')[0])).toBeLessThan(wave(cluster));
  });
});

describe('bad upgrades fail at synth, naming the prop and the way forward', () => {
  test.each([
    ['skipping a release', { version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_16_0 }, /upgradeFrom: '1.16.0' cannot be upgraded to Kasm 1.19.0 directly; accepted: '1.18.1' \(upgrade 1.16.0 to 1.18.1 first, then to 1.19.0\)/],
    ['a downgrade', { version: KasmVersion.V1_18_1, upgradeFrom: KasmVersion.V1_19_0 }, /upgradeFrom: '1.19.0' is newer than version 1.18.1: Kasm does not support downgrades/],
    ['the same release', { version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_19_0 }, /upgradeFrom: '1.19.0' is the version being deployed.*Remove upgradeFrom/],
    ['a string from plain data', { version: KasmVersion.V1_19_0, upgradeFrom: '1.18.1' as any }, /upgradeFrom: '1.18.1' is not a KasmVersion; pass one of KasmVersion.V1_19_0/],
    ['an upgrade into a release without an upgrade path', { version: KasmVersion.V1_18_1, upgradeFrom: KasmVersion.V1_16_0 }, /accepted: none \(this library offers no upgrade into 1.18.1\)/],
    ['upgradeBackup without upgradeFrom', { upgradeBackup: { storage: Size.gibibytes(50) } }, /upgradeBackup: .* is set without upgradeFrom/],
    ['a dump volume below 1Gi', { version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1, upgradeBackup: { storage: Size.mebibytes(100) } }, /upgradeBackup.storage: .* is below 1Gi/],
  ])('%s', (_label, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test('a PostgreSQL major that does not fit the release', () => {
    expect(() => new CnpgDatabase(Testing.chart(), 'db', { version: KasmVersion.V1_19_0, postgresMajorVersion: 14 }))
      .toThrow(/postgresMajorVersion: 14 is not the PostgreSQL major Kasm 1.19.0 supports; accepted: 16/);
  });
});

test('the upgrade snippet of docs/upgrades.md synthesizes (capacity check included)', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'upgrades.md'), 'utf8');
  const snippet = /<!-- upgrade-snippet -->\n```ts\n([\s\S]*?)```/.exec(doc)![1];
  const app = Testing.app();
  // The snippet is TypeScript that is also plain JavaScript: run it as written.
  new Function('app', 'K3sProd', 'KasmVersion', snippet)(app, K3sProd, KasmVersion);
  const ms = app.charts.flatMap((c) => Testing.synth(c) as Manifest[]);
  expect(named(ms, 'Job', 'kasm-pre-upgrade-1-18-1-to-1-19-0-')).toHaveLength(1);
});

// The upgrade programs themselves run against a real PostgreSQL in test/programs/upgrade.test.ts.
describe('the upgrade Jobs\' pods', () => {
  const ms = synth({ version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1 });
  const before = synth({ version: KasmVersion.V1_18_1 });
  const [dump] = named(ms, 'Job', 'kasm-pre-upgrade-');
  const [migration] = named(ms, 'Job', 'kasm-db-migrate-');

  test('the dump runs under the old release\'s database image (its pg_dump writes what its pg_restore reads: the way back)', () => {
    const oldDb = named(before, 'StatefulSet', 'kasm-db')[0].spec.template.spec;
    const c = dump.spec.template.spec.containers[0];
    expect(c.image).toBe(oldDb.containers[0].image);
    expect(c.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(dump.spec.template.spec.securityContext.runAsUser).toBe(oldDb.securityContext.runAsUser);
    expect(c.command[2]).toContain('pg_stat_activity');
  });

  test('the migration runs under the new api image, restoring in one transaction', () => {
    const c = migration.spec.template.spec.containers[0];
    expect(c.image).toMatch(/kasmweb\/api:1\.19\.0/);
    expect(c.command[2]).toContain('pg_restore');
    expect(c.command[2]).toContain('--single-transaction --exit-on-error');
  });
});

describe('the committed output is the record of what is deployed', () => {
  test('moving a synthesized folder to another release without upgradeFrom is refused; with it, and after it, it is not', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-record-'));
    const variant = (props: ConstructorParameters<typeof K3sDev>[2]) => [{ name: 'k3s-dev', build: (app: any) => new K3sDev(app, 'k3s-dev', props) }];
    synthVariants(variant({ version: KasmVersion.V1_18_1 }), out);
    expect(() => synthVariants(variant({ version: KasmVersion.V1_19_0 }), out))
      .toThrow(/k3s-dev: the output folder holds Kasm 1.18.1 and this synth writes Kasm 1.19.0 without saying upgradeFrom.*set upgradeFrom: KasmVersion.V1_18_1/);
    expect(fs.existsSync(path.join(out, 'k3s-dev'))).toBe(true);
    synthVariants(variant({ version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1 }), out);
    // The upgrade is done: upgradeFrom goes, the folder stays on 1.19.0.
    synthVariants(variant({ version: KasmVersion.V1_19_0 }), out);
    expect(fs.existsSync(path.join(out, 'k3s-dev', 'upgrade'))).toBe(false);
    fs.rmSync(out, { recursive: true, force: true });
  });
});

test('a dump volume on a StorageClass of its own synthesizes: the class is declared to the doctor, not refused', () => {
  const chart = new K3sDev(Testing.app(), 'd', { version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1, upgradeBackup: { storage: Size.gibibytes(20), storageClassName: 'fast-nvme' } });
  const pvc = (Testing.synth(chart) as Manifest[]).find((m) => m.kind === 'PersistentVolumeClaim' && m.metadata.name === 'kasm-upgrade-backup')!;
  expect(pvc.spec.storageClassName).toBe('fast-nvme');
});
