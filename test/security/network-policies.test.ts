/**
 * The NetworkPolicies and Pod Security of every published variant, evaluated offline with Kubernetes' semantics:
 * every edge of the dependency graph must be open, the must-stay-closed flows must be denied, and every pod
 * template must pass the Pod Security "restricted" profile.
 */
import { App, Testing } from 'cdk8s';
import { K3sDev, K3sProd, Rke2Cnpg, VARIANTS } from '../../charts';
import { ComponentId, ExternalPeer, IdentityProviderKind, KasmControlPlane, KasmSecurity, KasmVersion, RdpExposureKind, ResolvedEdge, Variant } from '../../lib';
import { Endpoint, NetworkPolicyModel, PodEndpoint } from '../../lib/doctor/network-policy-model';
import { checkRestricted, podSpecsOf } from '../../lib/doctor/pod-security';
import { Manifest } from '../support/manifests';
import { validateManifests } from '../../lib/doctor/schema-validator';
import { CONNECTION_PROXY_RELEASE } from '../support/connection-proxy-release';
import { GATEWAY_MATRIX } from '../support/gateway-matrix';

interface Built {
  readonly manifests: Manifest[];
  readonly controlPlane: KasmControlPlane;
  readonly security: KasmSecurity;
}

function build(variant: Variant): Built {
  const app: App = Testing.app();
  variant.build(app);
  const manifests = app.charts.flatMap((c) => Testing.synth(c)) as Manifest[];
  const all = app.charts.flatMap((c) => c.node.findAll());
  const controlPlane = all.find((c): c is KasmControlPlane => c instanceof KasmControlPlane)!;
  const security = all.find((c): c is KasmSecurity => c instanceof KasmSecurity)!;
  return { manifests, controlPlane, security };
}

/** Peers outside the namespace, as K3s labels them. */
const TRAEFIK: PodEndpoint = { kind: 'pod', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'traefik' }, name: 'traefik' };
const KUBE_DNS: PodEndpoint = { kind: 'pod', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, name: 'kube-dns' };
const OTHER_POD: PodEndpoint = { kind: 'pod', namespace: 'default', labels: { app: 'curious' }, name: 'a pod in another namespace' };
const AGENT: Endpoint = { kind: 'external', ip: '192.168.1.50', name: 'agent' };
const SERVER: Endpoint = { kind: 'external', ip: '172.20.3.4', name: 'an RDP/VNC/SSH server' };
const INTERNET: Endpoint = { kind: 'external', ip: '203.0.113.9', name: 'internet host' };
const CLUSTER_IP: Endpoint = { kind: 'external', ip: '10.42.0.17', name: 'an address inside the pod CIDR' };

