/**
 * The contract is data other code trusts blindly, so its internal consistency and the facts copied from the
 * official charts are asserted here.
 */
import { ComponentId, ExternalPeer, KasmVersion, ReadinessCheck, ScalingMode, SizePreset } from '../../lib';

describe('contract consistency', () => {
  for (const version of KasmVersion.ALL) {
    const c = version.contract;
    describe(`Kasm ${version.version}`, () => {
      test('every image is pinned to an exact tag', () => {
        const images = [
          ...Object.values(c.components).map((comp) => comp!.image),
          c.dbInit.image,
          ...Object.values(c.waitImages),
        ];
        for (const image of images) {
          expect(image!.tag).toMatch(/^[0-9]+\.[0-9]+\.[0-9]+(-[a-z0-9.]+)?$/);
          expect(image!.tag).not.toMatch(/latest|develop|rolling/);
        }
      });

      test('port names fit IANA_SVC_NAME (15 characters, lowercase, no leading digit)', () => {
        for (const comp of Object.values(c.components)) {
          for (const p of comp!.ports) {
            expect(p.name.length).toBeLessThanOrEqual(15);
            expect(p.name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
          }
        }
      });

      test('every edge targets a port the destination declares', () => {
        for (const e of c.edges) {
          if (Object.values(ExternalPeer).includes(e.to as ExternalPeer)) continue;
          const target = c.components[e.to as ComponentId];
          expect(target).toBeDefined();
          expect(target!.ports.map((p) => p.port)).toContain(e.port);
        }
      });

      test('every wait has an image that carries its tool', () => {
        for (const e of c.edges.filter((edge) => edge.waitFor)) {
          expect(c.waitImages[e.waitFor!]).toBeDefined();
        }
      });

      test('every component has sizing in every preset, and fixed-size components one replica', () => {
        for (const preset of Object.values(SizePreset)) {
          for (const [id, comp] of Object.entries(c.components)) {
            const s = c.sizing[preset][id as ComponentId];
            expect(s).toBeDefined();
            if (comp!.scaling === ScalingMode.FIXED) expect(s!.replicas).toBe(1);
          }
        }
      });

      test('every proxy route has an owner and every upstream a component', () => {
        for (const r of c.proxy.routes) expect(c.proxy.routeOwners[r.location]).toBeDefined();
        for (const u of c.proxy.upstreams) expect(c.components[u.component]).toBeDefined();
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
  test('1.18.1 Service names, ports and images (kasm-helm-newer.md §2.1)', () => {
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

  test('1.16.0 Service names, ports and images (kasm-helm-inventory.md §2.1)', () => {
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
