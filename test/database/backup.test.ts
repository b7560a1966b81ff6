/**
 * Database backups: the CronJobs and their policies as manifests, bad props, and the backup and restore programs
 * executed with stub pg_dump, pg_restore and date on PATH (dash, as the Alpine image's busybox sh would run them).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size, Testing } from 'cdk8s';
import { K3sProd } from '../../charts';
import { KasmDatabase, NetworkPolicyModel } from '../../lib';
import { BACKUP_SCRIPT, RESTORE_SCRIPT } from '../../lib/database/backup-scripts';
import { runDoctor } from '../../lib/doctor/app-doctor';
import { checkRestricted } from '../../lib/doctor/pod-security';
import { find, Manifest, podSpec } from '../support/manifests';

describe('backup manifests (k3s-prod)', () => {
  const chart = new K3sProd(Testing.app(), 'k3s-prod', { hostname: 'kasm.example.com' });
  const m = Testing.synth(chart) as Manifest[];
  const cron = find(m, 'CronJob', 'kasm-db-backup');

  test('a nightly pg_dump CronJob that never overlaps and keeps failed pods for inspection', () => {
    expect(cron.spec).toMatchObject({ schedule: '0 2 * * *', concurrencyPolicy: 'Forbid', failedJobsHistoryLimit: 3 });
    const spec = podSpec(cron);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.containers[0].env.find((e: any) => e.name === 'RETENTION').value).toBe('7');
    expect(spec.containers[0].env.find((e: any) => e.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'kasm-secrets', key: 'db-password' });
    expect(spec.volumes[0]).toEqual({ name: 'backups', persistentVolumeClaim: { claimName: 'kasm-db-backups' } });
  });

  test('the volume survives an app deletion and the restore CronJob never runs by itself', () => {
    const pvc = find(m, 'PersistentVolumeClaim', 'kasm-db-backups');
    expect(pvc.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(pvc.spec.storageClassName).toBe('longhorn');
    expect(find(m, 'CronJob', 'kasm-db-restore').spec.suspend).toBe(true);
  });

  test('restricted like every pod', () => {
    expect(checkRestricted(podSpec(cron), cron.spec.jobTemplate.spec.template.metadata)).toEqual([]);
  });

  test('its database edge is in the graph: the policies admit it and the doctor checks it', () => {
    expect(chart.controlPlane.edges.map((e) => `${e.edge.from}->${e.edge.to}`)).toContain('dbBackup->db');
    const model = new NetworkPolicyModel(m);
    const pods = model.podEndpoints();
    const backup = pods.find((p) => p.workload === 'CronJob/kasm/kasm-db-backup')!;
    const restore = pods.find((p) => p.workload === 'CronJob/kasm/kasm-db-restore')!;
    const db = pods.find((p) => p.workload === 'StatefulSet/kasm/kasm-db')!;
    expect(model.isAllowed(backup, db, 5432).allowed).toBe(true);
    expect(model.isAllowed(restore, db, 5432).allowed).toBe(true);
    expect(model.isAllowed(backup, { kind: 'external', ip: '203.0.113.1' }, 443).allowed).toBe(false);
    expect(runDoctor(chart)).toEqual([]);
  });

  test('no backup objects or edge without the option', () => {
    const chart2 = Testing.chart();
    new KasmDatabase(chart2, 'db');
    expect(Testing.synth(chart2).some((o: any) => o.kind === 'CronJob')).toBe(false);
  });
});

describe('bad backup props', () => {
  const build = (backup: any) => new KasmDatabase(Testing.chart(), 'db', { backup });
  test.each([
    [{ schedule: 'every night' }, /^KasmDatabase backup\.schedule: 'every night' is not cron syntax/],
    [{ schedule: '0 25 * * *' }, /^KasmDatabase backup\.schedule: '0 25 \* \* \*' has "25" in the hour field, outside 0-23$/],
    [{ schedule: '0 2 * *' }, /is not cron syntax/],
    [{ retention: 0 }, /^KasmDatabase backup\.retention: 0 is not accepted; pass a whole number from 1 to 1000$/],
    [{ retention: -3 }, /^KasmDatabase backup\.retention: -3 is not accepted/],
    [{ storage: '20Gi' }, /^KasmDatabase backup\.storage: '20Gi' is not a Size/],
    [{ storage: Size.mebibytes(100) }, /^KasmDatabase backup\.storage: '100Mi' is below 1Gi/],
    ['daily', /^KasmDatabase backup: 'daily' is not accepted; pass an object/],
  ])('%j', (backup, message) => {
    expect(() => build(backup)).toThrow(message);
  });
  test.each(['@daily', '*/15 * * * *', '0 2 * * mon-fri', '30 3 1,15 * *'])('%s is accepted', (schedule) => {
    expect(() => build({ schedule })).not.toThrow();
  });
});