/** Each variant on Kasm 1.19.0 (the variant x release matrix; the published ones are 1.18.1), and during an upgrade. */
export const RELEASE_MATRIX: Variant[] = [
  { name: 'k3s-dev on Kasm 1.19.0', build: (app) => new K3sDev(app, 'k3s-dev-1-19', { version: KasmVersion.V1_19_0 }) },
  // 1.19's medium preset requests 500m per api, manager and proxy pod: at the HPA maximum it needs 8-CPU nodes.
  { name: 'k3s-prod on Kasm 1.19.0', build: (app) => new K3sProd(app, 'k3s-prod-1-19', { version: KasmVersion.V1_19_0, hostname: 'kasm.example.com', nodes: [{ count: 3, cpu: '8', memory: '16Gi' }] }) },
  { name: 'rke2-cnpg on Kasm 1.19.0', build: (app) => new Rke2Cnpg(app, 'rke2-cnpg-1-19', { version: KasmVersion.V1_19_0, hostname: 'kasm.example.com' }) },
  { name: 'k3s-dev upgrading 1.18.1 -> 1.19.0', build: (app) => new K3sDev(app, 'k3s-dev-upgrade', { version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1 }) },
  // A made-up entry in the develop line's shape: guac and both RDP gateways in one connection-proxy StatefulSet.
  { name: 'k3s-prod on a made-up connection-proxy release', build: (app) => new K3sProd(app, 'k3s-prod-cp', { version: KasmVersion.fromContract(CONNECTION_PROXY_RELEASE), hostname: 'kasm.example.com', nodes: [{ count: 3, cpu: '8', memory: '16Gi' }] }) },
  // Everything after the install switched on: native RDP, an identity provider and a private CA bundle.
  { name: 'k3s-prod with RDP through a LoadBalancer, an LDAP provider and a CA bundle', build: (app) => new K3sProd(app, 'k3s-prod-after-install', {
    hostname: 'kasm.example.com', rdp: { kind: RdpExposureKind.LOAD_BALANCER, clientCidrs: ['203.0.113.0/24'] },
    identityProviders: [{ name: 'corp-ldap', kind: IdentityProviderKind.LDAP, cidrs: ['10.0.5.10/32'] }], trustedCaBundle: { configMapName: 'corp-ca' },
  }) },
  // Two zones: the second gets its own api, manager and proxy, wired to each other, the shared database and its agents.
  { name: 'k3s-prod on Kasm 1.19.0 with a second zone', build: (app) => new K3sProd(app, 'k3s-prod-zones', {
    version: KasmVersion.V1_19_0, hostname: 'kasm.example.com', nodes: [{ count: 4, cpu: '8', memory: '16Gi' }],
    zones: [{ name: 'default' }, { name: 'EU West', upstreamAuthAddress: 'https://eu.kasm.example.com' }],
  }) },
  { name: 'rke2-cnpg upgrading 1.18.1 -> 1.19.0', build: (app) => new Rke2Cnpg(app, 'rke2-cnpg-upgrade', { version: KasmVersion.V1_19_0, upgradeFrom: KasmVersion.V1_18_1, hostname: 'kasm.example.com' }) },
];

/** The published variants, the release matrix, and the K3s-dev shape on Kasm 1.16.0 (Share and Redis add edges of their own). */
const CASES: Variant[] = [
  ...VARIANTS,
  ...RELEASE_MATRIX,
  ...GATEWAY_MATRIX,
  { name: 'k3s-dev on Kasm 1.16.0 with server ranges (test only)', build: (app) => new K3sDev(app, 'k3s-dev-1-16', { version: KasmVersion.V1_16_0, serverCidrs: ['172.20.0.0/16'] }) },
];

