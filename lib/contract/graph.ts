/**
 * The dependency graph every supported release shares: who waits for and calls whom, on which port.
 *
 * Wait loops, NetworkPolicies, the synth-time doctor and `diagnose` are all derived from these edges.
 */
import { PORTS } from './ports';
import { ComponentId, DependencyEdge, ExternalPeer, ReadinessCheck } from './types';

/** Parameters of the edges every release has. */
export interface CommonEdgeOptions {
  readonly share: boolean;
  /**
   * Whether guac and the RDP gateways call the api through the proxy's HTTP port (1.19: `API_HOSTNAME` is the
   * proxy) instead of the api Service directly (1.16, 1.18).
   * @default false
   */
  readonly gatewaysCallApiThroughProxy?: boolean;
  /**
   * What api and manager wait for on the database: the seed (1.16, 1.18) or the seed and the schema at alembic head (1.19).
   * @default ReadinessCheck.DATABASE_SEEDED
   */
  readonly databaseReady?: ReadinessCheck;
}

/**
 * The dependency graph every supported release shares: the init containers' waits of the official charts
 * (https://github.com/kasmtech/kasm-helm: `kasm-single-zone` on `release/1.16.0`, `charts/kasm`), and the 1.19 chart's NetworkPolicies
 * (`charts/kasm-helm/templates/networkpolicies.yaml`) for edges the older charts leave implicit.
 */
export function commonEdges(opts: CommonEdgeOptions): DependencyEdge[] {
  const edges: DependencyEdge[] = [
    { from: ComponentId.DB_INIT, to: ComponentId.DB, port: PORTS.postgres, purpose: 'seeds the schema', waitFor: ReadinessCheck.POSTGRES_ACCEPTING },
    { from: ComponentId.API, to: ComponentId.DB, port: PORTS.postgres, purpose: 'reads and writes Kasm state', waitFor: opts.databaseReady ?? ReadinessCheck.DATABASE_SEEDED },
    // Only where backups are configured (KasmDatabase backup): pg_dump and pg_restore.
    { from: ComponentId.DB_BACKUP, to: ComponentId.DB, port: PORTS.postgres, purpose: 'dumps and restores the database' },
    // Only while upgrading between releases: the dump taken before anything changes.
    { from: ComponentId.DB_UPGRADE, to: ComponentId.DB, port: PORTS.postgres, purpose: 'dumps the database before an upgrade', waitFor: ReadinessCheck.POSTGRES_ACCEPTING },
    { from: ComponentId.MANAGER, to: ComponentId.DB, port: PORTS.postgres, purpose: 'reads and writes zone state', ...(opts.databaseReady ? { waitFor: opts.databaseReady } : {}) },
    { from: ComponentId.MANAGER, to: ComponentId.API, port: PORTS.api, purpose: 'registers with the api', waitFor: ReadinessCheck.HTTP_HEALTHY },
    // [inference] The 1.19 chart admits api -> manager:8181; the older charts have no policies to tell.
    { from: ComponentId.API, to: ComponentId.MANAGER, port: PORTS.manager, purpose: 'forwards manager calls' },
    ...[ComponentId.GUAC, ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY].map((from): DependencyEdge => (opts.gatewaysCallApiThroughProxy
      ? { from, to: ComponentId.PROXY, port: PORTS.proxyHttp, purpose: 'registers with the api through the proxy', waitFor: ReadinessCheck.HTTP_HEALTHY }
      : { from, to: ComponentId.API, port: PORTS.api, purpose: 'registers with the service token', waitFor: ReadinessCheck.HTTP_HEALTHY })),
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
    // Where the gateways reach the api through the proxy, the proxy must not wait for them: each would wait for the
    // other (the 1.19 chart removed these waits in 1.1190.1 for that reason); readiness probes order traffic instead.
    { from: ComponentId.PROXY, to: ComponentId.GUAC, port: PORTS.guac, purpose: 'routes /guac_connect/', ...(opts.gatewaysCallApiThroughProxy ? {} : { waitFor: ReadinessCheck.HTTP_HEALTHY }) },
    ...PORTS.guacd.map((port): DependencyEdge => ({ from: ComponentId.PROXY, to: ComponentId.GUAC, port, purpose: 'streams guacd sessions' })),
    { from: ComponentId.PROXY, to: ComponentId.RDP_GATEWAY, port: PORTS.rdpGateway, purpose: 'routes /rdp-gateway/', ...(opts.gatewaysCallApiThroughProxy ? {} : { waitFor: ReadinessCheck.HTTP_HEALTHY }) },
    { from: ComponentId.PROXY, to: ComponentId.RDP_HTTPS_GATEWAY, port: PORTS.rdpHttpsGateway, purpose: 'routes RDP over HTTPS' },
    { from: ExternalPeer.INGRESS_CONTROLLER, to: ComponentId.PROXY, port: PORTS.proxyHttp, purpose: 'browser traffic from the ingress' },
    { from: ComponentId.PROXY, to: ExternalPeer.AGENTS, port: PORTS.agentHttps, purpose: 'streams desktop sessions from agents' },
    // Kasm's architecture roles: "the agent must be accessible by the Management and Web App Servers" (api, manager,
    // proxy), on 443. The api calls agents directly for session operations (screenshots, exec, stats).
    { from: ComponentId.API, to: ExternalPeer.AGENTS, port: PORTS.agentHttps, purpose: 'operates sessions on agents' },
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
