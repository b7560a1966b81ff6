/**
 * Building blocks shared by the release contracts: the proxy's route table, resource presets and health checks.
 *
 * Only facts that hold for every supported release live here; anything a release changes is a parameter.
 */
import {
  ComponentId, DependencyEdge, ExternalPeer, HealthCheck, ProxyRoute, ProxyUpstream, ReadinessCheck, ResourceContract,
  SizingContract,
} from './types';

/** Health paths, unchanged from 1.16 to 1.18.1 (reference: kasm-helm-newer.md §2.4). */
export const HEALTH_PATHS = {
  api: '/api/__healthcheck',
  component: '/__healthcheck',
  rdpHttpsGateway: '/rdp-https-gateway/__healthcheck',
} as const;

/** Well-known ports, unchanged from 1.16 to 1.18.1. */
export const PORTS = {
  proxyHttp: 8080,
  proxyHttps: 8443,
  api: 8080,
  manager: 8181,
  guac: 3000,
  guacd: [3001, 3002, 3003, 3004] as readonly number[],
  rdpGateway: 5555,
  rdpNative: 3389,
  rdpHttpsGateway: 9443,
  share: 8182,
  redis: 6379,
  postgres: 5432,
  /** Kasm agents serve their API and the desktop streams on HTTPS 443. */
  agentHttps: 443,
  /** Server connections: RDP, VNC and SSH. */
  serverRdp: 3389,
  serverVnc: 5900,
  serverSsh: 22,
} as const;

/** An HTTP GET health check. */
export function httpCheck(port: number, path: string, scheme: 'HTTP' | 'HTTPS' = 'HTTP'): HealthCheck {
  return { kind: 'http', port, path, scheme };
}

/** A TCP connect health check. */
export function tcpCheck(port: number): HealthCheck {
  return { kind: 'tcp', port };
}

/** Resources with the ephemeral-storage figures every official preset uses (50Mi requested, 2Gi limit). */
export function resources(cpuRequest: string, memoryRequest: string, cpuLimit: string, memoryLimit: string): ResourceContract {
  return { cpuRequest, memoryRequest, cpuLimit, memoryLimit, ephemeralStorageRequest: '50Mi', ephemeralStorageLimit: '2Gi' };
}

/** A sizing entry. */
export function sized(replicas: number, res: ResourceContract): SizingContract {
  return { replicas, resources: res };
}

/** Resources of every wait-for init container (the 1.18.1 chart's figures). */
export const WAIT_RESOURCES: ResourceContract = {
  cpuRequest: '10m', memoryRequest: '32Mi', cpuLimit: '200m', memoryLimit: '128Mi',
  ephemeralStorageRequest: '10Mi', ephemeralStorageLimit: '64Mi',
};

/** Resources of the db-init Job (a one-shot python seed run). */
export const DB_INIT_RESOURCES: ResourceContract = resources('100m', '128Mi', '1000m', '512Mi');

/** Names of the proxy's nginx upstream blocks. */
export const UPSTREAMS = {
  api: 'upstream_api',
  manager: 'upstream_manager',
  guacd: 'upstream_guacd',
  rdpGateway: 'upstream_rdp_gateway',
  rdpHttpsGateway: 'upstream_rdp_https_gateway',
  share: 'upstream_share',
} as const;

/** Options that differ between releases in the proxy route table. */
export interface RouteTableOptions {
  /** 1.17+ rewrites `/workspace/<...>` UI paths on the static root. */
  readonly workspaceRewrites: boolean;
  /** Whether the release ships Kasm Share (`/api/share/`). */
  readonly share: boolean;
}

/**
 * The proxy's upstream blocks, one per component it calls through a keepalive pool.
 */
