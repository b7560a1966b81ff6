/** KasmAlerts writes a valid PrometheusRule whose alerts are scoped to the Kasm namespace and point at diagnose. */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { KasmAlerts, KasmAlertsProps } from '../../lib/doctor/alerts';
import { validateManifests } from '../../lib/doctor/schema-validator';

function synth(props?: KasmAlertsProps): any[] {
  const chart = Testing.chart();
  new KasmAlerts(chart, 'alerts', props);
  return Testing.synth(chart);
}

function rules(manifests: any[]): any[] {
  return manifests[0].spec.groups.flatMap((g: any) => g.rules);
}

test('one PrometheusRule that passes the CRD schema', () => {
  const manifests = synth();
  expect(manifests.map((m) => `${m.apiVersion} ${m.kind} ${m.metadata.namespace}/${m.metadata.name}`)).toEqual(['monitoring.coreos.com/v1 PrometheusRule kasm/kasm-alerts']);
  expect(validateManifests(manifests)).toEqual([]);
});

test('kube-prometheus-stack\'s default ruleSelector label is set, and can be replaced', () => {
  expect(synth()[0].metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'kasm' });
  const custom = synth({ ruleSelectorLabels: { prometheus: 'main' } })[0].metadata.labels;
  expect(custom).toMatchObject({ prometheus: 'main' });
  expect(custom.release).toBeUndefined();
});

test('an alert for each stuck state, from the kube-state-metrics series that show it', () => {
  const byName = Object.fromEntries(rules(synth()).map((r) => [r.alert, r]));
  expect(Object.keys(byName)).toEqual(['KasmPodStuckInInit', 'KasmContainerCrashLooping', 'KasmVolumeClaimPending', 'KasmJobFailed', 'KasmDeploymentUnavailable']);
  expect(byName.KasmPodStuckInInit.expr).toMatch(/kube_pod_init_container_status_running\{namespace="kasm"\} == 1 or kube_pod_init_container_status_waiting_reason/);
  expect(byName.KasmContainerCrashLooping.expr).toContain('kube_pod_container_status_waiting_reason{namespace="kasm", reason="CrashLoopBackOff"}');
  expect(byName.KasmVolumeClaimPending.expr).toContain('kube_persistentvolumeclaim_status_phase{namespace="kasm", phase="Pending"}');
  expect(byName.KasmJobFailed.expr).toContain('kube_job_status_failed{namespace="kasm"} > 0');
  expect(byName.KasmDeploymentUnavailable.expr).toContain('kube_deployment_status_replicas_unavailable{namespace="kasm"} > 0');
  expect(byName.KasmPodStuckInInit.for).toBe('10m');
});

test('every alert is scoped to the namespace, waits, has a severity, and says to run diagnose', () => {
  for (const r of rules(synth({ namespace: 'kasm-prod', alertLabels: { team: 'desktops' } }))) {
    const selectors = r.expr.match(/\{[^}]*\}/g).filter((s: string) => !s.startsWith('{{'));
    for (const s of selectors) expect({ alert: r.alert, s }).toEqual({ alert: r.alert, s: expect.stringContaining('namespace="kasm-prod"') });
    expect(r.for).toMatch(/^\d+m$/);
    expect(['warning', 'critical']).toContain(r.labels.severity);
    expect(r.labels.team).toBe('desktops');
    expect(r.annotations.summary.length).toBeGreaterThan(10);
    expect(r.annotations.description.length).toBeGreaterThan(10);
    expect(r.annotations.runbook).toContain('cdk8s-kasm diagnose -n kasm-prod');
  }
});

test('the init wait threshold sets the first alert\'s for:', () => {
  const [first] = rules(synth({ initWaitThreshold: Duration.minutes(20) }));
  expect(first.for).toBe('20m');
  expect(first.annotations.summary).toContain('20m');
});

// promtool (Debian package `prometheus`) parses PromQL; where it is installed, the expressions must pass it.
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
(hasPromtool ? test : test.skip)('promtool accepts the rule groups', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-alerts-'));
  try {
    const file = path.join(dir, 'rules.yaml');
    fs.writeFileSync(file, yaml.dump({ groups: synth()[0].spec.groups }));
    expect(execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' })).toContain('SUCCESS: 5 rules found');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('bad props are rejected with the prop, the value and what is accepted', () => {
  test.each<[KasmAlertsProps, RegExp]>([
    [{ namespace: 'Kasm_Prod' }, /^KasmAlerts namespace: 'Kasm_Prod' is not a valid Kubernetes name/],
    [{ name: 'kasm.alerts' }, /^KasmAlerts name: 'kasm\.alerts' is not a valid Kubernetes name/],
    [{ ruleSelectorLabels: { 'bad key!': 'x' } }, /^KasmAlerts ruleSelectorLabels key: 'bad key!' is not a valid label key/],
    [{ alertLabels: { severity: 'page' } }, /^KasmAlerts alertLabels: \{"severity":"page"\} sets 'severity'/],
    [{ initWaitThreshold: Duration.seconds(90) }, /^KasmAlerts initWaitThreshold: '90s' is not accepted; pass whole minutes from 1 to 1440/],
    [{ initWaitThreshold: Duration.days(2) }, /^KasmAlerts initWaitThreshold: '172800s' is not accepted/],
  ])('%j', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
