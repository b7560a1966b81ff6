/**
 * The proxy's nginx configuration as data: routes, upstream blocks and where nginx keeps its files (rendered by
 * `lib/control-plane/proxy-config.ts`). Re-exported by `./types`.
 */
import type { ComponentId } from './types';

/** One nginx location of the proxy; see `lib/proxy-config.ts` for how each kind is rendered. */
export type ProxyRoute =
  /** Pass to a component's upstream (a named upstream block with keepalive). */
  | {
    readonly kind: 'service';
    readonly location: string;
    readonly upstream: string;
    /** Path appended to the upstream, e.g. '/' to strip the location prefix. */
    readonly upstreamPath?: string;
    readonly scheme?: 'http' | 'https';
    /** Forward the original scheme and port, which Kasm uses to build desktop URLs. */
    readonly forwardedPort?: boolean;
    /** Idle timeout of long-lived (websocket, RDP) connections; unset keeps nginx's 60 s. */
    readonly longLived?: boolean;
    readonly timeoutSeconds?: number;
    readonly cors?: 'subscriptions';
    readonly hsts?: boolean;
  }
  /** An internal auth_request subrequest target. */
  | { readonly kind: 'authSubrequest'; readonly location: string; readonly component: ComponentId; readonly port: number; readonly path: string; readonly passCookies: boolean }
  /** A location whose upstream (a desktop on an agent) is chosen by an auth subrequest's answer headers. */
  | { readonly kind: 'agentSession'; readonly location: string; readonly authLocation: string; readonly stripPrefix: string; readonly dynamicScheme: boolean; readonly bearer: boolean }
  /** Guacamole links that loop back into the proxy's own HTTP listener or into the guacd backends. */
  | { readonly kind: 'guacLoopback'; readonly location: string; readonly target: 'loopback' | 'backend' }
  /** A direct pass to `<component service>:<port><path>` without an upstream block; an https hop is verified. */
  | {
    readonly kind: 'direct'; readonly location: string; readonly component: ComponentId; readonly port: number; readonly path: string;
    readonly longLived?: boolean; readonly scheme?: 'http' | 'https'; readonly timeoutSeconds?: number;
  }
  /**
   * `200 {"status": "ok"}`, or `503 {"status": "disabled"}` with Retry-After while `drainingFile` exists (the 1.19
   * chart's `/health`, which load balancers ask).
   */
  | { readonly kind: 'health'; readonly location: string; readonly drainingFile: string }
  /**
   * A session pinned to one pod of a StatefulSet: an auth subrequest (`authLocation`) answers with the pod's host name
   * and port in `<prefix>-hostname` / `<prefix>-port` headers, and the request goes there over verified TLS (the 1.19
   * chart's `/remoteDesktopGateway/` and `/rpc`, looked up through the api's `/api/remote_desktop_lookup/`).
   */
  | {
    readonly kind: 'podLookup'; readonly location: string; readonly authLocation: string; readonly component: ComponentId;
    readonly headerPrefix: string; readonly timeoutSeconds?: number;
  }
  | { readonly kind: 'corsPreflight'; readonly location: string }
  | { readonly kind: 'ok'; readonly location: string }
  | { readonly kind: 'static'; readonly location: string; readonly root: string; readonly workspaceRewrites: boolean };

/** An nginx upstream block of the proxy. */
export interface ProxyUpstream {
  readonly name: string;
  readonly component: ComponentId;
  readonly ports: readonly number[];
}

/** The proxy's nginx configuration, as data. */
export interface ProxyContract {
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly upstreams: readonly ProxyUpstream[];
  readonly routes: readonly ProxyRoute[];
  /** The component each route depends on, so a disabled component drops its routes. */
  readonly routeOwners: Readonly<Record<string, ComponentId>>;
  readonly configDir: string;
  readonly servicesDir: string;
  readonly staticRoot: string;
}