describe.each(CASES.map((v) => [v.name, v] as const))('variant %s', (_name, variant) => {
  const { manifests, controlPlane: cp, security } = build(variant);
  const model = new NetworkPolicyModel(manifests, [{ name: 'kube-system' }, { name: 'default' }]);
  const pods = model.podEndpoints();
  const podOf = (id: ComponentId): PodEndpoint => {
    const selector = cp.selectorOf(id);
    const found = pods.find((p) => Object.entries(selector).every(([k, v]) => p.labels[k] === v));
    if (found) return found;
    // An operator's pods (CloudNativePG instances) have no template in the manifests: stand in with their labels.
    const peer = cp.database.peer.end;
    if (id === ComponentId.DB && peer.kind === 'pods') return { kind: 'pod', namespace: peer.namespace, labels: { ...peer.selector }, name: 'database instance' };
    throw new Error(`no pod for ${id}`);
  };
  // The variant's ingress controller, as its cluster profile labels it, and the proxy port its front door uses.
  const controllerEnd = (security.frontDoor?.controller ?? cp.cluster.ingressController).end;
  const TRAEFIK_POD: PodEndpoint = controllerEnd.kind === 'pods'
    ? { kind: 'pod', namespace: controllerEnd.namespace, labels: { ...controllerEnd.selector }, name: 'ingress controller' } : TRAEFIK;
  const frontDoorPort = security.frontDoor?.backendPort ?? 8080;
  const otherProxyPort = frontDoorPort === 8080 ? 8443 : 8080;
  const endpointOf = (e: ComponentId | ExternalPeer): Endpoint => {
    if (e === ExternalPeer.AGENTS) return AGENT;
    if (e === ExternalPeer.INGRESS_CONTROLLER) return TRAEFIK_POD;
    if (e === ExternalPeer.SERVERS) return SERVER;
    return podOf(e as ComponentId);
  };
  const allowed = (from: Endpoint, to: Endpoint, port: number, protocol: 'TCP' | 'UDP' = 'TCP') => model.isAllowed(from, to, port, protocol);

  test('every object passes strict schema validation', () => {
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('default deny covers every pod of the namespace, both directions', () => {
    for (const p of pods.filter((pod) => pod.namespace === cp.namespace)) {
      expect(model.policiesSelecting(p, 'ingress')).toContain(`${cp.namespace}/${cp.name}-default-deny`);
      expect(model.policiesSelecting(p, 'egress')).toContain(`${cp.namespace}/${cp.name}-default-deny`);
    }
  });

  const hasServers = security.flows.some((f) => f.to.kind === 'cidrs' && f.to.name === 'servers');
  describe('every edge of the dependency graph is open', () => {
    // Server edges exist only where server ranges are configured; without them they must stay closed (below).
    // An extra zone's edges are checked between that zone's own pods (resolved selectors), not the first zone's.
    const endOf = (e: ResolvedEdge, side: 'from' | 'to'): Endpoint => {
      const selector = e[side];
      if (e.zone && typeof selector !== 'string' && e.edge[side] !== ComponentId.DB) {
        return pods.find((p) => Object.entries(selector).every(([k, v]) => p.labels[k] === v))!;
      }
      return endpointOf(e.edge[side]);
    };
    test.each(cp.edges.filter((e) => hasServers || e.edge.to !== ExternalPeer.SERVERS)
      .map((e) => [`${e.edge.from} -> ${e.edge.to}:${e.edge.port} (${e.edge.purpose})${e.zone ? ` in zone ${e.zone}` : ''}`, e] as const))('%s', (_label, resolved) => {
      const edge = resolved.edge;
      const port = edge.from === ExternalPeer.INGRESS_CONTROLLER ? frontDoorPort : edge.port;
      const verdict = allowed(endOf(resolved, 'from'), endOf(resolved, 'to'), port);
      expect(verdict).toEqual({ allowed: true, reason: expect.any(String) });
    });
  });

  test('every pod may resolve names through kube-dns on 53/UDP and 53/TCP, and nothing else there', () => {
    for (const p of pods.filter((pod) => pod.namespace === cp.namespace)) {
      expect(allowed(p, KUBE_DNS, 53, 'UDP').allowed).toBe(true);
      expect(allowed(p, KUBE_DNS, 53, 'TCP').allowed).toBe(true);
      expect(allowed(p, KUBE_DNS, 9153).allowed).toBe(false);
    }
  });

  test('the secret generator may reach the API server and nothing in the namespace', () => {
    const generator = pods.find((p) => p.workload.includes('secret-generator'))!;
    expect(allowed(generator, { kind: 'external', ip: '10.43.0.1' }, 443).allowed).toBe(true);
    expect(allowed(generator, { kind: 'external', ip: '192.168.1.10' }, 6443).allowed).toBe(true);
    expect(allowed(generator, podOf(ComponentId.DB), 5432).allowed).toBe(false);
    expect(allowed(generator, podOf(ComponentId.API), 8080).allowed).toBe(false);
    expect(security.flows.filter((f) => f.to.kind === 'anywhere').map((f) => f.port)).toEqual([443, 6443]);
  });

  describe('flows that must stay closed', () => {
    const db = () => podOf(ComponentId.DB);
    // Where a release merges guac and the gateways into one connection proxy, their flows are its flows.
    const gateway = (id: ComponentId) => () => podOf(cp.components.includes(id) ? id : ComponentId.CONNECTION_PROXY);
    const closed: [string, () => Endpoint, () => Endpoint, number][] = [
      ['proxy -> database', () => podOf(ComponentId.PROXY), db, 5432],
      ['guac -> database', gateway(ComponentId.GUAC), db, 5432],
      ['rdp gateway -> database', gateway(ComponentId.RDP_GATEWAY), db, 5432],
      ['rdp https gateway -> database', gateway(ComponentId.RDP_HTTPS_GATEWAY), db, 5432],
      ['internet -> database', () => INTERNET, db, 5432],
      ['agent -> database', () => AGENT, db, 5432],
      ['pod in another namespace -> database', () => OTHER_POD, db, 5432],
      ['ingress controller -> database', () => TRAEFIK_POD, db, 5432],
      ['internet -> api', () => INTERNET, () => podOf(ComponentId.API), 8080],
      ['agent -> api', () => AGENT, () => podOf(ComponentId.API), 8080],
      ['ingress controller -> api (only through the proxy)', () => TRAEFIK_POD, () => podOf(ComponentId.API), 8080],
      ['pod in another namespace -> api', () => OTHER_POD, () => podOf(ComponentId.API), 8080],
      ['internet -> manager', () => INTERNET, () => podOf(ComponentId.MANAGER), 8181],
      ['agent -> manager (only through the proxy)', () => AGENT, () => podOf(ComponentId.MANAGER), 8181],
      ['pod in another namespace -> manager', () => OTHER_POD, () => podOf(ComponentId.MANAGER), 8181],
      ['internet -> proxy', () => INTERNET, () => podOf(ComponentId.PROXY), 8080],
      [`ingress controller -> proxy on the port its front door does not use (${otherProxyPort})`, () => TRAEFIK_POD, () => podOf(ComponentId.PROXY), otherProxyPort],
      ['pod in another namespace -> proxy', () => OTHER_POD, () => podOf(ComponentId.PROXY), 8080],
      ['proxy -> internet', () => podOf(ComponentId.PROXY), () => INTERNET, 443],
      ['proxy -> agents on a port agents do not serve', () => podOf(ComponentId.PROXY), () => AGENT, 22],
      ['proxy -> the cluster\'s own addresses as if they were agents', () => podOf(ComponentId.PROXY), () => CLUSTER_IP, 443],
      ['api -> internet', () => podOf(ComponentId.API), () => INTERNET, 443],
      // CloudNativePG instances talk to the API server, whose address is not known here (any address on 443/6443).
      ['database -> internet', db, () => INTERNET, cp.database.ownFlows ? 80 : 443],
      ['database -> api', db, () => podOf(ComponentId.API), 8080],
      ['api -> database on another port', () => podOf(ComponentId.API), db, 5433],
      ['proxy -> a server over RDP (only guac and the gateways connect to servers)', () => podOf(ComponentId.PROXY), () => SERVER, 3389],
      ['guac -> a server on a port that is not RDP, VNC or SSH', gateway(ComponentId.GUAC), () => SERVER, 445],
      ...(hasServers ? [] : [['guac -> a server when no server range is configured', gateway(ComponentId.GUAC), () => SERVER, 3389] as [string, () => Endpoint, () => Endpoint, number]]),
    ];
    test.each(closed)('%s', (_label, from, to, port) => {
      const verdict = allowed(from(), to(), port);
      expect(verdict).toEqual({ allowed: false, reason: expect.any(String) });
    });
  });

  test('every entrance besides the front door (native RDP) is open from its peer only, on its port only', () => {
    for (const f of security.exposures.flatMap((e) => e.inbound)) {
      const end = f.from.end;
      const from: Endpoint = end.kind === 'pods' ? { kind: 'pod', namespace: end.namespace, labels: { ...end.selector }, name: end.name } : INTERNET;
      if (end.kind === 'cidrs' && !end.blocks.some((b) => b.cidr === '0.0.0.0/0')) continue;
      expect(allowed(from, podOf(f.component), f.port).allowed).toBe(true);
      expect(allowed(from, podOf(f.component), 5555).allowed).toBe(false);
      expect(allowed(OTHER_POD, podOf(f.component), f.port).allowed).toBe(false);
    }
  });

  // A Gateway front door of another implementation replaces the packaged Traefik: Traefik's pods lose their way in.
  const frontDoorIsTraefik = controllerEnd.kind === 'pods' && controllerEnd.namespace === 'kube-system';
  (frontDoorIsTraefik ? test.skip : test)('the packaged Traefik reaches nothing when another gateway is the front door', () => {
    for (const port of [8080, 8443]) expect(allowed(TRAEFIK, podOf(ComponentId.PROXY), port).allowed).toBe(false);
    expect(allowed(TRAEFIK, podOf(ComponentId.RDP_GATEWAY), 3389).allowed).toBe(false);
  });

  test('every pod template passes Pod Security "restricted"', () => {
    const specs = podSpecsOf(manifests);
    expect(specs.length).toBeGreaterThan(5);
    for (const { workload, spec, metadata } of specs) {
      expect({ workload, violations: checkRestricted(spec, metadata) }).toEqual({ workload, violations: [] });
    }
  });

  test('the generator creates every Secret and key the pods refer to', () => {
    const plan = JSON.parse(manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.endsWith('secret-generator'))!.data['plan.json']);
    const generated = new Map<string, Set<string>>([[plan.credentials.secretName, new Set(plan.credentials.keys)]]);
    for (const c of plan.certificates) generated.set(c.secretName, new Set(['tls.crt', 'tls.key', 'ca.crt']));
    const referenced: string[] = [];
    for (const { spec } of podSpecsOf(manifests)) {
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) referenced.push(`${ref.name}/${ref.key}`);
        }
      }
      for (const v of spec.volumes ?? []) {
        if (v.secret) {
          const mounts = [...spec.containers, ...(spec.initContainers ?? [])].flatMap((c: any) => c.volumeMounts ?? []).filter((m: any) => m.name === v.name);
          for (const m of mounts) referenced.push(`${v.secret.secretName}/${m.subPath}`);
        }
      }
    }
    expect(referenced.length).toBeGreaterThan(10);
    for (const ref of referenced) {
      const [secret, key] = ref.split('/');
      expect({ ref, generated: generated.get(secret)?.has(key) ?? false }).toEqual({ ref, generated: true });
    }
  });

  test('the namespace enforces, audits and warns on "restricted"', () => {
    const ns = manifests.find((m) => m.kind === 'Namespace' && m.metadata.name === cp.namespace)!;
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('each component has its own ServiceAccount without a token; only the generator mounts one', () => {
    for (const { workload, spec } of podSpecsOf(manifests)) {
      expect(spec.serviceAccountName).toBeDefined();
      expect(spec.serviceAccountName).not.toBe('default');
      // The generator creates Secrets; CloudNativePG's backup pruner deletes old Backups. Nothing else talks to the API.
      expect({ workload, automount: spec.automountServiceAccountToken !== false }).toEqual({ workload, automount: /secret-generator|backup-prune/.test(workload) });
    }
    // One ServiceAccount per component (the backup and restore Jobs are one component and share theirs); each zone's
    // instance of a per-zone component is a workload of its own, with its own account.
    const byComponent = new Map<string, Set<string>>();
    for (const p of podSpecsOf(manifests)) {
      const component = `${p.metadata.labels?.['app.kubernetes.io/component'] ?? p.workload}/${p.metadata.labels?.['app.kubernetes.io/name'] ?? ''}`;
      byComponent.set(component, new Set([...(byComponent.get(component) ?? []), p.spec.serviceAccountName]));
    }
    const accounts = [...byComponent.values()].map((s) => [...s]);
    expect(accounts.every((a) => a.length === 1)).toBe(true);
    expect(new Set(accounts.flat()).size).toBe(accounts.length);
  });
});
