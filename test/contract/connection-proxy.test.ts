/**
 * The model takes Kasm's develop-line merge (guac and both RDP gateways in one connection-proxy StatefulSet) as a new
 * contract entry: a made-up release in that shape synthesizes through the unchanged constructs, and an entry that
 * breaks the contract's rules is refused with every problem named.
 */
import { App, Testing } from 'cdk8s';
import { K3sDev, K3sProd } from '../../charts';
import {
  ClusterProfile, ComponentId, KasmConfigError, KasmControlPlane, KasmContract, KasmVersion, ScalingMode, SizePreset, WorkloadKind,
} from '../../lib';
import { contractProblems } from '../../lib/contract/check';
import { CONNECTION_PROXY, CONNECTION_PROXY_RELEASE } from '../support/connection-proxy-release';
import { all, envOf, find, Manifest } from '../support/manifests';

const DEVELOP = KasmVersion.fromContract(CONNECTION_PROXY_RELEASE);

function build(chart: (app: App) => void): { manifests: Manifest[]; cp: KasmControlPlane } {
  const app = Testing.app();
  chart(app);
  const manifests = app.charts.flatMap((c) => Testing.synth(c)) as Manifest[];
  const cp = app.charts.flatMap((c) => c.node.findAll()).find((c): c is KasmControlPlane => c instanceof KasmControlPlane)!;
  return { manifests, cp };
}

