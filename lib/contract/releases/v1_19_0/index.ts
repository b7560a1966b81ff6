/**
 * Kasm Workspaces 1.19.0, as the official `charts/kasm-helm` 1.1190.x deploys it
 * (https://github.com/kasmtech/kasm-helm, `charts/kasm-helm/templates/`), in parts: the web tier (./web.ts), the
 * gateways with their TLS sidecars (./gateways.ts), the database (./database.ts) and the presets (./sizing.ts).
 *
 * Facts are the chart's; [read] marks one taken from a template, [inference] our reasoning, [decision] where we differ
 * on purpose. Where the chart's file versions disagree, the entry names both and says which it follows.
 */
import { commonEdges } from '../../graph';
import { PORTS } from '../../ports';
import {
  ComponentId, KasmContract, ReadinessCheck, SecretKey, SizePreset, TlsRole,
} from '../../types';
import { image, TAG } from './common';
import { database, db, dbInit } from './database';
import { gatewayEdges, guac, rdpGateway, rdpHttpsGateway } from './gateways';
import { SIZING } from './sizing';
import {
  api, manager, proxy, PROXY_ROUTES, PROXY_UPSTREAMS,
} from './web';

/** The Kasm 1.19.0 contract. */
export const KASM_1_19_0: KasmContract = {
  version: TAG,
  components: {
    [ComponentId.PROXY]: proxy,
    [ComponentId.API]: api,
    [ComponentId.MANAGER]: manager,
    [ComponentId.GUAC]: guac,
    [ComponentId.RDP_GATEWAY]: rdpGateway,
    [ComponentId.RDP_HTTPS_GATEWAY]: rdpHttpsGateway,
    [ComponentId.DB]: db,
  },
  database,
  dbInit,
  proxy: {
    httpPort: PORTS.proxyHttp,
    httpsPort: PORTS.proxyHttps,
    upstreams: PROXY_UPSTREAMS,
    routes: PROXY_ROUTES.routes,
    routeOwners: PROXY_ROUTES.owners,
    configDir: '/etc/nginx/conf.d',
    servicesDir: '/etc/nginx/conf.d/services.d',
    staticRoot: '/srv/www',
  },
  edges: gatewayEdges(commonEdges({ share: false, gatewaysCallApiThroughProxy: true, databaseReady: ReadinessCheck.DATABASE_MIGRATED })),
  secretKeys: [SecretKey.ADMIN_PASSWORD, SecretKey.USER_PASSWORD, SecretKey.DB_PASSWORD, SecretKey.MANAGER_TOKEN, SecretKey.SERVICE_TOKEN],
  tlsRoles: {
    [TlsRole.PROXY]: [ComponentId.PROXY],
    // [read] The chart mounts one certificate into every gateway and its sidecar; ours is the RDP role's, whose
    // certificate carries each gateway's Service names and the StatefulSets' per-pod names.
    [TlsRole.RDP]: [ComponentId.GUAC, ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY],
    [TlsRole.DB]: [ComponentId.DB],
  },
  sizing: SIZING,
  // [read] proxy nginx worker processes 2/6/12.
  proxyWorkers: { [SizePreset.DEV]: 1, [SizePreset.SMALL]: 2, [SizePreset.MEDIUM]: 6, [SizePreset.LARGE]: 12 },
  // [read] Every init container, Job and CronJob of the 1.19 chart runs kasmweb/api (curl, psql, pg_isready, alembic).
  waitImages: {
    [ReadinessCheck.HTTP_HEALTHY]: image('api'),
    [ReadinessCheck.POSTGRES_ACCEPTING]: image('api'),
    [ReadinessCheck.DATABASE_SEEDED]: image('api'),
    [ReadinessCheck.DATABASE_MIGRATED]: image('api'),
  },
  optionalComponents: [ComponentId.GUAC, ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY],
  // [read] The 1.1190.7 preseed writes `kasmZones[].upstream_auth_address` into the zone; [inference] the preseed's
  // zone keys are the `zones` table's columns (`zone_name`, `upstream_auth_address`).
  seedsZoneSettings: true,
  upgrade: {
    // [inference] Kasm documents upgrades from the previous release; 1.16.0 must go through 1.18.1 first.
    from: ['1.18.1'],
    // [read] db-upgrade-job: the api image migrates the schema in place.
    migrateCommand: [
      'python3', '/src/api_server/server.pyc', '--upgrade-database',
      '--cfg', '/opt/kasm/current/conf/app/api/api.app.config.yaml',
      '--alembic-config', '/src/database/migration/alembic.ini',
    ],
  },
};
