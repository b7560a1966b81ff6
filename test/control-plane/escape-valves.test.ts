/** Escape valves per component: scheduling, pull secrets, env, annotations, writable paths, a writable root. */
import { Testing } from 'cdk8s';
import { ComponentId, KasmControlPlane, KasmDatabase, KasmVersion } from '../../lib';
import { runDoctor } from '../../lib/doctor/app-doctor';
import { all, envOf, find, Manifest, podSpec, synth } from '../support/manifests';

function build(extra: Partial<ConstructorParameters<typeof KasmControlPlane>[2]> = {}): Manifest[] {
  const chart = Testing.chart();
  const database = new KasmDatabase(chart, 'db');
  new KasmControlPlane(chart, 'cp', { database, ...extra });
  return synth(chart);
}

const dbInit = (m: Manifest[]) => all(m, 'Job').find((j) => j.metadata.name.startsWith('kasm-db-init'))!;

describe('pod escape valves', () => {
  const manifests = build({
    imagePullSecrets: ['mirror-credentials'],
    podDefaults: {
      nodeSelector: { 'workload-type': 'kasm' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'kasm', effect: 'NoSchedule' }],
      priorityClassName: 'kasm-critical',
      podAnnotations: { 'backup.velero.io/backup-volumes-excludes': 'rw-tmp' },
    },
    components: {
      [ComponentId.API]: {
        extraEnv: { LOG_LEVEL: 'debug' },
        extraWritablePaths: ['/opt/kasm/current/tmp'],
        writableRootFilesystem: true,
        nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      },
    },
    dbInit: { writableRootFilesystem: true },
  });
  const api = podSpec(find(manifests, 'Deployment', 'kasm-api'));
  const proxy = podSpec(find(manifests, 'Deployment', 'kasm-proxy'));

  test('podDefaults reach every component and the db-init Job; component options add to them', () => {
    for (const spec of [proxy, podSpec(dbInit(manifests))]) {
      expect(spec.nodeSelector).toEqual({ 'workload-type': 'kasm' });
      expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'kasm', effect: 'NoSchedule' }]);
      expect(spec.priorityClassName).toBe('kasm-critical');
      expect(spec.imagePullSecrets).toEqual([{ name: 'mirror-credentials' }]);
    }
    expect(api.nodeSelector).toEqual({ 'workload-type': 'kasm', 'kubernetes.io/arch': 'amd64' });
    expect(find(manifests, 'Deployment', 'kasm-proxy').spec.template.metadata.annotations['backup.velero.io/backup-volumes-excludes']).toBe('rw-tmp');
  });

  test('extra env and writable paths land on the main container only', () => {
    expect(envOf(api.containers[0]).LOG_LEVEL).toBe('debug');
    expect(api.containers[0].volumeMounts).toEqual(expect.arrayContaining([{ name: 'rw-opt-kasm-current-tmp', mountPath: '/opt/kasm/current/tmp' }]));
    expect(api.volumes).toEqual(expect.arrayContaining([{ name: 'rw-opt-kasm-current-tmp', emptyDir: { sizeLimit: '256Mi' } }]));
    expect(envOf(proxy.containers[0]).LOG_LEVEL).toBeUndefined();
  });

  test('a writable root is explicit, per component, and nothing else is relaxed', () => {
    expect(api.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: false, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(proxy.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(podSpec(dbInit(manifests)).containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(api.initContainers.every((c: any) => c.securityContext.readOnlyRootFilesystem)).toBe(true);
  });

  test('the pull Secret counts as declared by the prop, and the pods still pass restricted', () => {
    const chart = Testing.chart();
    const database = new KasmDatabase(chart, 'db');
    new KasmControlPlane(chart, 'cp', { database, imagePullSecrets: ['mirror-credentials'], components: { [ComponentId.API]: { writableRootFilesystem: true } } });
    expect(runDoctor(chart).filter((f) => f.rule === 'references')).toEqual([]);
  });

  test('without options the pods are unchanged (no empty fields)', () => {
    const plain = podSpec(find(build(), 'Deployment', 'kasm-api'));
    for (const field of ['nodeSelector', 'tolerations', 'affinity', 'priorityClassName', 'imagePullSecrets']) expect(plain[field]).toBeUndefined();
  });
});

describe('bad escape valves name the key path', () => {
  const cases: [string, Partial<ConstructorParameters<typeof KasmControlPlane>[2]>, RegExp][] = [
    ['a contract env var overridden', { components: { [ComponentId.API]: { extraEnv: { POSTGRES_HOST: 'x' } } } }, /^KasmControlPlane components\.api\.extraEnv: 'POSTGRES_HOST' is set by the Kasm contract/],
    ['an env value that is a number', { podDefaults: { extraEnv: { WORKERS: 4 as any } } }, /^KasmControlPlane podDefaults\.extraEnv\.WORKERS: 4 is not a string/],
    ['a relative writable path', { podDefaults: { extraWritablePaths: ['tmp'] } }, /^KasmControlPlane podDefaults\.extraWritablePaths\[0\]: 'tmp' is not an absolute path/],
    ['a toleration with a bad effect', { podDefaults: { tolerations: [{ key: 'a', operator: 'Exists', effect: 'Never' }] } }, /^KasmControlPlane podDefaults\.tolerations\[0\]\.effect: 'Never' is not one of 'NoSchedule'/],
    ['a reserved annotation', { podDefaults: { podAnnotations: { 'kasm.cdk8s.io/config-digest': 'x' } } }, /^KasmControlPlane podDefaults\.podAnnotations: 'kasm\.cdk8s\.io\/config-digest' is reserved/],
    ['a pull Secret name with capitals', { imagePullSecrets: ['Mirror'] }, /^KasmControlPlane imagePullSecrets\[0\]: 'Mirror' is not a valid Kubernetes name/],
    ['writableRootFilesystem as a string', { dbInit: { writableRootFilesystem: 'yes' as any } }, /^KasmControlPlane dbInit\.writableRootFilesystem: 'yes' is not accepted; pass true or false/],
    ['a nodeSelector that is a string', { podDefaults: { nodeSelector: 'kasm' as any } }, /^KasmControlPlane podDefaults\.nodeSelector: 'kasm' is not accepted; pass an object/],
  ];
  test.each(cases)('%s', (_name, extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });
});

test('the db-init escape valves reach an upgrade\'s dump and migration Jobs too (they take db-init\'s place)', () => {
  const chart = Testing.chart();
  const database = new KasmDatabase(chart, 'db', { version: KasmVersion.V1_19_0 });
  new KasmControlPlane(chart, 'cp', {
    database,
    upgradeFrom: KasmVersion.V1_18_1,
    dbInit: { writableRootFilesystem: true, extraEnv: { PGCONNECT_TIMEOUT: '20' }, podAnnotations: { 'example.com/owner': 'platform' } },
  });
  const jobs = all(synth(chart), 'Job').filter((j) => /^kasm-(pre-upgrade|db-migrate)-/.test(j.metadata.name));
  expect(jobs).toHaveLength(2);
  for (const job of jobs) {
    const c = podSpec(job).containers[0];
    expect(c.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(c.env).toContainEqual({ name: 'PGCONNECT_TIMEOUT', value: '20' });
    expect(job.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'platform' });
  }
});
