/**
 * The app-wide doctor: each rule on a tree that breaks it, and the published variants on trees that do not.
 * Every failing tree is built from real constructs plus the smallest change a user could make.
 */
import { ApiObject, App, JsonPatch, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { K3sDev, VARIANTS } from '../../charts';
import { ClusterProfile, KasmIngress, KasmVersion, TraefikTimeouts } from '../../lib';
import { runDoctor, DoctorFinding } from '../../lib/doctor/app-doctor';

function k3sDev(props: ConstructorParameters<typeof K3sDev>[2] = {}): K3sDev {
  return new K3sDev(Testing.app(), 'k3s-dev', props);
}

const rules = (findings: DoctorFinding[]) => [...new Set(findings.map((f) => f.rule))];

describe('the app doctor', () => {
  test.each(VARIANTS.map((v) => [v.name, v] as const))('published variant %s has no findings', (_name, variant) => {
    const app = new App();
    variant.build(app);
    expect(runDoctor(app)).toEqual([]);
  });

  test('k3s-dev on Kasm 1.16.0 with server ranges has no findings', () => {
    expect(runDoctor(k3sDev({ version: KasmVersion.V1_16_0, serverCidrs: ['172.20.0.0/16'] }))).toEqual([]);
  });

  describe('network-policy: every edge of the graph is admitted by the synthesized policies', () => {
    test('a missing ingress policy for the api leaves its callers unadmitted', () => {
      const chart = k3sDev();
      const policies = chart.security.node.findChild('NetworkPolicies');
      policies.node.tryRemoveChild('api-ingress');
      const findings = runDoctor(chart).filter((f) => f.rule === 'network-policy');
      expect(findings.map((f) => f.problem)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^manager -> api:8080 \(registers with the api\) \(port 8080\/TCP\) is not admitted: .*ingress: no ingress rule allows it/),
        expect.stringMatching(/^proxy -> api:8080 \(routes \/api\/\)/),
      ]));
      expect(findings[0].path).toBe('k3s-dev/Security');
      expect(findings[0].fix).toMatch(/KasmSecurity derives them from the dependency graph/);
    });

    test('a policy patched to the wrong port is caught on the policy, not on the edge list', () => {
      const chart = k3sDev();
      const policy = chart.security.node.findChild('NetworkPolicies').node.findChild('db-ingress') as ApiObject;
      policy.addJsonPatch(JsonPatch.replace('/spec/ingress/0/ports', [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5433) }]));
      expect(runDoctor(chart).map((f) => f.problem)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^dbInit -> db:5432 \(seeds the schema\) \(port 5432\/TCP\) is not admitted/),
      ]));
    });

    test('DNS is an expected connection too', () => {
      const chart = k3sDev();
      chart.security.node.findChild('NetworkPolicies').node.tryRemoveChild('all-pods-egress');
      expect(runDoctor(chart).map((f) => f.problem)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^api -> cluster DNS \(resolves Service and agent names\) \(port 53\/UDP\) is not admitted/),
      ]));
    });
  });

  test('pod-security: a pod that the restricted namespace would reject', () => {
    const chart = k3sDev();
    new k8s.KubeDeployment(chart, 'Debug', {
      metadata: { name: 'debug', namespace: 'kasm' },
      spec: {
        selector: { matchLabels: { app: 'debug' } },
        template: {
          metadata: { labels: { app: 'debug' } },
          spec: { containers: [{ name: 'shell', image: 'busybox:1.37.0', securityContext: { privileged: true } }] },
        },
      },
    });
    const findings = runDoctor(chart);
    expect(rules(findings)).toEqual(['pod-security']);
    expect(findings[0].path).toBe('k3s-dev/Debug');
    expect(findings.map((f) => f.problem).join('\n')).toMatch(/Deployment\/kasm\/debug violates Pod Security "restricted", which namespace 'kasm' enforces: .*privileged/);
  });

  describe('unique-names: (kind, namespace, name) once per app', () => {
    test('a second Traefik timeouts HelmChartConfig in the same cluster', () => {
      const chart = k3sDev();
      new TraefikTimeouts(chart, 'MoreTimeouts', { cluster: ClusterProfile.k3s() });
      const findings = runDoctor(chart);
      expect(rules(findings)).toEqual(['unique-names']);
      expect(findings[0].problem).toMatch(/^HelmChartConfig 'traefik' in namespace 'kube-system' is also declared at k3s-dev\/TraefikTimeouts\/Resource/);
      expect(findings[0].path).toBe('k3s-dev/MoreTimeouts/Resource');
    });

    test('a second front door for one control plane collides with the first', () => {
      const chart = k3sDev();
      new KasmIngress(chart, 'SecondIngress', { controlPlane: chart.controlPlane, hostname: 'other.example.com' });
      const findings = runDoctor(chart);
      expect(rules(findings)).toEqual(['unique-names']);
      expect(findings[0].problem).toMatch(/^Ingress 'kasm' in namespace 'kasm' is also declared at k3s-dev\/Ingress\/Resource/);
    });

    test('two control planes with one name in one namespace collide on every object', () => {
      const app = Testing.app();
      new K3sDev(app, 'a', { configureTraefikTimeouts: false });
      const second = new K3sDev(app, 'b', { hostname: 'other.local' });
      const findings = runDoctor(second);
      expect(rules(findings)).toEqual(['unique-names']);
      expect(findings.map((f) => f.problem)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^Deployment 'kasm-api' in namespace 'kasm' is also declared at a\//),
        expect.stringMatching(/^Namespace 'kasm' is also declared at a\//),
      ]));
    });
  });

  test('references: a Secret, ConfigMap, ServiceAccount and PVC that nothing declares', () => {
    const chart = k3sDev();
    new k8s.KubeDeployment(chart, 'Sidecar', {
      metadata: { name: 'sidecar', namespace: 'kasm' },
      spec: {
        selector: { matchLabels: { app: 'sidecar' } },
        template: {
          metadata: { labels: { app: 'sidecar' } },
          spec: {
            serviceAccountName: 'sidecar',
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'c', image: 'busybox:1.37.0',
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsUser: 1000 },
              env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'sidecar-token', key: 'token' } } }],
            }],
            volumes: [
              { name: 'conf', configMap: { name: 'sidecar-conf' } },
              { name: 'data', persistentVolumeClaim: { claimName: 'sidecar-data' } },
              { name: 'maybe', secret: { secretName: 'optional-one', optional: true } },
            ],
          },
        },
      },
    });
    const findings = runDoctor(chart);
    expect(rules(findings)).toEqual(['references']);
    expect(findings.map((f) => f.problem)).toEqual([
      expect.stringContaining('refers to ServiceAccount \'sidecar\' in namespace \'kasm\' (serviceAccountName)'),
      expect.stringContaining('refers to ConfigMap \'sidecar-conf\' in namespace \'kasm\' (volumes.conf)'),
      expect.stringContaining('refers to PersistentVolumeClaim \'sidecar-data\' in namespace \'kasm\' (volumes.data)'),
      expect.stringContaining('refers to Secret \'sidecar-token\' in namespace \'kasm\' (c.env.TOKEN)'),
    ]);
  });

  test('every problem is reported at once, and synth fails with the construct path and the fix', () => {
    const chart = k3sDev();
    new TraefikTimeouts(chart, 'MoreTimeouts');
    chart.security.node.findChild('NetworkPolicies').node.tryRemoveChild('manager-ingress');
    expect(() => Testing.synth(chart)).toThrow(/\[doctor:network-policy\] proxy -> manager:8181 .*\(at k3s-dev\/Security\)\. Fix: [\s\S]*\[doctor:unique-names\] HelmChartConfig 'traefik'/);
  });
});
