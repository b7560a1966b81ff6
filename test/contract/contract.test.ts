/**
 * The contract is data other code trusts blindly, so its internal consistency and the facts copied from the
 * official charts are asserted here.
 */
import { ComponentId, KasmVersion, ReadinessCheck, SizePreset } from '../../lib';
import { contractProblems } from '../../lib/contract/check';

describe('contract consistency', () => {
  test('each release loads its own contract entry, once', () => {
    for (const version of KasmVersion.ALL) {
      expect(version.contract.version).toBe(version.version);
      expect(version.contract).toBe(version.contract);
      expect(KasmVersion.of(version.version)).toBe(version);
    }
  });

  for (const version of KasmVersion.ALL) {
    const c = version.contract;
    describe(`Kasm ${version.version}`, () => {
      test('keeps every rule of lib/contract/check (pinned images, IANA port names, edges on declared ports, waits with images, sizing, route owners)', () => {
        expect(contractProblems(c)).toEqual([]);
      });

      test('the api waits for a seeded database, the proxy for the api and the manager', () => {
        const waits = (from: ComponentId) => c.edges.filter((e) => e.from === from && e.waitFor).map((e) => `${e.to}:${e.waitFor}`);
        // 1.19 waits for the schema at alembic head too (the chart's db-is-ready `ready`).
        expect(waits(ComponentId.API)).toEqual([`db:${c.database.postgresMajorVersion >= 16 ? ReadinessCheck.DATABASE_MIGRATED : ReadinessCheck.DATABASE_SEEDED}`]);
        expect(waits(ComponentId.PROXY).slice(0, 2)).toEqual([`api:${ReadinessCheck.HTTP_HEALTHY}`, `manager:${ReadinessCheck.HTTP_HEALTHY}`]);
        expect(waits(ComponentId.DB_INIT)).toEqual([`db:${ReadinessCheck.POSTGRES_ACCEPTING}`]);
      });

      test('the dev preset fits 2 vCPU / 4 GiB next to K3s (under 1 CPU and 2 GiB requested)', () => {
        const dev = Object.values(c.sizing[SizePreset.DEV]);
        const cpu = dev.reduce((sum, s) => sum + s!.replicas * Number(s!.resources.cpuRequest.replace('m', '')), 0);
        const memMi = dev.reduce((sum, s) => sum + s!.replicas * Number(s!.resources.memoryRequest.replace('Mi', '').replace('Gi', '000')), 0);
        expect(cpu).toBeLessThan(1000);
        expect(memMi).toBeLessThan(2048);
      });
    });
  }
});

describe('facts from the official charts', () => {
  test('1.18.1 Service names, ports and images (charts/kasm: the kasm.constants template)', () => {
    const c = KasmVersion.V1_18_1.contract.components;
    const facts = Object.fromEntries(Object.values(c).map((comp) => [comp!.id, `${comp!.serviceName}:${comp!.ports[0].port}/${comp!.ports[0].name} ${comp!.image.repository}:${comp!.image.tag}`]));
    expect(facts).toEqual({
      proxy: 'kasm-proxy-default:8080/proxy-pt-http kasmweb/proxy:1.18.1',
      api: 'kasm-api:8080/api-pt kasmweb/api:1.18.1',
      manager: 'kasm-manager-default:8181/zn0-manager-pt kasmweb/manager:1.18.1',
      guac: 'kasm-guac:3000/guac-pt kasmweb/kasm-guac:1.18.1',
      rdpGateway: 'kasm-rdp-gateway:5555/rdp-gw-pt kasmweb/rdp-gateway:1.18.1',
      rdpHttpsGateway: 'kasm-rdp-https-gateway:9443/rdp-https-gw-pt kasmweb/rdp-https-gateway:1.18.1',
      db: 'kasm-db:5432/db-pt kasmweb/postgres:1.18.1',
    });
  });

  test('1.16.0 Service names, ports and images (kasm-single-zone on release/1.16.0)', () => {
    const c = KasmVersion.V1_16_0.contract.components;
    const facts = Object.fromEntries(Object.values(c).map((comp) => [comp!.id, `${comp!.serviceName}:${comp!.ports[0].port} ${comp!.image.repository}:${comp!.image.tag}`]));
    expect(facts).toEqual({
      proxy: 'kasm-proxy:8080 kasmweb/proxy:1.16.0',
      api: 'kasm-api:8080 kasmweb/api:1.16.0',
      manager: 'kasm-manager:8181 kasmweb/manager:1.16.0',
      guac: 'kasm-guac:3000 kasmweb/kasm-guac:1.16.0',
      rdpGateway: 'rdp-gateway:5555 kasmweb/rdp-gateway:1.16.0',
      rdpHttpsGateway: 'rdp-https-gateway:9443 kasmweb/rdp-https-gateway:1.16.0',
      share: 'kasm-share:8182 kasmweb/share:1.16.0',
      redis: 'kasm-redis:6379 redis:5.0.14-alpine',
      db: 'db:5432 kasmweb/postgres:1.16.0',
    });
  });

  test('1.18.1 env names match the chart exactly (§2.2)', () => {
    const c = KasmVersion.V1_18_1.contract.components;
    const names = (id: ComponentId) => c[id]!.env.map((e) => e.name);
    expect(names(ComponentId.API)).toEqual(['START_SERVICES', 'KUBERNETES_SERVICE_HOST', 'POSTGRES_HOST', 'POSTGRES_PORT', 'POSTGRES_DB', 'POSTGRES_USER', 'POSTGRES_PASSWORD']);
    expect(names(ComponentId.MANAGER)).toEqual(['LOG_LEVEL', 'SERVER_ZONE_NAME', 'POSTGRES_HOST', 'POSTGRES_PORT', 'POSTGRES_DB', 'POSTGRES_USER', 'POSTGRES_PASSWORD']);
    expect(names(ComponentId.GUAC)).toEqual(['CLUSTER_SIZE', 'REGISTRATION_TOKEN', 'ZONE', 'KUBERNETES_SERVICE_HOST', 'SERVER_ADDRESS', 'SERVER_PORT']);
    expect(names(ComponentId.RDP_GATEWAY)).toEqual(['SERVER_ZONE_NAME', 'REGISTRATION_TOKEN', 'KUBERNETES_SERVICE_HOST']);
  });

  test('secret keys per release (1.18.1 dropped redis-password)', () => {
    expect(KasmVersion.V1_18_1.contract.secretKeys).not.toContain('redis-password');
    expect(KasmVersion.V1_16_0.contract.secretKeys).toContain('redis-password');
  });
});
