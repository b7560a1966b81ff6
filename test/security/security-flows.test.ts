/**
 * security-flows.ts on its own: the flows the policies are written from (graphFlows) and the connections the doctor
 * checks them against (expectedConnections), for each kind of end: pods, sampled addresses, a missing database peer,
 * the front door's port, entrances, extra egress, the database's own flows, zones and DNS.
 */
import { Testing } from 'cdk8s';
import { K3sDev, K3sProd } from '../../charts';
import { ComponentId, KasmVersion, NetworkPeer } from '../../lib';
import type { IKasmControlPlane } from '../../lib/control-plane/interface';
import type { ConnectionEnd, ExpectedConnection } from '../../lib/doctor/declarations';
import type { IKasmFrontDoor } from '../../lib/ingress/interface';
import type { IKasmExposure } from '../../lib/ingress/rdp-exposure';
import { Flow, FlowEnd } from '../../lib/security/network-peer';
import { expectedConnections, graphFlows, SecurityReach } from '../../lib/security/security-flows';

// The charts are built inside the first test that needs them (not at describe time), then reused: building one takes
// seconds, and Stryker reruns a file's covering tests for each mutant. The functions under test run inside each test.
let k3sDev: IKasmControlPlane | undefined;
let k3sProd: IKasmControlPlane | undefined;
const k3s = () => (k3sDev ??= new K3sDev(Testing.app(), 'x', { version: KasmVersion.V1_18_1 }).controlPlane);
const zoned = () => (k3sProd ??= new K3sProd(Testing.app(), 'p', {
  version: KasmVersion.V1_19_0, hostname: 'kasm.example.com', nodes: [{ count: 4, cpu: '8', memory: '16Gi' }], zones: [{ name: 'default' }, { name: 'eu' }],
} as any).controlPlane);
const end = (c: ConnectionEnd) => (c.kind === 'pods' ? `${c.namespace}/${c.name}${Object.keys(c.selector).length === 0 ? '{}' : ''}` : c.kind === 'address' ? `${c.endpoint.kind === 'external' ? c.endpoint.ip : '?'}(${c.endpoint.name})` : `missing: ${c.reason}`);
const line = (c: ExpectedConnection) => `${c.description} | ${end(c.from)} -> ${end(c.to)} ${c.port}/${c.protocol}`;
const flowEnd = (e: FlowEnd) => (e.kind === 'pods' ? `${e.namespace}/${e.name}${Object.keys(e.selector).length === 0 ? '{}' : ''}` : e.kind === 'cidrs' ? `cidrs(${e.name})` : `anywhere(${e.name})`);
const flowLine = (f: Flow) => `${flowEnd(f.from)} -> ${flowEnd(f.to)} ${f.port}/${f.protocol} (${f.purpose})`;
/** The control plane with its database replaced: a peer of another kind, none, or the database's own flows. */
const withDatabase = (cp: IKasmControlPlane, database: object): IKasmControlPlane =>
  new Proxy(cp, { get: (target, p) => (p === 'database' ? database : Reflect.get(target, p, target)) });
const frontDoor = (backendPort: number) => ({ controller: NetworkPeer.pods('ingress-nginx', { app: 'nginx' }, 'nginx'), backendPort } as unknown as IKasmFrontDoor);

const GRAPH = [
  'kasm/db-init -> kasm/db 5432/TCP (seeds the schema)',
  'kasm/api -> kasm/db 5432/TCP (reads and writes Kasm state)',
  'kasm/manager -> kasm/db 5432/TCP (reads and writes zone state)',
  'kasm/manager -> kasm/api 8080/TCP (registers with the api)',
  'kasm/api -> kasm/manager 8181/TCP (forwards manager calls)',
  'kasm/guac -> kasm/api 8080/TCP (registers with the service token)',
  'kasm/rdp-gateway -> kasm/api 8080/TCP (registers with the service token)',
  'kasm/rdp-https-gateway -> kasm/api 8080/TCP (registers with the service token)',
  'kasm/proxy -> kasm/api 8080/TCP (routes /api/)',
  'kasm/proxy -> kasm/manager 8181/TCP (routes /manager_api/)',
  'kasm/proxy -> kasm/guac 3000/TCP (routes /guac_connect/)',
  'kasm/proxy -> kasm/guac 3001/TCP (streams guacd sessions)',
  'kasm/proxy -> kasm/guac 3002/TCP (streams guacd sessions)',
  'kasm/proxy -> kasm/guac 3003/TCP (streams guacd sessions)',
  'kasm/proxy -> kasm/guac 3004/TCP (streams guacd sessions)',
  'kasm/proxy -> kasm/rdp-gateway 5555/TCP (routes /rdp-gateway/)',
  'kasm/proxy -> kasm/rdp-https-gateway 9443/TCP (routes RDP over HTTPS)',
];
const COMPONENTS = ['proxy', 'api', 'manager', 'guac', 'rdpGateway', 'rdpHttpsGateway', 'dbInit'];
const PODS: Record<string, string> = { proxy: 'proxy', api: 'api', manager: 'manager', guac: 'guac', rdpGateway: 'rdp-gateway', rdpHttpsGateway: 'rdp-https-gateway', dbInit: 'db-init' };

