/**
 * What every part of the Kasm 1.19.0 entry shares: the tag, the user, the chart's names for release `kasm` and the
 * single zone `default` (`<rel>-api-<zone>`), and the env building blocks. 1.19's images take every name from env
 * (`SERVER_HOSTNAME`, `API_HOSTNAME`, `POSTGRES_HOST`), so the names are data here like in every other release.
 */
import { PORTS } from '../../ports';
import { DerivedValue, EnvContract, SecretKey } from '../../types';

export const TAG = '1.19.0';
export const KASM_UID = 1000;
/** kasmweb/postgres is built on the Alpine postgres image, whose `postgres` user is 70 (the chart's db securityContext). */
export const POSTGRES_UID = 70;
export const RELEASE = 'kasm';
const ZONE = 'default';

export const lit = (name: string, value: string): EnvContract => ({ name, source: { kind: 'literal', value } });
export const secret = (name: string, key: SecretKey): EnvContract => ({ name, source: { kind: 'secret', key } });
export const derived = (name: string, from: DerivedValue): EnvContract => ({ name, source: { kind: 'derived', from } });

export const SERVICES = {
  api: `${RELEASE}-api-${ZONE}`,
  manager: `${RELEASE}-manager-${ZONE}`,
  proxy: `${RELEASE}-proxy-${ZONE}`,
  db: `${RELEASE}-db`,
  // [read] Gap row 9: the chart's `<rel>-guac-<zone>` and so on (rdp-https-gateway-statefulset.yaml@0af9a50). The
  // names also have to differ from 1.18.1's: guac and rdp-https-gateway become headless Services, and Kubernetes
  // refuses to turn a ClusterIP Service into a headless one in place, so an upgrade that kept `kasm-guac` would stop
  // at that Service; under new names GitOps creates them and prunes the old ones. The workloads keep their names (a
  // StatefulSet beside the Deployment it replaces is another kind). The manager's port keeps the constant
  // `manager-pt` (_helpers.tpl@029e7e0), not the R line's `zn<idx>-manager-pt`.
  guac: `${RELEASE}-guac-${ZONE}`,
  rdpGateway: `${RELEASE}-rdp-gateway-${ZONE}`,
  rdpHttpsGateway: `${RELEASE}-rdp-https-gateway-${ZONE}`,
} as const;

/** How guac and the RDP gateways reach the api in 1.19: through the proxy's HTTP port (1.1190.5) [read]. */
export const API_THROUGH_PROXY: EnvContract[] = [
  lit('API_SCHEMA', 'http'),
  lit('API_HOSTNAME', SERVICES.proxy),
  lit('API_PORT', String(PORTS.proxyHttp)),
];

export const image = (name: string) => ({ repository: `kasmweb/${name}`, tag: TAG });
/** `<rel>-<component>-<zone>` [read: _helpers.tpl]: the zone's own host name, which the component registers. */
export const zoneTemplate = (component: string) => `${RELEASE}-${component}-{zone}`;
export const ownHostname = (component: string): EnvContract => ({ name: 'SERVER_HOSTNAME', source: { kind: 'template', template: `${RELEASE}-${component}-\${${DerivedValue.ZONE_SLUG}}` } });