export function proxyUpstreams(share: boolean): ProxyUpstream[] {
  const list: ProxyUpstream[] = [
    { name: UPSTREAMS.api, component: ComponentId.API, ports: [PORTS.api] },
    { name: UPSTREAMS.manager, component: ComponentId.MANAGER, ports: [PORTS.manager] },
    { name: UPSTREAMS.guacd, component: ComponentId.GUAC, ports: PORTS.guacd },
    { name: UPSTREAMS.rdpGateway, component: ComponentId.RDP_GATEWAY, ports: [PORTS.rdpGateway] },
    { name: UPSTREAMS.rdpHttpsGateway, component: ComponentId.RDP_HTTPS_GATEWAY, ports: [PORTS.rdpHttpsGateway] },
  ];
  if (share) list.push({ name: UPSTREAMS.share, component: ComponentId.SHARE, ports: [PORTS.share] });
  return list;
}

/** The regex that matches Guacamole session links, `/kasmguac/<kasm id>/<service>/<path>`. */
const KASMGUAC_SERVICE = '~ ^/kasmguac/([0-9a-f-]+)/(\\w+)(?!/vnc.htmlguaclite)(/.+)';
const KASMGUAC_WEBSOCKET = '~ ^/kasmguac/([0-9a-f-]+)/vnc/vnc.htmlguaclite';

/**
 * The proxy's route table (reference: kasm-helm-inventory.md §2.8 and kasm-helm-newer.md §2.9), with the
 * component that owns each route so a disabled component takes its routes with it.
 */
export function proxyRoutes(opts: RouteTableOptions): { routes: ProxyRoute[]; owners: Record<string, ComponentId> } {
  const owned: [ProxyRoute, ComponentId][] = [
    [{ kind: 'ok', location: '= /checkvalid' }, ComponentId.PROXY],
    [{ kind: 'service', location: '/api/admin/', upstream: UPSTREAMS.api, forwardedPort: true, hsts: true }, ComponentId.API],
    [{ kind: 'service', location: '/api/', upstream: UPSTREAMS.api, forwardedPort: true, hsts: true }, ComponentId.API],
    [{ kind: 'service', location: '/api/subscriptions/', upstream: UPSTREAMS.api, cors: 'subscriptions', hsts: true }, ComponentId.API],
    [{ kind: 'service', location: '/manager_api/', upstream: UPSTREAMS.manager, upstreamPath: '/' }, ComponentId.MANAGER],
    [{ kind: 'authSubrequest', location: '/kasm_connect', component: ComponentId.API, port: PORTS.api, path: '/api/kasm_connect/', passCookies: true }, ComponentId.API],
    [{ kind: 'agentSession', location: '/desktop/', authLocation: '/kasm_connect', stripPrefix: '/desktop/', dynamicScheme: true, bearer: false }, ComponentId.API],
    [{ kind: 'guacLoopback', location: KASMGUAC_SERVICE, target: 'loopback' }, ComponentId.GUAC],
    [{ kind: 'guacLoopback', location: KASMGUAC_WEBSOCKET, target: 'backend' }, ComponentId.GUAC],
    [{ kind: 'corsPreflight', location: '/_options_response' }, ComponentId.PROXY],
    [{ kind: 'static', location: '/', root: '/srv/www', workspaceRewrites: opts.workspaceRewrites }, ComponentId.PROXY],
    [{ kind: 'direct', location: '/guac_connect/vnc/', component: ComponentId.GUAC, port: PORTS.guac, path: '/', longLived: true }, ComponentId.GUAC],
    [{ kind: 'guacLoopback', location: '/guac_connect/vnc/vnc.htmlguaclite', target: 'backend' }, ComponentId.GUAC],
    [{ kind: 'authSubrequest', location: '/vm_connect', component: ComponentId.GUAC, port: PORTS.guac, path: '/vm_connect', passCookies: false }, ComponentId.GUAC],
    [{ kind: 'agentSession', location: '/guac_connect/uploads/', authLocation: '/vm_connect', stripPrefix: '/guac_connect/uploads/', dynamicScheme: false, bearer: true }, ComponentId.GUAC],
    [{ kind: 'agentSession', location: '/guac_connect/downloads/', authLocation: '/vm_connect', stripPrefix: '/guac_connect/downloads/', dynamicScheme: false, bearer: true }, ComponentId.GUAC],
    [{ kind: 'agentSession', location: '/guac_connect/api/', authLocation: '/vm_connect', stripPrefix: '/guac_connect/api/', dynamicScheme: false, bearer: true }, ComponentId.GUAC],
    [{ kind: 'direct', location: '/guac_login', component: ComponentId.GUAC, port: PORTS.guac, path: '/guac_login' }, ComponentId.GUAC],
    [{ kind: 'direct', location: '/guac/__healthcheck', component: ComponentId.GUAC, port: PORTS.guac, path: '/__healthcheck' }, ComponentId.GUAC],
    [{ kind: 'direct', location: '/guac/vm_disconnect', component: ComponentId.GUAC, port: PORTS.guac, path: '/vm_disconnect' }, ComponentId.GUAC],
    [{ kind: 'service', location: '/rdp-gateway/', upstream: UPSTREAMS.rdpGateway, upstreamPath: '/' }, ComponentId.RDP_GATEWAY],
    [{ kind: 'service', location: '/rdp-https-gateway/', upstream: UPSTREAMS.rdpHttpsGateway, scheme: 'https', longLived: true }, ComponentId.RDP_HTTPS_GATEWAY],
    [{ kind: 'service', location: '/remoteDesktopGateway', upstream: UPSTREAMS.rdpHttpsGateway, scheme: 'https', longLived: true }, ComponentId.RDP_HTTPS_GATEWAY],
    [{ kind: 'service', location: '/rpc', upstream: UPSTREAMS.rdpHttpsGateway, scheme: 'https', longLived: true, timeoutSeconds: 3600 }, ComponentId.RDP_HTTPS_GATEWAY],
  ];
  if (opts.share) {
    owned.push([{ kind: 'service', location: '/api/share/', upstream: UPSTREAMS.share, hsts: true }, ComponentId.SHARE]);
  }
  const owners: Record<string, ComponentId> = {};
  for (const [route, owner] of owned) owners[route.location] = owner;
  return { routes: owned.map(([route]) => route), owners };
}