describe('graphFlows', () => {
  test('with agents, servers and a front door: every edge, on the front door\'s port, then DNS over UDP and TCP from every pod', () => {
    const reach: SecurityReach = {
      controlPlane: k3s(), agents: NetworkPeer.cidrs(['192.168.0.0/24'], [], 'agents'), servers: NetworkPeer.cidrs(['172.20.0.0/16'], [], 'servers'),
      frontDoor: frontDoor(8443), exposures: [],
    };
    expect(graphFlows(reach).map(flowLine)).toEqual([
      ...GRAPH,
      'ingress-nginx/nginx -> kasm/proxy 8443/TCP (browser traffic from the ingress)',
      'kasm/proxy -> cidrs(agents) 443/TCP (streams desktop sessions from agents)',
      'kasm/api -> cidrs(agents) 443/TCP (operates sessions on agents)',
      'kasm/manager -> cidrs(agents) 443/TCP (provisions sessions on agents)',
      'cidrs(agents) -> kasm/proxy 8443/TCP (agents check in with the manager)',
      'kasm/guac -> cidrs(servers) 3389/TCP (connects users to RDP servers)',
      'kasm/guac -> cidrs(servers) 5900/TCP (connects users to VNC servers)',
      'kasm/guac -> cidrs(servers) 22/TCP (connects users to SSH servers)',
      'kasm/rdp-gateway -> cidrs(servers) 3389/TCP (relays native RDP clients)',
      'kasm/rdp-https-gateway -> cidrs(servers) 3389/TCP (relays RDP over HTTPS)',
      'kasm/all-pods{} -> kube-system/kube-dns 53/UDP (resolves Service and agent names)',
      'kasm/all-pods{} -> kube-system/kube-dns 53/TCP (resolves Service and agent names)',
    ]);
    const flows = graphFlows(reach);
    expect(flows[0].from).toEqual({ kind: 'pods', name: 'db-init', namespace: 'kasm', selector: { 'app.kubernetes.io/name': 'kasm-db-init', 'app.kubernetes.io/instance': 'kasm' } });
    expect(flows[flows.length - 1].from).toEqual({ kind: 'pods', name: 'all-pods', namespace: 'kasm', selector: {} });
  });

  test('without agents, servers or a front door their edges stay closed; entrances add their flows', () => {
    const cp = k3s();
    const exposure = { inbound: [{ component: ComponentId.RDP_GATEWAY, port: 3389, from: NetworkPeer.cidrs(['198.51.100.0/24'], [], 'rdp-clients'), purpose: 'native RDP' }] } as unknown as IKasmExposure;
    expect(graphFlows({ controlPlane: cp, exposures: [exposure] }).map(flowLine)).toEqual([
      ...GRAPH,
      'cidrs(rdp-clients) -> kasm/rdp-gateway 3389/TCP (native RDP)',
      'kasm/all-pods{} -> kube-system/kube-dns 53/UDP (resolves Service and agent names)',
      'kasm/all-pods{} -> kube-system/kube-dns 53/TCP (resolves Service and agent names)',
    ]);
  });

  test('the database is wherever its peer is', () => {
    const db = NetworkPeer.cidrs(['203.0.113.5/32'], [], 'external-db');
    const flows = graphFlows({ controlPlane: withDatabase(k3s(), { peer: db }), exposures: [] });
    expect(flows.filter((f) => f.to === db.end).map(flowLine)).toEqual([
      'kasm/db-init -> cidrs(external-db) 5432/TCP (seeds the schema)',
      'kasm/api -> cidrs(external-db) 5432/TCP (reads and writes Kasm state)',
      'kasm/manager -> cidrs(external-db) 5432/TCP (reads and writes zone state)',
    ]);
  });

  test('a zone\'s own instances are its own pods; shared ends and the database are not', () => {
    const flows = graphFlows({ controlPlane: zoned(), exposures: [] });
    expect(flows.map(flowLine).filter((l) => l.includes('-eu'))).toEqual([
      'kasm/api-eu -> kasm/db 5432/TCP (reads and writes Kasm state)',
      'kasm/manager-eu -> kasm/db 5432/TCP (reads and writes zone state)',
      'kasm/manager-eu -> kasm/api-eu 8080/TCP (registers with the api)',
      'kasm/api-eu -> kasm/manager-eu 8181/TCP (forwards manager calls)',
      'kasm/proxy-eu -> kasm/api-eu 8080/TCP (routes /api/)',
      'kasm/proxy-eu -> kasm/manager-eu 8181/TCP (routes /manager_api/)',
      // 1.19.0: the gateways are reached on their TLS sidecars only, at the address each registers.
      'kasm/api-eu -> kasm/guac 9000/TCP (calls guac at its registered address (SERVER_INTERNAL_SCHEMA https))',
      'kasm/api-eu -> kasm/rdp-gateway 9001/TCP (calls the rdp-gateway at its registered address)',
      'kasm/api-eu -> kasm/rdp-https-gateway 9002/TCP (calls the rdp-https-gateway at its registered address)',
      'kasm/manager-eu -> kasm/guac 9000/TCP (health checks and support bundles through /guac/)',
      'kasm/proxy-eu -> kasm/guac 9000/TCP (routes /desktop/ sessions to guac\'s registered address)',
      'kasm/proxy-eu -> kasm/rdp-gateway 9001/TCP (routes /desktop/ sessions to the rdp-gateway\'s registered address)',
      'kasm/proxy-eu -> kasm/rdp-https-gateway 9002/TCP (routes /remoteDesktopGateway and /rpc to the session\'s pod)',
    ]);
    expect(flows.find((f) => f.from.name === 'api-eu')!.from).toEqual({ kind: 'pods', name: 'api-eu', namespace: 'kasm', selector: { 'app.kubernetes.io/name': 'kasm-api-eu', 'app.kubernetes.io/instance': 'kasm' } });
  });
});

