/** The capacity check: each variant fits the nodes it declares at maximum replicas, or synth fails with a table. */
import { App, Testing } from 'cdk8s';
import { K3sDev, K3sProd } from '../../charts';
import { KasmVersion } from '../../lib';
import { fitPods, k3sSystemReservation, podsAtMaximum } from '../../lib/planner/fit';

describe('capacity at synth', () => {
  test('k3s-dev fits one 2 vCPU / 4 GiB node (the smallest supported box) and k3s-prod three 8 vCPU / 16 GiB nodes at HPA maximum, in every release', () => {
    for (const version of KasmVersion.ALL) {
      const dev = new App({ outdir: require('os').tmpdir() });
      new K3sDev(dev, 'dev', { version });
      expect(() => Testing.synth(dev.charts[0])).not.toThrow();
      const prod = new App({ outdir: require('os').tmpdir() });
      new K3sProd(prod, 'prod', { hostname: 'kasm.example.com', version });
      expect(() => Testing.synth(prod.charts[0])).not.toThrow();
    }
  });

  test('Kasm 1.19.0\'s medium preset at HPA maximum does not fit the former default, three 4 vCPU / 8 GiB nodes', () => {
    const chart = new K3sProd(Testing.app(), 'prod', { hostname: 'kasm.example.com', version: KasmVersion.V1_19_0, nodes: [{ count: 3, cpu: '4', memory: '8Gi' }] });
    expect(() => Testing.synth(chart)).toThrow(/does not fit its nodes \(3 × 4 CPU \/ 8Gi\)[\s\S]*all Kasm pods at maximum replicas: 16725m CPU/);
  });

  test('k3s-prod on one small node fails with a table of requests against capacity', () => {
    const chart = new K3sProd(Testing.app(), 'prod', { hostname: 'kasm.example.com', nodes: [{ count: 1, cpu: '2', memory: '4Gi' }] });
    expect(() => Testing.synth(chart)).toThrow(/\[capacity\] K3sProd does not fit its nodes \(1 × 2 CPU \/ 4Gi\) with every component at its maximum replicas[\s\S]*node {2}cpu \(used\/available\)[\s\S]*no room for: /);
  });

  test('HPA maximum counts, not today\'s replicas', () => {
    const chart = new K3sProd(Testing.app(), 'prod', { hostname: 'kasm.example.com', checkCapacity: false });
    const pods = podsAtMaximum(Testing.synth(chart));
    expect(pods.filter((p) => p.name === 'Deployment/kasm-api')).toHaveLength(6);
    expect(pods.filter((p) => p.name === 'StatefulSet/kasm-guac')).toHaveLength(2);
    expect(pods.some((p) => p.name.startsWith('Job/'))).toBe(false);
  });

  test('an init container larger than the main containers sets the pod\'s request', () => {
    const pods = podsAtMaximum([{ kind: 'Deployment', metadata: { name: 'x', namespace: 'n' }, spec: { replicas: 1, template: { spec: {
      initContainers: [{ resources: { requests: { cpu: '2', memory: '1Gi' } } }],
      containers: [{ resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
    } } } }]);
    expect(pods).toEqual([{ name: 'Deployment/x', cpu: 2, memory: 1024 ** 3 }]);
  });

  test('Longhorn\'s instance manager takes 12 % of each node', () => {
    const result = fitPods([], [{ count: 1, cpu: '4', memory: '8Gi' }], k3sSystemReservation(true));
    expect(result.nodes[0].cpu).toBeCloseTo(4 * 0.88 - 0.25);
  });

  test('bad node pools name the key path', () => {
    expect(() => new K3sDev(Testing.app(), 'x', { nodes: [{ count: 0, cpu: '2', memory: '4Gi' }] })).toThrow(/^K3sDev nodes\[0\]\.count: 0 is not accepted/);
    expect(() => new K3sDev(Testing.app(), 'x', { nodes: [{ count: 1, cpu: '2', memory: '4 GB' }] })).toThrow(/^K3sDev nodes\[0\]\.memory: '4 GB' is not a memory quantity/);
    expect(() => new K3sDev(Testing.app(), 'x', { nodes: [] })).toThrow(/^K3sDev nodes: \[\] is not accepted; pass at least one pool/);
  });
});
