/** The synth-time doctor catches edges that would leave a pod waiting forever. */
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { ComponentId, KasmControlPlane, KasmDatabase } from '../../lib';

function build() {
  const chart = Testing.chart();
  const database = new KasmDatabase(chart, 'db');
  const cp = new KasmControlPlane(chart, 'cp', { database });
  return { chart, cp, database };
}

describe('doctor', () => {
  test('a correct control plane passes', () => {
    const { chart } = build();
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('fails synth when a Service no longer publishes the port a dependency uses', () => {
    const { chart, cp } = build();
    ApiObject.of(cp.serviceOf(ComponentId.API)).addJsonPatch(JsonPatch.replace('/spec/ports/0/port', 8081));
    expect(() => Testing.synth(chart)).toThrow(/\[doctor:edge\] manager -> api:8080 \(registers with the api\): Service 'kasm-api' does not publish port 8080/);
  });

  test('fails synth when a Service selects no pod', () => {
    const { chart, cp } = build();
    ApiObject.of(cp.serviceOf(ComponentId.MANAGER)).addJsonPatch(JsonPatch.replace('/spec/selector/app.kubernetes.io~1name', 'kasm-mgr'));
    expect(() => Testing.synth(chart)).toThrow(/Service 'kasm-manager-default' selects no pod/);
  });

  test('fails synth when the database Service is missing', () => {
    const { chart, database } = build();
    chart.node.findChild(database.node.id).node.tryRemoveChild('Service');
    expect(() => Testing.synth(chart)).toThrow(/api -> db:5432 \(reads and writes Kasm state\): no Service 'kasm-db' in namespace 'kasm'/);
  });

  test('reports the nginx upstreams that do not resolve', () => {
    const { chart, cp } = build();
    ApiObject.of(cp.deploymentOf(ComponentId.GUAC)).addJsonPatch(JsonPatch.replace('/spec/template/metadata/labels/app.kubernetes.io~1name', 'other'));
    expect(() => Testing.synth(chart)).toThrow(/proxy nginx upstream kasm-guac:3001: Service 'kasm-guac' selects no pod/);
  });
});
