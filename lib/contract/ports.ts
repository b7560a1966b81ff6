/**
 * Ports, health paths and health checks every supported release shares.
 *
 * Only facts that hold for every supported release live here; anything a release changes is a parameter.
 */
import { HealthCheck } from './types';

/** Health paths, unchanged from 1.16 to 1.18.1 (the official charts' probes). */
export const HEALTH_PATHS = {
  api: '/api/__healthcheck',
  component: '/__healthcheck',
  rdpHttpsGateway: '/rdp-https-gateway/__healthcheck',
  /** 1.19: the api's liveness endpoint on its own port (it answers while a slow request blocks the main port). */
  apiLiveness: '/livez',
} as const;

/** Well-known ports, unchanged from 1.16 to 1.18.1. */
export const PORTS = {
  proxyHttp: 8080,
  proxyHttps: 8443,
  api: 8080,
  /** 1.19: the api's liveness port (`api-liveness-pt`). */
  apiLiveness: 8081,
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
