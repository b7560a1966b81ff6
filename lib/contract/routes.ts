/**
 * The proxy's nginx route table and upstream blocks, as data (rendered by `lib/control-plane/proxy-config.ts`).
 */
import { PORTS } from './ports';
import { ComponentId, ProxyRoute, ProxyUpstream } from './types';

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
 * The proxy's route table (the official charts' proxy nginx ConfigMaps, `proxy-configmaps.yaml`), with the
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
