/** KasmDatabase: props -> manifest rules. */
import { Size, Testing } from 'cdk8s';
import { KasmDatabase, KasmSecrets, KasmVersion, SizePreset } from '../../lib';
import { envOf, find, podSpec, synth } from '../support/manifests';

function build(props: ConstructorParameters<typeof KasmDatabase>[2] = {}) {
  const chart = Testing.chart();
  const db = new KasmDatabase(chart, 'db', props);
  return { db, manifests: synth(chart) };
}

describe('KasmDatabase', () => {
  test('defaults: Kasm 1.18.1 postgres as a StatefulSet on local-path under the Service kasm-db', () => {
    const { db, manifests } = build();
    const sts = find(manifests, 'StatefulSet', 'kasm-db');
    expect(sts.metadata.namespace).toBe('kasm');
    expect(sts.spec.serviceName).toBe('kasm-db');
    expect(podSpec(sts).containers[0].image).toBe('kasmweb/postgres:1.18.1');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', resources: { requests: { storage: '10Gi' } },
    });
    expect(find(manifests, 'Service', 'kasm-db').spec.ports).toEqual([{ name: 'db-pt', port: 5432, protocol: 'TCP', targetPort: 5432 }]);
    expect(db.host).toBe('kasm-db');
    expect(db.passwordSecret).toEqual({ name: 'kasm-secrets', key: 'db-password' });
  });

  test('1.16.0 is served as `db`, the host its images hard-code', () => {
    const { db, manifests } = build({ version: KasmVersion.V1_16_0 });
    expect(db.host).toBe('db');
    expect(find(manifests, 'StatefulSet', 'kasm-db').spec.serviceName).toBe('db');
  });

  test('storage class and size are configurable; the PVC outlives the StatefulSet', () => {
    const { manifests } = build({ storageClassName: 'longhorn', storage: Size.gibibytes(50) });
    const sts = find(manifests, 'StatefulSet', 'kasm-db');
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('longhorn');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('50Gi');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test('PGDATA is a subdirectory of the volume, so no root chown is needed', () => {
    const { manifests } = build();
    const spec = podSpec(find(manifests, 'StatefulSet', 'kasm-db'));
    expect(spec.initContainers).toBeUndefined();
    expect(envOf(spec.containers[0]).PGDATA).toBe('/var/lib/postgresql/data/pgdata');
    expect(spec.containers[0].volumeMounts[0]).toEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(spec.securityContext).toMatchObject({ runAsUser: 70, runAsGroup: 70, fsGroup: 70, runAsNonRoot: true });
    expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('TLS is required from the network and the key is mounted 0640', () => {
    const { manifests } = build({ secrets: KasmSecrets.fromExisting({ dbTlsSecretName: 'pg-cert' }) });
    const cm = find(manifests, 'ConfigMap', 'kasm-db-config');
    expect(cm.data['postgresql.conf']).toContain('ssl = on');
    expect(cm.data['postgresql.conf']).toContain("ssl_key_file = '/etc/ssl/certs/db_server.key'");
    expect(cm.data['pg_hba.conf']).toMatch(/^hostssl\s+all\s+all\s+all\s+md5$/m);
    expect(cm.data['pg_hba.conf']).not.toMatch(/^host\s/m);
    const spec = podSpec(find(manifests, 'StatefulSet', 'kasm-db'));
    expect(spec.volumes.find((v: any) => v.name === 'tls')).toEqual({ name: 'tls', secret: { secretName: 'pg-cert', defaultMode: 0o640 } });
  });

  test('size preset, overrides and tuning reach the pod and the configuration', () => {
    const { manifests } = build({ size: SizePreset.LARGE, resources: { memoryLimit: '4Gi' }, maxConnections: 300, sharedBuffers: '1Gi' });
    const c = podSpec(find(manifests, 'StatefulSet', 'kasm-db')).containers[0];
    expect(c.resources.limits).toEqual({ 'cpu': '4000m', 'memory': '4Gi', 'ephemeral-storage': '2Gi' });
    const conf = find(manifests, 'ConfigMap', 'kasm-db-config').data['postgresql.conf'];
    expect(conf).toContain('max_connections = 300');
    expect(conf).toContain('shared_buffers = 1GB');
  });

  test('the StatefulSet is the default child', () => {
    const { db } = build();
    expect(db.node.defaultChild).toBe(db.statefulSet);
  });
});

describe('objects the cluster creates at runtime', () => {
  test('the data PVC template carries no app.kubernetes.io/instance, so label-tracking GitOps never prunes the data', () => {
    const chart = Testing.chart();
    new KasmDatabase(chart, 'db');
    const sts = Testing.synth(chart).find((m: any) => m.kind === 'StatefulSet');
    const labels = sts.spec.volumeClaimTemplates[0].metadata.labels;
    expect(labels['app.kubernetes.io/instance']).toBeUndefined();
    expect(labels['kasm.cdk8s.io/instance']).toBe('kasm');
    // The StatefulSet itself is in git and keeps the tracking label.
    expect(sts.metadata.labels['app.kubernetes.io/instance']).toBe('kasm');
  });
});