describe('expectedConnections', () => {
  test('with agents past an exception, servers and a front door: pods, sampled addresses, the front door\'s port, and DNS per component', () => {
    const reach: SecurityReach = {
      controlPlane: k3s(), agents: NetworkPeer.cidrs(['192.168.0.0/24'], ['192.168.0.0/30'], 'agents'), servers: NetworkPeer.cidrs(['172.20.0.0/16'], [], 'servers'),
      frontDoor: frontDoor(8443), exposures: [],
    };
    const connections = expectedConnections(reach, 'the/owner', []);
    expect(connections.map(line)).toEqual([
      ...GRAPH.map((g) => {
        const [, from, to, port, purpose] = /^kasm\/(\S+) -> kasm\/(\S+) (\d+)\/TCP \((.*)\)$/.exec(g)!;
        const id = (pod: string) => Object.keys(PODS).find((k) => PODS[k] === pod) ?? pod;
        return `${id(from)} -> ${id(to)}:${port} (${purpose}) | kasm/${from} -> kasm/${to} ${port}/TCP`;
      }),
      'ingressController -> proxy:8443 (browser traffic from the ingress) | ingress-nginx/nginx -> kasm/proxy 8443/TCP',
      'proxy -> agents:443 (streams desktop sessions from agents) | kasm/proxy -> 192.168.0.4(agents) 443/TCP',
      'api -> agents:443 (operates sessions on agents) | kasm/api -> 192.168.0.4(agents) 443/TCP',
      'manager -> agents:443 (provisions sessions on agents) | kasm/manager -> 192.168.0.4(agents) 443/TCP',
      'agents -> proxy:8443 (agents check in with the manager) | 192.168.0.4(agents) -> kasm/proxy 8443/TCP',
      'guac -> servers:3389 (connects users to RDP servers) | kasm/guac -> 172.20.0.1(servers) 3389/TCP',
      'guac -> servers:5900 (connects users to VNC servers) | kasm/guac -> 172.20.0.1(servers) 5900/TCP',
      'guac -> servers:22 (connects users to SSH servers) | kasm/guac -> 172.20.0.1(servers) 22/TCP',
      'rdpGateway -> servers:3389 (relays native RDP clients) | kasm/rdp-gateway -> 172.20.0.1(servers) 3389/TCP',
      'rdpHttpsGateway -> servers:3389 (relays RDP over HTTPS) | kasm/rdp-https-gateway -> 172.20.0.1(servers) 3389/TCP',
      ...COMPONENTS.map((c) => `${c} -> cluster DNS (resolves Service and agent names) | kasm/${PODS[c]} -> kube-system/kube-dns 53/UDP`),
    ]);
    expect(connections.every((c) => c.owner === 'the/owner')).toBe(true);
    expect(connections[0].from).toEqual({ kind: 'pods', namespace: 'kasm', name: 'db-init', selector: { 'app.kubernetes.io/name': 'kasm-db-init', 'app.kubernetes.io/instance': 'kasm' } });
    expect(connections.find((c) => c.description.startsWith('proxy -> agents'))!.to).toEqual({ kind: 'address', endpoint: { kind: 'external', ip: '192.168.0.4', name: 'agents' } });
    expect(connections.find((c) => c.description.startsWith('ingressController'))!.from).toEqual({ kind: 'pods', namespace: 'ingress-nginx', name: 'nginx', selector: { app: 'nginx' } });
  });

  test('agents whose every address is excepted, no servers and no front door: those edges are left out', () => {
    const reach: SecurityReach = { controlPlane: k3s(), agents: NetworkPeer.cidrs(['10.0.0.0/31'], ['10.0.0.0/32', '10.0.0.1/32'], 'agents'), exposures: [] };
    const lines = expectedConnections(reach, 'o', []).map(line);
    expect(lines.filter((l) => /agents|servers|ingressController/.test(l))).toEqual([]);
    expect(lines).toHaveLength(GRAPH.length + COMPONENTS.length);
  });

  test('the database: pods elsewhere, an address, every address excepted, or no peer at all', () => {
    const dbLines = (database: object) => expectedConnections({ controlPlane: withDatabase(k3s(), database), exposures: [] }, 'o', [])
      .filter((c) => c.description.includes('-> db:')).map(line);
    expect(dbLines({ peer: NetworkPeer.pods('database', { cnpg: 'kasm' }, 'db') })).toEqual([
      'dbInit -> db:5432 (seeds the schema) | kasm/db-init -> database/db 5432/TCP',
      'api -> db:5432 (reads and writes Kasm state) | kasm/api -> database/db 5432/TCP',
      'manager -> db:5432 (reads and writes zone state) | kasm/manager -> database/db 5432/TCP',
    ]);
    expect(dbLines({ peer: NetworkPeer.cidrs(['203.0.113.4/30'], [], 'external-db') })[0]).toBe('dbInit -> db:5432 (seeds the schema) | kasm/db-init -> 203.0.113.5(external-db) 5432/TCP');
    expect(dbLines({ peer: NetworkPeer.cidrs(['203.0.113.4/31'], ['203.0.113.4/32', '203.0.113.5/32'], 'external-db') })[1])
      .toBe('api -> db:5432 (reads and writes Kasm state) | kasm/api -> missing: every address of the database peer is excepted 5432/TCP');
    expect(dbLines({})[2]).toBe('manager -> db:5432 (reads and writes zone state) | kasm/manager -> missing: the database has no network peer, so no policy can admit its clients 5432/TCP');
    const dbEnd = (database: object) => expectedConnections({ controlPlane: withDatabase(k3s(), database), exposures: [] }, 'o', []).find((c) => c.description.startsWith('api -> db:'))!.to;
    expect(dbEnd({})).toEqual({ kind: 'missing', reason: 'the database has no network peer, so no policy can admit its clients' });
    expect(dbEnd({ peer: NetworkPeer.cidrs(['203.0.113.4/31'], ['203.0.113.4/32', '203.0.113.5/32'], 'external-db') }))
      .toEqual({ kind: 'missing', reason: 'every address of the database peer is excepted' });
  });

  test('the database\'s own flows: between pods only, never to anywhere or to addresses', () => {
    const pods = (ns: string, name: string): FlowEnd => ({ kind: 'pods', name, namespace: ns, selector: { app: name } });
    const ownFlows: Flow[] = [
      { from: pods('database', 'cnpg'), to: pods('cnpg-system', 'operator'), port: 9443, protocol: 'TCP', purpose: 'webhook' },
      { from: pods('database', 'cnpg'), to: { kind: 'anywhere', name: 'kube-apiserver' }, port: 6443, protocol: 'TCP', purpose: 'api' },
      { from: pods('database', 'cnpg'), to: { kind: 'cidrs', name: 'backups', blocks: [{ cidr: '192.0.2.0/24' }] }, port: 443, protocol: 'TCP', purpose: 'backups' },
      { from: { kind: 'cidrs', name: 'x', blocks: [{ cidr: '192.0.2.0/24' }] }, to: pods('database', 'cnpg'), port: 5432, protocol: 'TCP', purpose: 'outside' },
      { from: pods('cnpg-system', 'operator'), to: pods('database', 'cnpg'), port: 8000, protocol: 'UDP', purpose: 'status' },
    ];
    const lines = expectedConnections({ controlPlane: withDatabase(k3s(), { peer: NetworkPeer.pods('database', { cnpg: 'kasm' }, 'db'), ownFlows }), exposures: [] }, 'o', []).map(line);
    expect(lines.filter((l) => /cnpg|operator|backups|outside|kube-apiserver/.test(l))).toEqual([
      'cnpg -> operator:9443 (webhook) | database/cnpg -> cnpg-system/operator 9443/TCP',
      'operator -> cnpg:8000 (status) | cnpg-system/operator -> database/cnpg 8000/UDP',
    ]);
  });

  test('entrances and extra egress: addresses sampled past their exceptions, pods as they are', () => {
    const cp = k3s();
    const exposures = [{
      inbound: [
        { component: ComponentId.RDP_GATEWAY, port: 3389, from: NetworkPeer.cidrs(['198.51.100.0/24'], ['198.51.100.0/25'], 'rdp-clients'), purpose: 'native RDP' },
        { component: ComponentId.RDP_GATEWAY, port: 3390, from: NetworkPeer.pods('kube-system', { app: 'traefik' }, 'traefik'), purpose: 'RDP through Traefik' },
        { component: ComponentId.PROXY, port: 8443, from: NetworkPeer.cidrs(['10.9.0.0/31'], ['10.9.0.0/32', '10.9.0.1/32'], 'nobody'), purpose: 'closed' },
      ],
    }] as unknown as IKasmExposure[];
    const api: FlowEnd = { kind: 'pods', name: 'api', namespace: 'kasm', selector: cp.selectorOf(ComponentId.API) };
    const extra: Flow[] = [
      { from: api, to: { kind: 'cidrs', name: 'idp', blocks: [{ cidr: '203.0.113.0/24', except: ['203.0.113.0/28'] }] }, port: 443, protocol: 'TCP', purpose: 'OIDC' },
      { from: api, to: { kind: 'pods', name: 'loki', namespace: 'monitoring', selector: { app: 'loki' } }, port: 3100, protocol: 'UDP', purpose: 'logs' },
      { from: api, to: { kind: 'cidrs', name: 'raw', blocks: [{ cidr: '192.0.2.8/32' }] }, port: 25, protocol: 'TCP', purpose: 'mail' },
      { from: api, to: { kind: 'anywhere', name: 'kube-apiserver' }, port: 6443, protocol: 'TCP', purpose: 'never sampled' },
    ];
    const lines = expectedConnections({ controlPlane: cp, exposures }, 'o', extra).map(line);
    expect(lines.slice(GRAPH.length, -COMPONENTS.length)).toEqual([
      'rdp-clients -> rdpGateway:3389 (native RDP) | 198.51.100.128(rdp-clients) -> kasm/rdp-gateway 3389/TCP',
      'traefik -> rdpGateway:3390 (RDP through Traefik) | kube-system/traefik -> kasm/rdp-gateway 3390/TCP',
      'api -> idp:443 (OIDC) | kasm/api -> 203.0.113.16(idp) 443/TCP',
      'api -> loki:3100 (logs) | kasm/api -> monitoring/loki 3100/UDP',
      'api -> raw:25 (mail) | kasm/api -> 192.0.2.8(raw) 25/TCP',
    ]);
  });

  test('a zone\'s edges name the zone and its own pods', () => {
    const lines = expectedConnections({ controlPlane: zoned(), exposures: [] }, 'o', []).map(line);
    expect(lines.filter((l) => l.includes('zone eu')).slice(0, 3)).toEqual([
      'api -> db:5432 (reads and writes Kasm state) in zone eu | kasm/api-eu -> kasm/db 5432/TCP',
      'manager -> db:5432 (reads and writes zone state) in zone eu | kasm/manager-eu -> kasm/db 5432/TCP',
      'manager -> api:8080 (registers with the api) in zone eu | kasm/manager-eu -> kasm/api-eu 8080/TCP',
    ]);
    expect(lines).toContain('proxy -> guac:9000 (routes /desktop/ sessions to guac\'s registered address) in zone eu | kasm/proxy-eu -> kasm/guac 9000/TCP');
    expect(lines).toContain('manager -> db:5432 (reads and writes zone state) | kasm/manager -> kasm/db 5432/TCP');
  });
});
