/**
 * The Kasm proxy's nginx configuration, generated from the contract's route table.
 *
 * Written here rather than copied from the official chart, and different from it on purpose where the chart is
 * wrong for Kubernetes: every route forwards the scheme the browser used (`X-Forwarded-Proto` from the ingress,
 * not the proxy's own `$scheme`, which is `http` behind a TLS-terminating Traefik), nginx gets an explicit DNS
 * resolver (agent host names in `proxy_pass $connect_hostname` need one; the chart has none), keepalive upstreams
 * clear the `Connection` header unless the client upgrades, and logs go to stdout/stderr for `kubectl logs`.
 */
import { compareText } from '../core/order';
import { UPSTREAMS } from '../contract/routes';
import { ComponentId, KasmContract, ProxyUpstream } from '../contract/types';
import { renderRoute, RouteContext } from './nginx-routes';

/** Inputs the generated configuration depends on besides the contract. */
export interface ProxyConfigOptions {
  readonly contract: KasmContract;
  /** Components that are deployed; routes and upstreams of the others are left out. */
  readonly enabled: ReadonlySet<ComponentId>;
  /** nginx worker processes. */
  readonly workerProcesses: number;
  /** IP of the cluster DNS Service, for names resolved at request time. */
  readonly dnsResolver: string;
  /** Idle timeout of desktop, Guacamole and RDP connections, in seconds. */
  readonly sessionTimeoutSeconds: number;
  /**
   * The namespace and cluster DNS domain, for the names verified TLS hops expect (`<service>.<namespace>.svc.<domain>`).
   * @default { namespace: 'kasm', clusterDomain: 'cluster.local' }
   */
  readonly cluster?: { readonly namespace: string; readonly clusterDomain: string };
}

/** The DNS name a component's certificate carries for its Service (see lib/security/certificates.ts). */
export function serviceDnsName(service: string, cluster: { namespace: string; clusterDomain: string }): string {
  return `${service}.${cluster.namespace}.svc.${cluster.clusterDomain}`;
}

/** The http-level maps every generated nginx shares: the browser's scheme and port, and websocket upgrades. */
export const HTTP_MAPS: readonly string[] = [
  '# The scheme and port the browser used: the ingress sets X-Forwarded-*, a direct client does not.',
  'map $http_x_forwarded_proto $x_forwarded_proto {',
  '  default $http_x_forwarded_proto;',
  '  ""      $scheme;',
  '}',
  'map $http_host $host_port {',
  '  default 443;',
  '  "~^[^:]+:(?<p>[0-9]+)$" $p;',
  '}',
  'map $http_x_forwarded_port $x_forwarded_port {',
  '  default $http_x_forwarded_port;',
  '  ""      $host_port;',
  '}',
  '# Keep upstream connections alive unless the client asks for a websocket upgrade.',
  'map $http_upgrade $connection_upgrade {',
  '  default upgrade;',
  '  ""      "";',
  '}',
  '',
];

/** The TLS listener settings every generated nginx uses. */
export function tlsListener(certPath: string, keyPath: string): string[] {
  return [
    `ssl_certificate ${certPath};`,
    `ssl_certificate_key ${keyPath};`,
    'ssl_protocols TLSv1.2 TLSv1.3;',
    'ssl_prefer_server_ciphers off;',
    'ssl_ciphers "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:'
      + 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";',
  ];
}

/** The files of the proxy ConfigMap, keyed by file name. */
export interface ProxyConfigFiles {
  /** Replaces `/etc/nginx/nginx.conf`. */
  readonly 'nginx.conf': string;
  /** `http`-level configuration in `/etc/nginx/conf.d/`: maps, resolver, upstreams and the two servers. */
  readonly 'kasm.conf': string;
  /** The locations both servers include (not `*.conf`, so the http-level include skips it). */
  readonly 'kasm-locations.inc': string;
}

/** Where the generated files are mounted in the proxy container. */
export const PROXY_CONFIG_PATHS = {
  nginxConf: '/etc/nginx/nginx.conf',
  confDir: '/etc/nginx/conf.d',
  locations: '/etc/nginx/conf.d/kasm-locations.inc',
  pid: '/run/nginx.pid',
} as const;

