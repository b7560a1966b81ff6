/**
 * nginx `location` blocks for the contract's route kinds, shared by the proxy's configuration and the gateways' TLS
 * sidecars (private to the control plane). Every TLS hop to another component is verified against the internal CA
 * with the name the certificate carries: the Service's or the pod's DNS name, never the upstream block's.
 */
import { ComponentId, ProxyRoute } from '../contract/types';

/** What a route needs besides itself: where components are and how long sessions live. */
export interface RouteContext {
  /** Host a component is reached at in `proxy_pass` (its Service name, or 127.0.0.1 inside its own pod). */
  readonly hostOf: (id: ComponentId) => string;
  /** The DNS name a component's certificate carries, which a verified TLS hop to it expects. */
  readonly tlsNameOf: (id: ComponentId) => string;
  /** The component behind an upstream block. */
  readonly upstreamComponent: (upstream: string) => ComponentId;
  /** The internal CA bundle in the container; a TLS hop without one is refused when the configuration is generated. */
  readonly caPath?: string;
  readonly sessionTimeoutSeconds: number;
  /** The plain-HTTP listener, for routes that loop back into the same nginx. */
  readonly loopbackPort: number;
  /** The upstream block of guacd's backends. */
  readonly guacdUpstream: () => string;
  /**
   * Resolve another pod's host name per request (through `resolver`) rather than once at start, so nginx starts
   * before its peers are ready (a headless Service has no address until a pod is).
   * @default false
   */
  readonly resolvePeersPerRequest?: boolean;
}

export const CORS_HEADERS = [
  'add_header Access-Control-Allow-Origin $http_origin always;',
  'add_header Access-Control-Allow-Methods "GET, POST, OPTIONS" always;',
  'add_header Access-Control-Allow-Headers "DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range" always;',
  'add_header Access-Control-Allow-Credentials true always;',
  'add_header Strict-Transport-Security "max-age=63072000" always;',
  'add_header X-Content-Type-Options nosniff always;',
];

const SESSION_COOKIE = 'proxy_set_header Cookie "username=$cookie_username; session_token=$cookie_session_token; kasm_client_key=$cookie_kasm_client_key";';

/**
 * A TLS hop nginx checks: the peer's chain against the internal CA, its SANs against `name`, and `name` as SNI (nginx
 * would otherwise check and send the upstream block's name, which no certificate carries).
 */
export function verifiedTls(ctx: RouteContext, name: string): string[] {
  if (!ctx.caPath) throw new Error(`a TLS hop to ${name} needs the internal CA in the container: set caPath on its TLS mount`);
  return [
    'proxy_ssl_verify on;',
    'proxy_ssl_verify_depth 2;',
    `proxy_ssl_trusted_certificate ${ctx.caPath};`,
    `proxy_ssl_name ${name};`,
    'proxy_ssl_server_name on;',
  ];
}

function proxyHeaders(forwardedPort: boolean): string[] {
  return [
    'proxy_http_version 1.1;',
    'proxy_set_header Host $host;',
    'proxy_set_header Upgrade $http_upgrade;',
    'proxy_set_header Connection $connection_upgrade;',
    'proxy_set_header X-Real-IP $remote_addr;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $x_forwarded_proto;',
    ...(forwardedPort ? ['proxy_set_header X-Forwarded-Port $x_forwarded_port;'] : []),
  ];
}

function sessionTimeouts(seconds: number): string[] {
  return [
    `proxy_read_timeout ${seconds}s;`,
    `proxy_send_timeout ${seconds}s;`,
    'proxy_connect_timeout 30s;',
    'proxy_buffering off;',
  ];
}

const PREFLIGHT = [
  'if ($request_method = OPTIONS) {',
  '  rewrite .* /_options_response last;',
  '}',
];

function block(location: string, lines: string[]): string[] {
  return [`location ${location} {`, ...lines.map((l) => `  ${l}`), '}', ''];
}

