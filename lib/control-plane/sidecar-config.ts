/**
 * The nginx configuration of a gateway's TLS sidecar (Kasm 1.19: guac on 9000, the RDP gateways on 9001 and 9002),
 * generated from the sidecar's contract like the proxy's is from its route table (private to the control plane).
 */
import { UPSTREAMS } from '../contract/routes';
import {
  ComponentContract, ComponentId, KasmContract, ProxyRoute, SidecarContract,
} from '../contract/types';
import { renderRoute, RouteContext } from './nginx-routes';
import { HTTP_MAPS, nginxConfHead, serviceDnsName, tlsListener } from './proxy-config';

/** Inputs of {@link renderSidecarConfig}. */
export interface SidecarConfigOptions {
  readonly contract: KasmContract;
  /** The component whose pod the sidecar runs in: its own ports are on loopback. */
  readonly component: ComponentContract;
  readonly sidecar: SidecarContract;
  /** Components that are deployed; routes to the others are left out. */
  readonly enabled: ReadonlySet<ComponentId>;
  /** IP of the cluster DNS Service (agent host names in the guac sidecar's upload routes). */
  readonly dnsResolver: string;
  readonly sessionTimeoutSeconds: number;
  readonly cluster: { readonly namespace: string; readonly clusterDomain: string };
}

/** Where the sidecar's file is mounted. */
export const SIDECAR_CONFIG_PATH = '/etc/nginx/nginx.conf';

/** The sidecar's one file, `nginx.conf`: maps, upstreams on loopback and the TLS server with its routes. */
export function renderSidecarConfig(opts: SidecarConfigOptions): { 'nginx.conf': string } {
  const { component, sidecar } = opts;
  const nginx = sidecar.nginx;
  if (!nginx) throw new Error(`sidecar ${sidecar.name} of ${component.id} has no nginx configuration in Kasm ${opts.contract.version}`);
  const tls = sidecar.tlsMounts[0];
  if (!tls) throw new Error(`sidecar ${sidecar.name} of ${component.id} has no TLS mount for its listener`);
  const serviceOf = (id: ComponentId): string => {
    const c = opts.contract.components[id];
    if (!c) throw new Error(`sidecar ${sidecar.name} routes to ${id}, which Kasm ${opts.contract.version} does not ship`);
    return c.serviceName;
  };
  const upstreamOf = (name: string) => {
    const u = nginx.upstreams.find((up) => up.name === name);
    if (!u) throw new Error(`sidecar ${sidecar.name} of ${component.id} routes to upstream ${name}, which it does not define`);
    return u;
  };
  const ctx: RouteContext = {
    // The pod's own gateway on loopback; anything else through its Service.
    hostOf: (id) => (id === component.id ? '127.0.0.1' : serviceDnsName(serviceOf(id), opts.cluster)),
    resolvePeersPerRequest: true,
    tlsNameOf: (id) => serviceDnsName(serviceOf(id), opts.cluster),
    upstreamComponent: (name) => upstreamOf(name).component,
    caPath: tls.caPath,
    sessionTimeoutSeconds: opts.sessionTimeoutSeconds,
    loopbackPort: sidecar.ports[0].port,
    guacdUpstream: () => upstreamOf(UPSTREAMS.guacd).name,
  };
  // A forward to a component this deployment lacks (rdp-gateway's /guac/vm_disconnect without guac) is answered 200
  // by nginx itself, as rdp-gateway-nginx-configmap.yaml@61a998a answers it: the call is bookkeeping.
  const routes = nginx.routes.map((r): ProxyRoute => ('component' in r && !opts.enabled.has(r.component) ? { kind: 'ok', location: r.location } : r));
  const indent = (lines: string[]) => lines.map((l) => (l === '' ? l : `    ${l}`));
  const text = [
    ...nginxConfHead(1, '/run/nginx.pid'),
    '  access_log /dev/stdout;',
    '',
    ...HTTP_MAPS.map((l) => (l === '' ? l : `  ${l}`)),
    `  resolver ${opts.dnsResolver} valid=30s ipv6=off;`,
    '  resolver_timeout 5s;',
    '',
    ...nginx.upstreams.flatMap((u) => [
      `  upstream ${u.name} {`,
      ...u.ports.map((port) => `    server ${ctx.hostOf(u.component)}:${port};`),
      '    keepalive 16;',
      '  }',
      '',
    ]),
    '  server {',
    `    listen ${sidecar.ports[0].port} ssl;`,
    ...indent(tlsListener(tls.certPath, tls.keyPath)),
    '    client_max_body_size 1G;',
    '    absolute_redirect off;',
    '    proxy_intercept_errors on;',
    '    error_page 500 = @internal_error;',
    '    location @internal_error {',
    '      default_type text/html;',
    '      return 500 "<h1>Internal Error</h1>";',
    '    }',
    '',
    ...indent(routes.flatMap((r) => renderRoute(r, ctx))),
    '  }',
    '}',
    '',
  ].join('\n');
  return { 'nginx.conf': text };
}