/** Render the three configuration files. */
export function renderProxyConfig(opts: ProxyConfigOptions): ProxyConfigFiles {
  const proxy = opts.contract.proxy;
  const serviceOf = (id: ComponentId): string => {
    const component = opts.contract.components[id];
    if (!component) throw new Error(`proxy route refers to ${id}, which Kasm ${opts.contract.version} does not ship`);
    return component.serviceName;
  };
  const upstreams = proxy.upstreams.filter((u) => opts.enabled.has(u.component));
  const routes = proxy.routes.filter((r) => opts.enabled.has(proxy.routeOwners[r.location]));
  const tls = opts.contract.components[ComponentId.PROXY]!.tlsMounts[0];
  const cluster = opts.cluster ?? { namespace: 'kasm', clusterDomain: 'cluster.local' };
  const ctx: RouteContext = {
    hostOf: serviceOf,
    tlsNameOf: (id) => serviceDnsName(serviceOf(id), cluster),
    upstreamComponent: (name) => {
      const u = proxy.upstreams.find((up) => up.name === name);
      if (!u) throw new Error(`proxy route refers to upstream ${name}, which Kasm ${opts.contract.version} does not define`);
      return u.component;
    },
    caPath: tls.caPath,
    sessionTimeoutSeconds: opts.sessionTimeoutSeconds,
    loopbackPort: proxy.httpPort,
    guacdUpstream: () => guacdUpstream(opts),
  };

  const nginxConf = [
    '# Generated by cdk8s-kasm from the Kasm contract; edit the construct, not this file.',
    `worker_processes ${opts.workerProcesses};`,
    `pid ${PROXY_CONFIG_PATHS.pid};`,
    'error_log stderr warn;',
    '',
    'events {',
    '  worker_connections 1024;',
    '}',
    '',
    'http {',
    '  include /etc/nginx/mime.types;',
    '  default_type application/octet-stream;',
    '  sendfile on;',
    '  keepalive_timeout 65;',
    '  server_tokens off;',
    '',
    '  log_format kasm_json escape=json \'{"time":"$time_iso8601","remote_addr":"$remote_addr",\'',
    '    \'"forwarded_for":"$http_x_forwarded_for","request":"$request","status":"$status",\'',
    '    \'"bytes_sent":"$body_bytes_sent","request_time":"$request_time","upstream":"$upstream_addr",\'',
    '    \'"upstream_status":"$upstream_status","upstream_time":"$upstream_response_time","user":"$cookie_username"}\';',
    '  access_log /dev/stdout kasm_json;',
    '',
    '  gzip on;',
    '  gzip_vary on;',
    '  gzip_proxied any;',
    '  gzip_comp_level 6;',
    '  gzip_types text/plain text/css application/javascript application/json text/xml application/xml image/svg+xml;',
    '',
    `  include ${PROXY_CONFIG_PATHS.confDir}/*.conf;`,
    '}',
    '',
  ].join('\n');

  const kasmConf = [
    '# Generated by cdk8s-kasm from the Kasm contract; edit the construct, not this file.',
    '',
    ...HTTP_MAPS,
    '# Agent and desktop host names are only known per request.',
    `resolver ${opts.dnsResolver} valid=30s ipv6=off;`,
    'resolver_timeout 5s;',
    '',
    ...upstreams.flatMap((u) => renderUpstream(u, serviceOf)),
    renderServer(`listen ${proxy.httpPort};`, []),
    renderServer(`listen ${proxy.httpsPort} ssl;`, tlsListener(tls.certPath, tls.keyPath)),
  ].join('\n');

  const locations = [
    '# Generated by cdk8s-kasm from the Kasm contract; edit the construct, not this file.',
    '',
    ...routes.flatMap((r) => renderRoute(r, ctx)),
  ].join('\n');

  return { 'nginx.conf': nginxConf, 'kasm.conf': kasmConf, 'kasm-locations.inc': locations };
}

function renderUpstream(u: ProxyUpstream, serviceOf: (id: ComponentId) => string): string[] {
  return [
    `upstream ${u.name} {`,
    ...u.ports.map((port) => `  server ${serviceOf(u.component)}:${port};`),
    '  keepalive 16;',
    '}',
    '',
  ];
}

function renderServer(listen: string, tlsLines: string[]): string {
  return [
    'server {',
    `  ${listen}`,
    ...tlsLines.map((l) => `  ${l}`),
    '  client_max_body_size 1G;',
    '  # Redirects nginx makes itself (`/api` -> `/api/`) keep the browser\'s host and scheme: relative, not http://<pod>:8080.',
    '  absolute_redirect off;',
    '  # Hide upstream error pages from users.',
    '  proxy_intercept_errors on;',
    '  error_page 500 = @internal_error;',
    '  location @internal_error {',
    '    default_type text/html;',
    '    return 500 "<h1>Internal Error</h1>";',
    '  }',
    `  include ${PROXY_CONFIG_PATHS.locations};`,
    '}',
    '',
  ].join('\n');
}

/**
 * Every `host:port` the configuration connects to, so the doctor can check each resolves to a Service port.
 */
export function proxyTargets(files: ProxyConfigFiles): { host: string; port: number }[] {
  const found = new Map<string, { host: string; port: number }>();
  const text = `${files['kasm.conf']}\n${files['kasm-locations.inc']}`;
  for (const m of text.matchAll(/(?:server|proxy_pass https?:\/\/)\s*([a-z0-9-]+):([0-9]+)/g)) {
    found.set(`${m[1]}:${m[2]}`, { host: m[1], port: Number(m[2]) });
  }
  return [...found.values()].sort((a, b) => compareText(`${a.host}:${a.port}`, `${b.host}:${b.port}`));
}

/** The guacd backends' upstream block, whichever component serves them (guac, or a connection proxy). */
function guacdUpstream(opts: ProxyConfigOptions): string {
  const u = opts.contract.proxy.upstreams.find((up) => up.name === UPSTREAMS.guacd);
  if (!u) throw new Error(`no ${UPSTREAMS.guacd} upstream in Kasm ${opts.contract.version}`);
  return u.name;
}
