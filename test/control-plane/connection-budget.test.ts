/**
 * The database connection budget: Kasm 1.19's api and manager pods each hold a pool of 10 plus 20 overflow, so the
 * database's max_connections follows the preset and the zones, and a deployment whose pools can outgrow it at the
 * HPA maximum is stopped at synth with the numbers and the prop to change.
 */
import { App, Testing } from 'cdk8s';
import { K3sDev, K3sProd, Rke2Cnpg } from '../../charts';
import { ComponentId, KasmVersion } from '../../lib';
import { connectionBudgetProblem, connectionsPerPod } from '../../lib/control-plane/connection-budget';
import { find, Manifest } from '../support/manifests';

const NODES = [{ count: 6, cpu: '16', memory: '64Gi' }];
function synth(build: (app: App) => void): Manifest[] {
  const app = Testing.app();
  build(app);
  return app.charts.flatMap((c) => Testing.synth(c)) as Manifest[];
}
const conf = (ms: Manifest[]) => find(ms, 'ConfigMap', 'kasm-db-config').data['postgresql.conf'] as string;

test('a pod\'s pool is POSTGRES_POOL_SIZE plus POSTGRES_MAX_OVERFLOW (30 on 1.19.0; none on 1.18.1)', () => {
  expect(connectionsPerPod(KasmVersion.V1_19_0.contract.components[ComponentId.API]!.env)).toBe(30);
  expect(connectionsPerPod(KasmVersion.V1_18_1.contract.components[ComponentId.API]!.env)).toBe(0);
});

test('max_connections follows the release\'s preset and the zones (the 1.19 chart\'s 200 / 400 × zones / 600 × zones)', () => {
  expect(conf(synth((app) => new K3sProd(app, 'p', { version: KasmVersion.V1_19_0, hostname: 'kasm.example.com', nodes: NODES })))).toContain('max_connections = 400');
  expect(conf(synth((app) => new K3sProd(app, 'p', { version: KasmVersion.V1_19_0, hostname: 'kasm.example.com', nodes: NODES, zones: [{ name: 'default' }, { name: 'eu' }] })))).toContain('max_connections = 800');
  // 1.18.1 keeps PostgreSQL's 100, as before.
  expect(conf(synth((app) => new K3sProd(app, 'p', { version: KasmVersion.V1_18_1, hostname: 'kasm.example.com' })))).toContain('max_connections = 100');
});

test('CloudNativePG gets the figure and the chart\'s server settings as Cluster parameters on 1.19.0, and none on 1.18.1', () => {
  const cluster = (version: KasmVersion) => find(synth((app) => new Rke2Cnpg(app, 'r', { version, hostname: 'kasm.example.com' })), 'Cluster', 'kasm-db').spec.postgresql;
  expect(cluster(KasmVersion.V1_19_0).parameters).toEqual({
    max_connections: '400', statement_timeout: '900000', idle_in_transaction_session_timeout: '300000',
    tcp_keepalives_idle: '60', tcp_keepalives_interval: '10', tcp_keepalives_count: '3',
  });
  expect(cluster(KasmVersion.V1_18_1).parameters).toBeUndefined();
});

test('pools that outgrow max_connections at the HPA maximum stop synth with the numbers and the prop to raise', () => {
  const build = () => synth((app) => new K3sProd(app, 'p', {
    version: KasmVersion.V1_19_0, hostname: 'kasm.example.com', nodes: NODES, checkCapacity: false,
    scaling: { components: { api: { maxReplicas: 20 } } },
  }));
  expect(build).toThrow(/\[connection-budget\] the database allows 400 connections .* the pools of kasm-api 20 × 30, kasm-manager 6 × 30 .* need 785 at the maximum replicas\. Raise the database's maxConnections to at least 788/);
});

test('the budget counts every zone\'s api and manager', () => {
  expect(connectionBudgetProblem([{ workloadName: 'kasm-api', pods: 2, env: KasmVersion.V1_19_0.contract.components[ComponentId.API]!.env }], 60)).toMatch(/need 65/);
  expect(connectionBudgetProblem([{ workloadName: 'kasm-api', pods: 1, env: KasmVersion.V1_19_0.contract.components[ComponentId.API]!.env }], 100)).toBeUndefined();
  expect(connectionBudgetProblem([], undefined)).toBeUndefined();
});

test('the dev preset fits: one api and one manager pod, 65 of 97', () => {
  expect(() => synth((app) => new K3sDev(app, 'd', { version: KasmVersion.V1_19_0 }))).not.toThrow();
});
