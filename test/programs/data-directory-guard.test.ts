/**
 * The bundled database's data-directory guard (busybox sh, as the Alpine database image runs it): Kasm 1.19.0's
 * PostgreSQL 16 starts on its own data directory, or in a new one on an empty volume, or beside 1.18.1's data when
 * the deployment says upgradeFrom; otherwise it stops with the reason instead of starting an empty database that
 * db-init would seed over the view of the old one. And what the variants synthesize for it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { K3sDev } from '../../charts';
import { KasmVersion } from '../../lib';
import { dataDirectoryGuardScript, earlierDataDirectories } from '../../lib/database/data-directory-guard';
import { describeWithBinaries } from '../support/binaries';
import { find, podSpec, synth } from '../support/manifests';
import { busyboxApplets, runProgram, tempDir } from '../support/servers';
import { Testing } from 'cdk8s';

describeWithBinaries('the data-directory guard under busybox sh', ['busybox'], (bin) => {
  const applets = busyboxApplets(bin.busybox);
  /** A volume with the given data directories, each with its PG_VERSION. */
  const volume = (dirs: Record<string, string>) => {
    const root = tempDir('kasm-pgvol');
    for (const [dir, major] of Object.entries(dirs)) { fs.mkdirSync(path.join(root, dir)); fs.writeFileSync(path.join(root, dir, 'PG_VERSION'), `${major}\n`); }
    return root;
  };
  const guard = (root: string, env: Record<string, string> = {}) => runProgram([bin.busybox, 'sh'],
    dataDirectoryGuardScript(KasmVersion.V1_19_0, [path.join(root, 'pgdata')]), { PATH: applets, PGDATA: path.join(root, 'pg16'), ...env });

  test('an empty volume: a new database', () => {
    const r = guard(volume({}));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no earlier release\'s data is on this volume: a new database');
  });

  test('its own data directory: it starts, whatever else is there', () => {
    const r = guard(volume({ pgdata: '14', pg16: '16' }));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('holds PostgreSQL 16: starting it');
  });

  test('1.18.1\'s data and no upgradeFrom: it stops and says why and what to do', () => {
    const root = volume({ pgdata: '14' });
    const r = guard(root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`refusing to start PostgreSQL 16 in the empty ${path.join(root, 'pg16')}: this volume holds ${path.join(root, 'pgdata')}, the PostgreSQL 14 data of an earlier Kasm release`);
    expect(r.stderr).toContain('To upgrade, synthesize Kasm 1.19.0 with upgradeFrom (docs/upgrades.md)');
    expect(fs.existsSync(path.join(root, 'pg16'))).toBe(false);
  });

  test('1.18.1\'s data with upgradeFrom: PostgreSQL 16 starts beside it', () => {
    const r = guard(volume({ pgdata: '14' }), { KASM_UPGRADE_FROM: '1.18.1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('starts there for the upgrade from Kasm 1.18.1, and');
  });
});

describe('the guard in the synthesized database', () => {
  const db = (props: ConstructorParameters<typeof K3sDev>[2]) => podSpec(find(synth(new K3sDev(Testing.app(), 'dev', props)), 'StatefulSet', 'kasm-db'));

  test('1.19.0 checks for 1.18.1\'s directory, read-only, as the database user; upgradeFrom is passed on', () => {
    expect(earlierDataDirectories(KasmVersion.V1_19_0)).toEqual(['/var/lib/postgresql/data/pgdata']);
    const plain = db({ version: KasmVersion.V1_19_0 }).initContainers;
    expect(plain).toHaveLength(1);
    expect(plain[0].name).toBe('data-directory-check');
    expect(plain[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data', readOnly: true }]);
    expect(plain[0].securityContext.runAsUser).toBe(70);
    expect(plain[0].env).toEqual([{ name: 'PGDATA', value: '/var/lib/postgresql/data/pg16' }]);
    const upgrading = db({ version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1 }).initContainers[0];
    expect(upgrading.env).toContainEqual({ name: 'KASM_UPGRADE_FROM', value: '1.18.1' });
  });

  test('1.18.1 and 1.16.0 share their data directory with every earlier release: no guard', () => {
    expect(earlierDataDirectories(KasmVersion.V1_18_1)).toEqual([]);
    expect(db({ version: KasmVersion.V1_18_1 }).initContainers).toBeUndefined();
  });
});