/** Parameters of the edges every release has. */
export interface CommonEdgeOptions {
  readonly share: boolean;
}

/**
 * The dependency graph every supported release shares (reference: kasm-helm-inventory.md §6,
 * kasm-helm-newer.md §2.3, and the 1.19 chart's NetworkPolicies for edges the older charts leave implicit).
 */
export function commonEdges(opts: CommonEdgeOptions): DependencyEdge[] {
  const edges: DependencyEdge[] = [
    { from: ComponentId.DB_INIT, to: ComponentId.DB, port: PORTS.postgres, purpose: 'seeds the schema', waitFor: ReadinessCheck.POSTGRES_ACCEPTING },
    { from: ComponentId.API, to: ComponentId.DB, port: PORTS.postgres, purpose: 'reads and writes Kasm state', waitFor: ReadinessCheck.DATABASE_SEEDED },
    { from: ComponentId.MANAGER, to: ComponentId.DB, port: PORTS.postgres, purpose: 'reads and writes zone state' },
    { from: ComponentId.MANAGER, to: ComponentId.API, port: PORTS.api, purpose: 'registers with the api', waitFor: ReadinessCheck.HTTP_HEALTHY },
    // [inference] The 1.19 chart admits api -> manager:8181; the older charts have no policies to tell.
    { from: ComponentId.API, to: ComponentId.MANAGER, port: PORTS.manager, purpose: 'forwards manager calls' },
    { from: ComponentId.GUAC, to: ComponentId.API, port: PORTS.api, purpose: 'registers with the service token', waitFor: ReadinessCheck.HTTP_HEALTHY },
    { from: ComponentId.RDP_GATEWAY, to: ComponentId.API, port: PORTS.api, purpose: 'registers with the service token', waitFor: ReadinessCheck.HTTP_HEALTHY },
    { from: ComponentId.RDP_HTTPS_GATEWAY, to: ComponentId.API, port: PORTS.api, purpose: 'registers with the service token', waitFor: ReadinessCheck.HTTP_HEALTHY },
    { from: ComponentId.PROXY, to: ComponentId.API, port: PORTS.api, purpose: 'routes /api/', waitFor: ReadinessCheck.HTTP_HEALTHY },
    { from: ComponentId.PROXY, to: ComponentId.MANAGER, port: PORTS.manager, purpose: 'routes /manager_api/', waitFor: ReadinessCheck.HTTP_HEALTHY },
  ];
  if (opts.share) {
    edges.push(
      { from: ComponentId.SHARE, to: ComponentId.REDIS, port: PORTS.redis, purpose: 'keeps share sessions', waitFor: ReadinessCheck.REDIS_PONG },
      { from: ComponentId.SHARE, to: ComponentId.API, port: PORTS.api, purpose: 'registers with the api', waitFor: ReadinessCheck.HTTP_HEALTHY },
      { from: ComponentId.SHARE, to: ComponentId.DB, port: PORTS.postgres, purpose: 'reads share state' },
      // The share image has no verified HTTP health path (the chart probes it with TCP), so the proxy waits for the port.
      { from: ComponentId.PROXY, to: ComponentId.SHARE, port: PORTS.share, purpose: 'routes /api/share/', waitFor: ReadinessCheck.TCP_OPEN },
    );
  }
  edges.push(
    { from: ComponentId.PROXY, to: ComponentId.GUAC, port: PORTS.guac, purpose: 'routes /guac_connect/', waitFor: ReadinessCheck.HTTP_HEALTHY },
    ...PORTS.guacd.map((port): DependencyEdge => ({ from: ComponentId.PROXY, to: ComponentId.GUAC, port, purpose: 'streams guacd sessions' })),
    { from: ComponentId.PROXY, to: ComponentId.RDP_GATEWAY, port: PORTS.rdpGateway, purpose: 'routes /rdp-gateway/', waitFor: ReadinessCheck.HTTP_HEALTHY },
    { from: ComponentId.PROXY, to: ComponentId.RDP_HTTPS_GATEWAY, port: PORTS.rdpHttpsGateway, purpose: 'routes RDP over HTTPS' },
    { from: ExternalPeer.INGRESS_CONTROLLER, to: ComponentId.PROXY, port: PORTS.proxyHttp, purpose: 'browser traffic from the ingress' },
    { from: ComponentId.PROXY, to: ExternalPeer.AGENTS, port: PORTS.agentHttps, purpose: 'streams desktop sessions from agents' },
    // [inference] The manager provisions sessions through the agents' HTTPS API (Kasm's port guide: agents listen on 443).
    { from: ComponentId.MANAGER, to: ExternalPeer.AGENTS, port: PORTS.agentHttps, purpose: 'provisions sessions on agents' },
    // [inference] Agents check in through the zone's upstream auth address, the proxy's HTTPS listener.
    { from: ExternalPeer.AGENTS, to: ComponentId.PROXY, port: PORTS.proxyHttps, purpose: 'agents check in with the manager' },
    // [inference] Server connections (Kasm's "Servers"): guac speaks RDP, VNC and SSH to them, the RDP gateways RDP.
    { from: ComponentId.GUAC, to: ExternalPeer.SERVERS, port: PORTS.serverRdp, purpose: 'connects users to RDP servers' },
    { from: ComponentId.GUAC, to: ExternalPeer.SERVERS, port: PORTS.serverVnc, purpose: 'connects users to VNC servers' },
    { from: ComponentId.GUAC, to: ExternalPeer.SERVERS, port: PORTS.serverSsh, purpose: 'connects users to SSH servers' },
    { from: ComponentId.RDP_GATEWAY, to: ExternalPeer.SERVERS, port: PORTS.serverRdp, purpose: 'relays native RDP clients' },
    { from: ComponentId.RDP_HTTPS_GATEWAY, to: ExternalPeer.SERVERS, port: PORTS.serverRdp, purpose: 'relays RDP over HTTPS' },
  );
  return edges;
}
