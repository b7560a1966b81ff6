/**
 * The zone's Upstream Auth address (private to the control plane): where agents reach Kasm to authenticate session
 * traffic. Checked as an https URL, defaulted to the proxy Service's FQDN, and passed to db-init where the release
 * lets us seed it.
 */
import { k8s } from 'cdk8s-plus-27';
import { fail } from '../core/validation';

/** The address as a URL and as Kasm stores it in the zone (`host` or `host:port`). */
export interface UpstreamAuth {
  readonly url: string;
  /** The zone's `upstream_auth_address` value: the host, and the port when it is not 443. */
  readonly address: string;
}

/** The proxy Service's FQDN on its HTTPS port: reachable by agents inside the cluster's network. */
export function defaultUpstreamAuthUrl(proxyService: string, namespace: string, clusterDomain: string, httpsPort: number): string {
  return `https://${proxyService}.${namespace}.svc.${clusterDomain}:${httpsPort}`;
}

const HOST = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Check an Upstream Auth URL: https, a host name, an optional port, nothing else. */
export function checkUpstreamAuth(owner: string, prop: string, value: unknown): UpstreamAuth {
  const accepted = 'is not accepted; pass an https URL with a host name and an optional port, e.g. \'https://kasm.example.com\' '
    + 'or \'https://kasm-proxy-default.kasm.svc.cluster.local:8443\' (agents call it; a path, query or user part has no meaning there)';
  if (typeof value !== 'string') fail(owner, prop, value, accepted);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(owner, prop, value, accepted);
  }
  const port = url.port === '' ? 443 : Number(url.port);
  if (port < 1) fail(owner, prop, value, 'has port 0; pass a port from 1 to 65535, or none for 443');
  if (url.protocol !== 'https:' || !HOST.test(url.hostname) || url.username || url.password || url.search || url.hash
    || (url.pathname !== '/' && url.pathname !== '') || value.endsWith('/')) {
    fail(owner, prop, value, accepted);
  }
  return { url: port === 443 ? `https://${url.hostname}` : `https://${url.hostname}:${port}`, address: port === 443 ? url.hostname : `${url.hostname}:${port}` };
}

/**
 * db-init env that makes it create the zones beyond the seeded one and write every zone's address after the seed
 * (read by the seed program): one `<zone>|<address>` line per zone.
 */
export function zoneSettingsEnv(zones: readonly { name: string; upstreamAuth: UpstreamAuth }[]): k8s.EnvVar[] {
  return [{ name: 'KASM_ZONE_SETTINGS', value: zones.map((z) => `${z.name}|${z.upstreamAuth.address}`).join('\n') }];
}