describe('a release that merges guac and the RDP gateways into a connection proxy', () => {
  const { manifests, cp } = build((app) => new K3sDev(app, 'dev', { version: DEVELOP }));
  const sts = find(manifests, 'StatefulSet', 'kasm-connection-proxy');
  const containers: any[] = sts.spec.template.spec.containers;

  test('deploys one StatefulSet with the nginx and the three gateways as containers of one pod', () => {
    expect(containers.map((c) => c.name)).toEqual(['kasm-connection-proxy', 'guac', 'rdp-gateway', 'rdp-https-gateway']);
    expect(containers.map((c) => c.image)).toEqual([
      'kasmweb/proxy:1.20.0-dev.1', 'kasmweb/kasm-guac:1.20.0-dev.1', 'kasmweb/rdp-gateway:1.20.0-dev.1', 'kasmweb/rdp-https-gateway:1.20.0-dev.1',
    ]);
    expect(all(manifests, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(['kasm-api', 'kasm-manager', 'kasm-proxy']);
    expect(cp.components).toEqual([ComponentId.PROXY, ComponentId.API, ComponentId.MANAGER, ComponentId.CONNECTION_PROXY]);
  });

  test('a headless Service of the StatefulSet\'s serviceName gives every pod its own address', () => {
    const svc = find(manifests, 'Service', 'kasm-connection-proxy-default');
    expect(svc.spec.clusterIP).toBe('None');
    expect(sts.spec.serviceName).toBe('kasm-connection-proxy-default');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(svc.spec.ports.map((p: any) => `${p.name}:${p.port}`)).toEqual([
      'cp-nginx-pt:8443', 'cp-guac-pt:3000', 'cp-guacd-1:3001', 'cp-guacd-2:3002', 'cp-guacd-3:3003', 'cp-guacd-4:3004',
      'cp-rdp-gw-pt:5555', 'cp-rdp-drct-pt:3389', 'cp-rdp-tls-pt:9443',
    ]);
  });

  test('each gateway registers its pod\'s own name, built from the Downward API and the cluster domain', () => {
    const env = envOf(containers[1]);
    expect(env.HOSTNAME).toBe('field:metadata.name');
    expect(env.POD_NAMESPACE).toBe('field:metadata.namespace');
    expect(env.SERVER_ADDRESS).toBe('$(HOSTNAME).kasm-connection-proxy-default.$(POD_NAMESPACE).svc.cluster.local');
    // Kubernetes expands $(VAR) only from variables defined earlier in the list.
    const names = containers[1].env.map((e: any) => e.name);
    expect(names.indexOf('HOSTNAME')).toBeLessThan(names.indexOf('SERVER_ADDRESS'));
    expect(envOf(containers[1]).REGISTRATION_TOKEN).toBe('secret:kasm-secrets/service-token');
  });

  test('the cluster domain comes from the ClusterProfile', () => {
    const { manifests: custom } = build((app) => new K3sDev(app, 'dev', { version: DEVELOP, cluster: ClusterProfile.k3s({ clusterDomain: 'corp.internal' }) }));
    const guac = find(custom, 'StatefulSet', 'kasm-connection-proxy').spec.template.spec.containers[1];
    expect(envOf(guac).SERVER_ADDRESS).toMatch(/\.svc\.corp\.internal$/);
  });

  test('every container is hardened, probed and sized; sidecar volumes do not collide', () => {
    for (const c of containers) {
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.readinessProbe).toBeDefined();
      expect(c.livenessProbe).toBeDefined();
      expect(c.startupProbe).toBeDefined();
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
    }
    const volumes = sts.spec.template.spec.volumes.map((v: any) => v.name);
    expect(new Set(volumes).size).toBe(volumes.length);
    expect(volumes).toEqual(expect.arrayContaining(['guac-rw-tmp', 'rdp-gateway-rw-tmp', 'rdp-https-gateway-rw-tmp', 'tls-rdp']));
  });

  test('the gateways wait for the api through the proxy; the proxy does not wait for them', () => {
    const waits = (m: Manifest) => m.spec.template.spec.initContainers.map((c: any) => c.name);
    expect(waits(sts)).toEqual(['wait-for-kasm-proxy']);
    expect(waits(find(manifests, 'Deployment', 'kasm-proxy'))).toEqual(['wait-for-kasm-api', 'wait-for-kasm-manager']);
  });

  test('the proxy\'s nginx names no merged gateway: RDP over HTTPS goes to the pod the api looks up', () => {
    const conf = Object.values(find(manifests, 'ConfigMap', 'kasm-proxy-config').data as Record<string, string>).join('\n');
    expect(conf).toContain('proxy_pass https://$rdp_connect_hostname:$rdp_connect_port;');
    expect(conf).not.toMatch(/kasm-guac|kasm-rdp-gateway|kasm-rdp-https-gateway/);
  });

  test('the RDP certificate carries the per-pod names', () => {
    const plan = JSON.parse(find(manifests, 'ConfigMap', 'kasm-secret-generator').data['plan.json']);
    const rdp = plan.certificates.find((c: any) => c.secretName === 'kasm-rdp-tls');
    expect(rdp.dnsNames).toEqual(expect.arrayContaining([
      'kasm-connection-proxy-default', '*.kasm-connection-proxy-default.kasm.svc', '*.kasm-connection-proxy-default.kasm.svc.cluster.local',
    ]));
  });

  test('the Deployment accessor explains where a StatefulSet is; the workload accessor returns it', () => {
    expect(() => cp.deploymentOf(ComponentId.CONNECTION_PROXY)).toThrow(/runs as a StatefulSet in Kasm 1\.20\.0-dev\.1, not a Deployment; use workloadObjectOf\('connectionProxy'\)/);
    expect(cp.workloadObjectOf(ComponentId.CONNECTION_PROXY).kind).toBe('StatefulSet');
    expect(cp.workloadObjectOf(ComponentId.API).kind).toBe('Deployment');
  });

  test('KasmScaling counts it per pod: a PodDisruptionBudget, never an HPA', () => {
    const { manifests: prod } = build((app) => new K3sProd(app, 'prod', { version: DEVELOP, hostname: 'kasm.example.com', nodes: [{ count: 3, cpu: '8', memory: '16Gi' }] }));
    expect(CONNECTION_PROXY.scaling).toBe(ScalingMode.PER_POD);
    expect(all(prod, 'HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name)).not.toContain('kasm-connection-proxy');
    expect(all(prod, 'PodDisruptionBudget').map((p) => p.metadata.name)).toContain('kasm-connection-proxy');
    const prodSts = find(prod, 'StatefulSet', 'kasm-connection-proxy');
    expect(prodSts.spec.replicas).toBe(CONNECTION_PROXY_RELEASE.sizing[SizePreset.MEDIUM][ComponentId.CONNECTION_PROXY]!.replicas);
    expect(prodSts.spec.template.spec.topologySpreadConstraints).toHaveLength(2);
  });

  test('1.16.0 and 1.18.1 keep single-container Deployments; 1.19.0 runs guac and rdp-https-gateway as StatefulSets, every gateway with its nginx', () => {
    for (const version of [KasmVersion.V1_16_0, KasmVersion.V1_18_1]) {
      for (const c of Object.values(version.contract.components)) {
        expect(c!.workloadKind ?? WorkloadKind.DEPLOYMENT).toBe(WorkloadKind.DEPLOYMENT);
        expect(c!.sidecars ?? []).toEqual([]);
      }
    }
    const shape = Object.values(KasmVersion.V1_19_0.contract.components).map((c) => [c!.id, c!.workloadKind ?? WorkloadKind.DEPLOYMENT, (c!.sidecars ?? []).map((s) => s.name)]);
    expect(shape).toEqual([
      ['proxy', 'Deployment', []], ['api', 'Deployment', []], ['manager', 'Deployment', []],
      ['guac', 'StatefulSet', ['guac-nginx']], ['rdpGateway', 'Deployment', ['rdp-gateway-nginx']],
      ['rdpHttpsGateway', 'StatefulSet', ['rdp-https-gateway-nginx']], ['db', 'Deployment', []],
    ]);
  });
});

describe('KasmVersion.fromContract refuses an entry that breaks the rules', () => {
  const broken = (change: (c: any) => void): KasmContract => {
    const copy = JSON.parse(JSON.stringify(CONNECTION_PROXY_RELEASE));
    change(copy);
    return copy;
  };
  const cpOf = (c: any) => c.components.connectionProxy;

  test.each([
    ['a floating image tag', (c: any) => { cpOf(c).sidecars[0].image.tag = 'develop'; }, /components\.connectionProxy\.sidecars\[guac\]\.image: kasmweb\/kasm-guac:develop is not pinned/],
    ['a port name over 15 characters', (c: any) => { cpOf(c).sidecars[1].ports[0].name = 'rdp-gateway-port-main'; }, /'?"rdp-gateway-port-main"'? is not an IANA_SVC_NAME/],
    ['a port two containers of the pod both declare', (c: any) => { cpOf(c).sidecars[2].ports[0].port = 3000; }, /port 3000 appears twice in the pod/],
    ['two containers with one name', (c: any) => { cpOf(c).sidecars[2].name = 'guac'; }, /container name "guac" appears twice in the pod/],
    ['an unknown placeholder in a template', (c: any) => { cpOf(c).sidecars[0].env.find((e: any) => e.name === 'SERVER_ADDRESS').source.template = '${domain}'; }, /\$\{domain\} is not a derived value; accepted: dbHost/],
    ['an edge to a port no container declares', (c: any) => { c.edges.push({ from: 'proxy', to: 'connectionProxy', port: 9999, purpose: 'x' }); }, /connectionProxy declares no port 9999/],
    ['an edge to a component the entry lacks', (c: any) => { c.edges.push({ from: 'proxy', to: 'guac', port: 3000, purpose: 'x' }); }, /guac is not a component of this entry/],
    ['a preset without sizing', (c: any) => { delete c.sizing.large.connectionProxy; }, /sizing\.large\.connectionProxy: is missing/],
    ['a route without owner', (c: any) => { delete c.proxy.routeOwners['/api/']; }, /proxy\.routes \/api\/: has no owner/],
    ['a TLS role naming a missing component', (c: any) => { c.tlsRoles.rdp = ['guac']; }, /tlsRoles\.rdp: names guac/],
    ['a version that is not a release number', (c: any) => { c.version = 'next'; }, /version: "next" is not a release number/],
    ['a missing part', (c: any) => { delete c.proxy; }, /proxy: is missing/],
  ])('%s', (_label, change, message) => {
    expect(() => KasmVersion.fromContract(broken(change))).toThrow(KasmConfigError);
    expect(() => KasmVersion.fromContract(broken(change))).toThrow(message);
  });

  test('every problem is reported at once', () => {
    const entry = broken((c) => { cpOf(c).image.tag = 'latest'; delete c.sizing.dev.connectionProxy; });
    expect(() => KasmVersion.fromContract(entry)).toThrow(/breaks 2 rule\(s\)/);
  });

  test('a shipped release is looked up, not redefined', () => {
    expect(() => KasmVersion.fromContract(KasmVersion.V1_19_0.contract)).toThrow(/'1\.19\.0' is a shipped release; use KasmVersion\.of\('1\.19\.0'\)/);
  });

  test('plain data that is not an object', () => {
    expect(() => KasmVersion.fromContract('1.20.0' as any)).toThrow(/KasmVersion\.fromContract contract: '1\.20\.0' is not accepted; pass a KasmContract object/);
  });

  test('the shipped releases keep every rule', () => {
    for (const v of KasmVersion.ALL) expect(contractProblems(v.contract)).toEqual([]);
  });
});
