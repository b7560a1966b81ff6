/** Kasm 1.19.0 as data: one assertion per fact taken from the official 1.1190.x chart (https://github.com/kasmtech/kasm-helm, `charts/kasm-helm/`). */
import { Testing } from 'cdk8s';
import { K3sDev } from '../../charts';
import { ComponentId, KasmVersion, ReadinessCheck, SizePreset } from '../../lib';
import { ALEMBIC_AT_HEAD } from '../../lib/control-plane/wait';
import { Manifest } from '../support/manifests';

const c = KasmVersion.V1_19_0.contract;
// Templates show with the first zone filled in, as the pods get them.
const env = (id: ComponentId) => Object.fromEntries(c.components[id]!.env.map((e) => [e.name,
  e.source.kind === 'literal' ? e.source.value : e.source.kind === 'template' ? e.source.template.replace('${zoneSlug}', 'default') : e.source.kind]));

describe('Kasm 1.19.0 contract', () => {
  test('images are kasmweb/*:1.19.0, and every Job and wait loop runs kasmweb/api', () => {
    for (const comp of Object.values(c.components)) expect(`${comp!.image.repository}:${comp!.image.tag}`).toMatch(/^kasmweb\/[a-z-]+:1\.19\.0$/);
    expect(c.dbInit.image).toEqual({ repository: 'kasmweb/api', tag: '1.19.0' });
    for (const img of Object.values(c.waitImages)) expect(img).toEqual({ repository: 'kasmweb/api', tag: '1.19.0' });
  });

  test('PostgreSQL 16; no Share, no Redis', () => {
    expect(c.database.postgresMajorVersion).toBe(16);
    expect(c.components[ComponentId.SHARE]).toBeUndefined();
    expect(c.components[ComponentId.REDIS]).toBeUndefined();
  });

  test('Service names are <rel>-<component>-<zone> for release kasm, zone default; the database is <rel>-db', () => {
    expect([ComponentId.API, ComponentId.MANAGER, ComponentId.PROXY, ComponentId.DB].map((id) => c.components[id]!.serviceName))
      .toEqual(['kasm-api-default', 'kasm-manager-default', 'kasm-proxy-default', 'kasm-db']);
  });

  test('the api: 8081 api-liveness-pt off the Service; liveness TCP on api-pt (works with or without /livez), readiness /api/__healthcheck on 8080', () => {
    const api = c.components[ComponentId.API]!;
    expect(api.ports).toEqual([{ name: 'api-pt', port: 8080, exposed: true }, { name: 'api-liveness-pt', port: 8081, exposed: false }]);
    expect(api.liveness).toEqual({ kind: 'tcp', port: 8080 });
    expect(api.readiness).toEqual({ kind: 'http', port: 8080, path: '/api/__healthcheck', scheme: 'HTTP' });
  });

  test('api, manager and proxy run per zone under `kasm-<component>-<zone>` (the chart\'s _helpers.tpl)', () => {
    expect([ComponentId.API, ComponentId.MANAGER, ComponentId.PROXY].map((id) => c.components[id]!.zoneServiceName)).toEqual(['kasm-api-{zone}', 'kasm-manager-{zone}', 'kasm-proxy-{zone}']);
    expect(c.components[ComponentId.GUAC]!.zoneServiceName).toBeUndefined();
    expect(c.seedsZoneSettings).toBe(true);
  });

  test('api and manager env: pool, TLS to the database, ephemeral server ids; the 1.18 variables are gone', () => {
    expect(env(ComponentId.API)).toMatchObject({ POSTGRES_POOL_SIZE: '10', POSTGRES_MAX_OVERFLOW: '20', KASM_DB_SSL: 'true', KASM_EPHEMERAL: 'true', SERVER_ID: 'auto', SERVER_HOSTNAME: 'kasm-api-default' });
    expect(env(ComponentId.MANAGER)).toMatchObject({ MANAGER_ID: 'auto', SERVER_HOSTNAME: 'kasm-manager-default', KASM_DB_SSL: 'true' });
    for (const id of [ComponentId.API, ComponentId.GUAC, ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY]) {
      expect(env(id)).not.toHaveProperty('KUBERNETES_SERVICE_HOST');
      expect(env(id)).not.toHaveProperty('START_SERVICES');
    }
    expect(c.components[ComponentId.MANAGER]!.ports[0].name).toBe('manager-pt');
  });

  test('guac and the RDP gateways reach the api through the proxy, and the proxy does not wait for them', () => {
    for (const id of [ComponentId.GUAC, ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY]) {
      expect(env(id)).toMatchObject({ API_SCHEMA: 'http', API_HOSTNAME: 'kasm-proxy-default', API_PORT: '8080' });
      expect(c.edges.filter((e) => e.from === id && e.waitFor).map((e) => `${e.to}:${e.port}`)).toEqual(['proxy:8080']);
    }
    expect(c.edges.filter((e) => e.from === ComponentId.PROXY && e.waitFor).map((e) => e.to)).toEqual([ComponentId.API, ComponentId.MANAGER]);
  });

  test('api and manager wait for the seed and the schema at alembic head; the wait runs Kasm\'s alembic with its config', () => {
    for (const id of [ComponentId.API, ComponentId.MANAGER]) {
      expect(c.edges.find((e) => e.from === id && e.to === ComponentId.DB)!.waitFor).toBe(ReadinessCheck.DATABASE_MIGRATED);
    }
    expect(ALEMBIC_AT_HEAD).toContain('alembic -c /tmp/alembic.ini -x kasm_config=/opt/kasm/current/conf/app/api/api.app.config.yaml current');
    const api = (Testing.synth(new K3sDev(Testing.app(), 'dev', { version: KasmVersion.V1_19_0 })) as Manifest[]).find((m) => m.kind === 'Deployment' && m.metadata.name === 'kasm-api')!;
    const wait = api.spec.template.spec.initContainers.find((i: any) => i.name === 'wait-for-database');
    expect(wait.command[2]).toContain('grep -q "(head)"');
    expect(wait.volumeMounts).toEqual([{ name: expect.any(String), mountPath: '/tmp' }]);
    expect(api.spec.template.spec.volumes.map((v: any) => v.name)).toContain(wait.volumeMounts[0].name);
  });

  test('db-init: SERVER_HOSTNAME <rel>-api and the image\'s seed; the upgrade: from 1.18.1 with the image\'s migration', () => {
    expect(Object.fromEntries(c.dbInit.env.filter((e) => e.source.kind === 'literal').map((e) => [e.name, (e.source as any).value])))
      .toEqual({ SERVER_HOSTNAME: 'kasm-api', POST_DB_INIT_EXIT: 'true', DB_AUTO_INITIALIZE: 'true' });
    expect(c.upgrade).toEqual({ from: ['1.18.1'], migrateCommand: expect.arrayContaining(['/src/api_server/server.pyc', '--upgrade-database']) });
  });

  test('presets: replicas 1/2/3, nginx workers 2/6/12, database 750m/512Mi, 1500m/2048Mi, 4000m/8192Mi', () => {
    expect([SizePreset.SMALL, SizePreset.MEDIUM, SizePreset.LARGE].map((p) => c.sizing[p][ComponentId.API]!.replicas)).toEqual([1, 2, 3]);
    expect([SizePreset.SMALL, SizePreset.MEDIUM, SizePreset.LARGE].map((p) => c.proxyWorkers[p])).toEqual([2, 6, 12]);
    expect([SizePreset.SMALL, SizePreset.MEDIUM, SizePreset.LARGE].map((p) => {
      const r = c.sizing[p][ComponentId.DB]!.resources;
      return `${r.cpuRequest}/${r.memoryRequest}`;
    })).toEqual(['750m/512Mi', '1500m/2048Mi', '4000m/8192Mi']);
  });
});

test('releases order by their numbers (KasmVersion.ALL is newest first)', () => {
  expect(KasmVersion.V1_19_0.compareTo(KasmVersion.V1_18_1)).toBeGreaterThan(0);
  expect(KasmVersion.V1_16_0.compareTo(KasmVersion.V1_18_1)).toBeLessThan(0);
  expect(KasmVersion.V1_18_1.compareTo(KasmVersion.V1_18_1)).toBe(0);
  expect([...KasmVersion.ALL].sort((a, b) => b.compareTo(a))).toEqual(KasmVersion.ALL);
});