/** A temp dir with stub binaries on PATH; each stub logs its arguments and obeys env switches. */
function sandbox() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-backup-'));
  const bin = path.join(dir, 'bin');
  const backups = path.join(dir, 'backups');
  fs.mkdirSync(bin);
  fs.mkdirSync(backups);
  const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${dir}/calls"\n${body}\n`, { mode: 0o755 });
  // pg_dump writes a fake dump to --file=...; fails when STUB_DUMP_FAIL is set (after writing half a file).
  stub('pg_dump', 'for a in "$@"; do case "$a" in --file=*) f="${a#--file=}";; esac; done\nprintf PGDMP > "$f"\n[ -z "${STUB_DUMP_FAIL:-}" ] || { echo "pg_dump: error: connection to server failed" >&2; exit 1; }');
  stub('pg_restore', '[ -z "${STUB_RESTORE_FAIL:-}" ] || exit 1');
  stub('date', 'echo "${STUB_DATE:-20261122T020000Z}"');
  const env = {
    PATH: `${bin}:/usr/bin:/bin`, BACKUP_DIR: backups, POSTGRES_HOST: 'kasm-db', POSTGRES_PORT: '5432', POSTGRES_DB: 'kasm',
    POSTGRES_USER: 'kasmapp', POSTGRES_PASSWORD: 's3cret-value', RETENTION: '3',
  };
  const run = (script: string, extra: Record<string, string> = {}) => spawnSync('dash', ['-c', script], { env: { ...env, ...extra }, encoding: 'utf8' });
  const calls = () => (fs.existsSync(path.join(dir, 'calls')) ? fs.readFileSync(path.join(dir, 'calls'), 'utf8') : '');
  const files = () => fs.readdirSync(backups).sort();
  return { dir, backups, run, calls, files, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe('the backup program', () => {
  test('sh -n accepts both programs', () => {
    for (const script of [BACKUP_SCRIPT, RESTORE_SCRIPT]) expect(spawnSync('dash', ['-n', '-c', script]).status).toBe(0);
  });

  test('dumps in custom format over TLS, verifies, renames and keeps the newest RETENTION', () => {
    const s = sandbox();
    try {
      for (const day of ['20261118', '20261119', '20261120', '20261121']) fs.writeFileSync(path.join(s.backups, `kasm-${day}T020000Z.dump`), 'old');
      const r = s.run(BACKUP_SCRIPT);
      expect(r.status).toBe(0);
      expect(s.files()).toEqual(['kasm-20261120T020000Z.dump', 'kasm-20261121T020000Z.dump', 'kasm-20261122T020000Z.dump']);
      expect(s.calls()).toContain('pg_dump --host=kasm-db --port=5432 --username=kasmapp --dbname=kasm --format=custom --compress=6 --no-password');
      expect(s.calls()).toMatch(/pg_restore --list .*kasm-20261122T020000Z\.dump\.partial/);
      expect(r.stdout).toContain('Removing');
      expect(`${r.stdout}${r.stderr}`).not.toContain('s3cret-value');
    } finally { s.cleanup(); }
  });

  test('a failed dump leaves no partial file and removes no old dump', () => {
    const s = sandbox();
    try {
      for (const day of ['20261118', '20261119', '20261120', '20261121']) fs.writeFileSync(path.join(s.backups, `kasm-${day}T020000Z.dump`), 'old');
      const r = s.run(BACKUP_SCRIPT, { STUB_DUMP_FAIL: '1' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('connection to server failed');
      expect(s.files()).toEqual(['kasm-20261118T020000Z.dump', 'kasm-20261119T020000Z.dump', 'kasm-20261120T020000Z.dump', 'kasm-20261121T020000Z.dump']);
    } finally { s.cleanup(); }
  });

  test('a dump pg_restore cannot read is not kept', () => {
    const s = sandbox();
    try {
      const r = s.run(BACKUP_SCRIPT, { STUB_RESTORE_FAIL: '1' });
      expect(r.status).not.toBe(0);
      expect(s.files()).toEqual([]);
    } finally { s.cleanup(); }
  });

  test('a missing setting stops it before anything runs', () => {
    const s = sandbox();
    try {
      const r = s.run(BACKUP_SCRIPT, { RETENTION: '' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/RETENTION/);
      expect(s.calls()).toBe('');
    } finally { s.cleanup(); }
  });
});

describe('the restore program', () => {
  test('restores the newest dump in one transaction, cleaning first', () => {
    const s = sandbox();
    try {
      for (const day of ['20261120', '20261121']) fs.writeFileSync(path.join(s.backups, `kasm-${day}T020000Z.dump`), 'PGDMP');
      const r = s.run(RESTORE_SCRIPT);
      expect(r.status).toBe(0);
      expect(s.calls()).toMatch(/pg_restore --host=kasm-db --port=5432 --username=kasmapp --dbname=kasm --clean --if-exists --no-owner --no-password --single-transaction --exit-on-error \S*kasm-20261121T020000Z\.dump/);
    } finally { s.cleanup(); }
  });

  test('RESTORE_FILE picks another dump; a missing one fails and lists what exists', () => {
    const s = sandbox();
    try {
      fs.writeFileSync(path.join(s.backups, 'kasm-20261120T020000Z.dump'), 'PGDMP');
      expect(s.run(RESTORE_SCRIPT, { RESTORE_FILE: 'kasm-20261120T020000Z.dump' }).status).toBe(0);
      const r = s.run(RESTORE_SCRIPT, { RESTORE_FILE: 'kasm-19990101T000000Z.dump' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('No dump to restore');
      expect(r.stderr).toContain('kasm-20261120T020000Z.dump');
    } finally { s.cleanup(); }
  });

  test('an empty backup volume fails without touching the database', () => {
    const s = sandbox();
    try {
      const r = s.run(RESTORE_SCRIPT);
      expect(r.status).toBe(1);
      expect(s.calls()).toBe('');
    } finally { s.cleanup(); }
  });
});

test('a backup volume on a StorageClass other than the database\'s synthesizes: the class is declared to the doctor', () => {
  const chart = new K3sProd(Testing.app(), 'p', { hostname: 'kasm.example.com', backup: { storageClassName: 'nfs-backups' } });
  expect(find(Testing.synth(chart) as Manifest[], 'PersistentVolumeClaim', 'kasm-db-backups').spec.storageClassName).toBe('nfs-backups');
});