/** One route as an nginx location block. */
export function renderRoute(route: ProxyRoute, ctx: RouteContext): string[] {
  const session = sessionTimeouts(ctx.sessionTimeoutSeconds);
  switch (route.kind) {
    case 'ok':
      return block(route.location, [
        'default_type text/plain;',
        'add_header Access-Control-Allow-Origin * always;',
        'return 200 "ok";',
      ]);
    case 'health':
      return block(route.location, [
        'default_type application/json;',
        `if (-f ${route.drainingFile}) {`,
        '  add_header Retry-After "30" always;',
        '  add_header Cache-Control "no-store" always;',
        '  return 503 \'{"status": "disabled"}\';',
        '}',
        'return 200 \'{"status": "ok"}\';',
      ]);
    case 'service': {
      const lines: string[] = [];
      if (route.cors === 'subscriptions') {
        lines.push(
          'add_header Access-Control-Allow-Origin https://www.kasmweb.com always;',
          'add_header Access-Control-Allow-Methods "GET, POST, OPTIONS" always;',
          'add_header Access-Control-Allow-Headers "Authorization,Content-Type,Accept,Origin,User-Agent,DNT,Cache-Control,X-Mx-ReqToken,Keep-Alive,X-Requested-With,If-Modified-Since" always;',
          'add_header Access-Control-Allow-Credentials true always;',
          'if ($request_method = OPTIONS) {',
          '  return 204;',
          '}',
        );
      }
      lines.push(...proxyHeaders(route.forwardedPort ?? false));
      if (route.longLived || route.timeoutSeconds) lines.push(...sessionTimeouts(route.timeoutSeconds ?? ctx.sessionTimeoutSeconds));
      if (route.hsts) lines.push('add_header Strict-Transport-Security "max-age=63072000" always;');
      const scheme = route.scheme ?? 'http';
      if (scheme === 'https') lines.push(...verifiedTls(ctx, ctx.tlsNameOf(ctx.upstreamComponent(route.upstream))));
      lines.push(`proxy_pass ${scheme}://${route.upstream}${route.upstreamPath ?? ''};`);
      return block(route.location, lines);
    }
    case 'authSubrequest':
      return block(route.location, [
        'internal;',
        `proxy_pass http://${ctx.hostOf(route.component)}:${route.port}${route.path};`,
        'proxy_pass_request_body off;',
        'proxy_set_header Content-Length "";',
        'proxy_set_header X-Original-URI $request_uri;',
        ...(route.passCookies ? [SESSION_COOKIE] : []),
        'proxy_http_version 1.1;',
        'proxy_set_header Connection "";',
      ]);
    case 'agentSession': {
      const vars = ['hostname', 'port', 'path', 'auth', ...(route.dynamicScheme ? ['kasm_id', 'schema'] : [])];
      const target = route.dynamicScheme
        ? '$connect_schema://$connect_hostname:$connect_port/$connect_path'
        : 'https://$connect_hostname:$connect_port';
      return block(route.location, [
        ...PREFLIGHT,
        `auth_request ${route.authLocation};`,
        ...vars.map((v) => `auth_request_set $connect_${v} $upstream_http_connect_${v};`),
        ...proxyHeaders(false),
        `proxy_set_header Authorization "${route.bearer ? 'Bearer ' : ''}$connect_auth";`,
        ...(route.dynamicScheme ? ['proxy_set_header X-Kasm-ID $connect_kasm_id;', SESSION_COOKIE] : []),
        `rewrite ^${route.stripPrefix}(.*) /$1 break;`,
        // [decision] Not verified: the agents are outside the cluster with certificates of their own, not the internal CA's.
        `proxy_pass ${target};`,
        ...session,
        'client_max_body_size 1G;',
        'add_header Cache-Control private always;',
        'proxy_hide_header Access-Control-Allow-Credentials;',
        'proxy_hide_header Access-Control-Allow-Origin;',
        'proxy_hide_header Access-Control-Allow-Methods;',
        'proxy_hide_header Access-Control-Allow-Headers;',
        'proxy_hide_header Strict-Transport-Security;',
        'proxy_hide_header X-Content-Type-Options;',
        ...CORS_HEADERS,
      ]);
    }
    case 'podLookup': {
      const v = (name: string) => `$${route.headerPrefix}_${name}`;
      return block(route.location, [
        `auth_request ${route.authLocation};`,
        ...['hostname', 'port'].map((name) => `auth_request_set ${v(name)} $upstream_http_${route.headerPrefix}_${name};`),
        ...proxyHeaders(false),
        ...sessionTimeouts(route.timeoutSeconds ?? ctx.sessionTimeoutSeconds),
        // The pod's own name is the one its certificate carries (`*.<headless Service>.<namespace>.svc...`).
        ...verifiedTls(ctx, v('hostname')),
        'proxy_redirect off;',
        `proxy_pass https://${v('hostname')}:${v('port')};`,
      ]);
    }
    case 'guacLoopback': {
      const isRegex = route.location.startsWith('~');
      const lines = isRegex ? [...PREFLIGHT] : [];
      if (route.target === 'loopback') {
        lines.push('set $kasm_id $1;', 'set $guac_service $2;', 'set $guac_path $3;');
      } else if (isRegex) {
        lines.push('set $kasm_id $1;');
      }
      lines.push(...proxyHeaders(false));
      if (isRegex) lines.push('proxy_set_header X-Kasm-ID $kasm_id;', SESSION_COOKIE);
      lines.push(route.target === 'loopback'
        ? `proxy_pass http://127.0.0.1:${ctx.loopbackPort}/guac_connect/$guac_service$guac_path;`
        : `proxy_pass http://${ctx.guacdUpstream()}/vnc.htmlguaclite$is_args$args;`);
      lines.push(...session, 'client_max_body_size 1G;', 'add_header Cache-Control private always;');
      lines.push('add_header Strict-Transport-Security "max-age=63072000" always;');
      return block(route.location, lines);
    }
    case 'direct': {
      const scheme = route.scheme ?? 'http';
      const host = ctx.hostOf(route.component);
      const perRequest = ctx.resolvePeersPerRequest === true && host !== '127.0.0.1';
      return block(route.location, [
        ...(perRequest ? [`set $peer_host ${host};`] : []),
        ...proxyHeaders(false),
        ...(route.longLived || route.timeoutSeconds ? [...sessionTimeouts(route.timeoutSeconds ?? ctx.sessionTimeoutSeconds), 'client_max_body_size 1G;'] : []),
        ...(scheme === 'https' ? verifiedTls(ctx, ctx.tlsNameOf(route.component)) : []),
        perRequest
          ? `proxy_pass ${scheme}://$peer_host:${route.port}${route.path}$is_args$args;`
          : `proxy_pass ${scheme}://${host}:${route.port}${route.path};`,
      ]);
    }
    case 'corsPreflight':
      return block(route.location, [
        ...CORS_HEADERS,
        'add_header Content-Type text/plain always;',
        'add_header Content-Length 0 always;',
        'return 204;',
      ]);
    case 'static':
      return block(route.location, [
        ...(route.workspaceRewrites ? [
          'rewrite ^/workspace/(.+)/(.+)/(.+)/(.+)/(.+)/(.+)$ /$2/$3/$4/$5/$6 last;',
          'rewrite ^/workspace/(.+)/(.+)/(.+)/(.+)$ /$2/$3/$4 last;',
          'rewrite ^/workspace/(.+)/(.+)/(.+)$ /$2/$3 last;',
          'rewrite ^/workspace/(.+)/(.*)$ /$2 break;',
        ] : []),
        'expires 4h;',
        'add_header Cache-Control private always;',
        'add_header X-Robots-Tag "noindex, nofollow, nosnippet, noarchive" always;',
        'add_header Strict-Transport-Security "max-age=63072000" always;',
        'add_header X-Content-Type-Options nosniff always;',
        `root ${route.root};`,
      ]);
  }
}
