/** KasmScaling: HPAs only where the contract allows, no replicas under an HPA, PDBs, spread and anti-affinity. */
import { Testing } from 'cdk8s';
import { K3sProd } from '../../charts';
import { ComponentId, KasmControlPlane, KasmDatabase, KasmScaling, KasmVersion, ScalingMode, SizePreset } from '../../lib';
import { all, find, Manifest, podSpec, synth } from '../support/manifests';

function build(scaling: Partial<ConstructorParameters<typeof KasmScaling>[2]> = {}, size = SizePreset.MEDIUM) {
  const chart = Testing.chart();
  const database = new KasmDatabase(chart, 'db');
  const controlPlane = new KasmControlPlane(chart, 'cp', { database, size });
  const s = new KasmScaling(chart, 'scaling', { controlPlane, ...scaling });
  return { manifests: synth(chart), scaling: s };
}

describe('KasmScaling', () => {
  const { manifests, scaling } = build();

  test('an HPA for each horizontal component (api, manager, proxy), none for the session holders', () => {
    expect(all(manifests, 'HorizontalPodAutoscaler').map((h) => h.metadata.name).sort()).toEqual(['kasm-api', 'kasm-manager', 'kasm-proxy']);
    expect(scaling.plan.filter((p) => p.autoscaled).every((p) => p.mode === ScalingMode.HORIZONTAL)).toBe(true);
  });

  test('with an HPA the Deployment leaves replicas out, so GitOps does not fight the autoscaler', () => {
    expect(find(manifests, 'Deployment', 'kasm-api').spec.replicas).toBeUndefined();
    expect(find(manifests, 'Deployment', 'kasm-guac').spec.replicas).toBe(2);
  });

  test('the HPA targets CPU and memory between the preset\'s replicas and three times that', () => {
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'kasm-api');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kasm-api' } });
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 70], ['memory', 80]]);
  });

  test('a PodDisruptionBudget for every component with more than one pod, selecting exactly its pods', () => {
    const pdbs = all(manifests, 'PodDisruptionBudget');
    expect(pdbs.map((p) => p.metadata.name).sort()).toEqual(['kasm-api', 'kasm-guac', 'kasm-manager', 'kasm-proxy', 'kasm-rdp-gateway', 'kasm-rdp-https-gateway']);
    const api = find(manifests, 'PodDisruptionBudget', 'kasm-api');
    expect(api.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/instance': 'kasm', 'app.kubernetes.io/name': 'kasm-api' } } });
  });

  test('pods spread over nodes and zones, preferred rather than required', () => {
    const spread = podSpec(find(manifests, 'Deployment', 'kasm-proxy')).topologySpreadConstraints;
    expect(spread.map((t: any) => [t.topologyKey, t.whenUnsatisfiable, t.maxSkew])).toEqual([
      ['kubernetes.io/hostname', 'ScheduleAnyway', 1], ['topology.kubernetes.io/zone', 'ScheduleAnyway', 1],
    ]);
    expect(podSpec(find(manifests, 'Deployment', 'kasm-proxy')).affinity).toBeUndefined();
  });

  test('one pod per component: no PDB, no spread', () => {
    const small = build({ autoscaling: false }, SizePreset.SMALL).manifests;
    expect(all(small, 'PodDisruptionBudget')).toEqual([]);
    expect(all(small, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(podSpec(find(small, 'Deployment', 'kasm-api')).topologySpreadConstraints).toBeUndefined();
    expect(find(small, 'Deployment', 'kasm-api').spec.replicas).toBe(1);
  });

  test('required anti-affinity is opt-in', () => {
    const m = build({ requiredAntiAffinity: true }).manifests;
    expect(podSpec(find(m, 'Deployment', 'kasm-api')).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/instance': 'kasm', 'app.kubernetes.io/name': 'kasm-api' } } },
    ]);
  });

  test('per-component autoscaling overrides', () => {
    const m = build({ components: { [ComponentId.PROXY]: { minReplicas: 3, maxReplicas: 10, cpuUtilization: 50 } } }).manifests;
    expect(find(m, 'HorizontalPodAutoscaler', 'kasm-proxy').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
  });
});

describe('bad scaling props name the prop, the value and what is accepted', () => {
  const cases: [string, Partial<ConstructorParameters<typeof KasmScaling>[2]>, RegExp][] = [
    ['min above max', { components: { [ComponentId.API]: { minReplicas: 5, maxReplicas: 3 } } }, /^KasmScaling components\.api\.maxReplicas: 3 is below minReplicas \(5\); pass at least 5$/],
    ['a CPU target above 100', { components: { [ComponentId.API]: { cpuUtilization: 150 } } }, /^KasmScaling components\.api\.cpuUtilization: 150 is not accepted; pass a whole number from 1 to 100$/],
    ['a memory target of 0', { components: { [ComponentId.API]: { memoryUtilization: 0 } } }, /^KasmScaling components\.api\.memoryUtilization: 0 is not accepted/],
    ['an HPA for a session holder', { components: { [ComponentId.GUAC]: { maxReplicas: 4 } } }, /^KasmScaling components\.guac: 'guac' scales 'perPod', not horizontally: an HPA would cut live sessions on scale-in/],
    ['an HPA for the database', { components: { [ComponentId.DB]: { maxReplicas: 2 } } }, /^KasmScaling components\.db: 'db' is not a deployed component/],
    ['overrides with autoscaling off', { autoscaling: false, components: { [ComponentId.API]: { maxReplicas: 4 } } }, /^KasmScaling components\.api: 'api' is set but autoscaling is false/],
    ['a string flag', { podDisruptionBudgets: 'yes' as any }, /^KasmScaling podDisruptionBudgets: 'yes' is not accepted; pass true or false/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('more than one replica of a fixed component is refused on the control plane', () => {
    const chart = Testing.chart();
    const database = new KasmDatabase(chart, 'db');
    expect(() => new KasmControlPlane(chart, 'cp', { database, components: { [ComponentId.DB]: { replicas: 2 } } as any }))
      .toThrow(/^KasmControlPlane components\.db: 'db' is not a control-plane component/);
  });
});

describe('K3sProd', () => {
  const chart = new K3sProd(Testing.app(), 'k3s-prod', { hostname: 'kasm.example.com' });
  const m = Testing.synth(chart) as Manifest[];

  test('Kasm\'s PostgreSQL on longhorn with a larger volume, medium preset', () => {
    const sts = find(m, 'StatefulSet', 'kasm-db');
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'longhorn', resources: { requests: { storage: '50Gi' } } });
    expect(find(m, 'HorizontalPodAutoscaler', 'kasm-api').spec.minReplicas).toBe(2);
  });

  test('a cert-manager Certificate for the public host names, issuer configurable', () => {
    const cert = find(m, 'Certificate', 'kasm-ingress-tls');
    expect(cert.spec.dnsNames).toEqual(['kasm.example.com']);
    expect(cert.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' });
    expect(cert.spec.secretTemplate.labels['app.kubernetes.io/instance']).toBeUndefined();
    const other = Testing.synth(new K3sProd(Testing.app(), 'x', { hostname: 'k.example.com', ingressIssuerName: 'vault', ingressIssuerKind: 'Issuer' as any })) as Manifest[];
    expect(find(other, 'Certificate', 'kasm-ingress-tls').spec.issuerRef).toMatchObject({ kind: 'Issuer', name: 'vault' });
  });

  test('the host name is required', () => {
    expect(() => new K3sProd(Testing.app(), 'x')).toThrow(/^K3sProd hostname: undefined is required/);
  });

  test('the Traefik timeouts and the restricted namespace as in k3s-dev', () => {
    expect(find(m, 'HelmChartConfig', 'traefik').metadata.namespace).toBe('kube-system');
    expect(find(m, 'Namespace', 'kasm').metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('1.19.0 runs one rdp-gateway, as the official chart does', () => {
  const build = (props: Record<string, unknown>, scaling?: Record<string, unknown>) => {
    const chart = Testing.chart();
    const database = new KasmDatabase(chart, 'db', { version: KasmVersion.V1_19_0 });
    const cp = new KasmControlPlane(chart, 'cp', { database, version: KasmVersion.V1_19_0, ...props });
    if (scaling) new KasmScaling(chart, 'scaling', { controlPlane: cp, ...scaling });
    return chart;
  };

  test('a second replica from props is refused with the chart\'s reason', () => {
    expect(() => build({ components: { [ComponentId.RDP_GATEWAY]: { replicas: 2 } } }))
      .toThrow(/^KasmControlPlane components\.rdpGateway\.replicas: 2 is not accepted: Kasm's rdp-gateway runs as 1 replica \(the official chart refuses "Multi-replica rdp-gateway is not supported"/);
    expect(() => build({ components: { [ComponentId.RDP_GATEWAY]: { replicas: 1 } } })).not.toThrow();
  });

  test('an HPA for it is refused', () => {
    expect(() => build({}, { components: { [ComponentId.RDP_GATEWAY]: { maxReplicas: 3 } } }))
      .toThrow(/^KasmScaling components\.rdpGateway: 'rdpGateway' scales 'fixed', not horizontally: an HPA would run a second copy of a single-instance component \(Kasm's rdp-gateway runs as 1 replica/);
  });

  test('every preset runs 1, while guac and the RDP-over-HTTPS gateway scale with the preset', () => {
    for (const preset of Object.values(SizePreset)) expect(KasmVersion.V1_19_0.contract.sizing[preset][ComponentId.RDP_GATEWAY]!.replicas).toBe(1);
    const m = synth(new K3sProd(Testing.app(), 'p', { version: KasmVersion.V1_19_0, hostname: 'kasm.example.com', nodes: [{ count: 4, cpu: '16', memory: '64Gi' }] }));
    expect(find(m, 'Deployment', 'kasm-rdp-gateway').spec.replicas).toBe(1);
    expect(all(m, 'HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name)).not.toContain('kasm-rdp-gateway');
    // StatefulSets whose pods each register their own address, with a PodDisruptionBudget and no HPA.
    for (const name of ['kasm-guac', 'kasm-rdp-https-gateway']) {
      expect(find(m, 'StatefulSet', name).spec.replicas).toBe(2);
      expect(all(m, 'PodDisruptionBudget').map((p) => p.metadata.name)).toContain(name);
    }
    expect(all(m, 'HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name).filter((n) => /guac|rdp/.test(n))).toEqual([]);
  });
});
