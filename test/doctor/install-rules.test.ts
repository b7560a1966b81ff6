/**
 * The doctor's whole-install rules: namespaces that exist, custom resources with a prerequisite, Secret keys written
 * and read; and NOTES.md's prerequisites and Secrets-you-create derived from the same data. Each rule on a tree that
 * breaks it (the trial among them) and on one that does not.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { VARIANTS } from '../../charts';
import { K3sProd } from '../../charts/k3s-prod';
import {
  KasmControlPlane, KasmDatabase, KasmIngress, KasmNamespace, KasmSecurity, NetworkPeer,
} from '../../lib';
import { renderNotes } from '../../lib/core/notes';
import { declarePrerequisite, PREREQUISITES } from '../../lib/core/prerequisites';
import { attachDoctor, runDoctor } from '../../lib/doctor/app-doctor';
import { DeclaredBy, DoctorDeclarations, ReferencedKind } from '../../lib/doctor/declarations';

/** The trial: KasmNamespace in `namespace`, an external database whose password Secret nothing creates. */
function trial(namespace: string | undefined, controlPlaneNamespace = 'kasm') {
  const chart = Testing.chart();
  new KasmNamespace(chart, 'ns', namespace ? { namespace } : {});
  const database = KasmDatabase.fromEndpoint(chart, 'db', {
    host: 'pg.example.com', namespace: controlPlaneNamespace, passwordSecretName: 'kasm-db-credentials',
    peer: NetworkPeer.cidrs(['192.168.50.0/24'], [], 'managed-postgres'),
  });
  const cp = new KasmControlPlane(chart, 'cp', { database, namespace: controlPlaneNamespace });
  const frontDoor = new KasmIngress(chart, 'ingress', { controlPlane: cp, hostname: 'kasm.example.com' });
  new KasmSecurity(chart, 'security', { controlPlane: cp, frontDoor, agentCidrs: ['192.168.1.0/24'] });
  return chart;
}

const plan = (chart: Chart) => JSON.parse(Testing.synth(chart).find((m: any) => m.kind === 'ConfigMap' && m.data?.['plan.json'])!.data['plan.json']);

describe('namespaces: every namespace objects go into is created or declared', () => {
  test('the trial: Namespace desktops, the control plane in kasm', () => {
    const findings = runDoctor(trial('desktops')).filter((f) => f.rule === 'namespaces');
    expect(findings).toHaveLength(1);
    expect(findings[0].path).toBe('test/cp/ProxyConfig');
    expect(findings[0].problem).toMatch(/^\d+ objects go into namespace 'kasm' .* nothing in the app creates \(it creates 'desktops'\)$/);
    expect(findings[0].fix).toMatch(/KasmDatabase\.fromEndpoint/);
  });

  test('the same namespace everywhere, or kasm declared existing, is accepted', () => {
    expect(runDoctor(trial('desktops', 'desktops')).filter((f) => f.rule === 'namespaces')).toEqual([]);
    const chart = trial('desktops');
    DoctorDeclarations.of(chart).declare({ kind: ReferencedKind.NAMESPACE, name: 'kasm', reason: 'created by the platform team' });
    expect(runDoctor(chart).filter((f) => f.rule === 'namespaces')).toEqual([]);
  });

  test('an app that creates no namespace leaves them to the platform, and NOTES.md lists them as prerequisites', () => {
    const chart = Testing.chart();
    const cp = new KasmControlPlane(chart, 'cp', { database: KasmDatabase.fromEndpoint(chart, 'db', {
      host: 'pg.example.com', passwordSecretName: 'pg', peer: NetworkPeer.cidrs(['192.168.50.0/24']),
    }) });
    expect(runDoctor(cp).filter((f) => f.rule === 'namespaces')).toEqual([]);
    expect(renderNotes(chart, 'x')).toContain('- Namespace `kasm`: `kubectl create namespace kasm`');
  });
});

describe('secrets: what pods read is written by something, or NOTES.md tells the user to create it', () => {
  test('the trial: kasm-db-credentials is listed with its key, readers and command', () => {
    const notes = renderNotes(trial(undefined), 'x')!;
    const section = notes.split('## ').find((s) => s.startsWith('Secrets you create'))!;
    expect(section).toContain('`kasm-db-credentials` in namespace `kasm`, keys `password`; read by Deployment \'kasm-api\', Deployment \'kasm-manager\', Job \'kasm-db-init-');
    expect(section).toContain('kubectl -n kasm create secret generic kasm-db-credentials --from-literal=password=\'<password>\'');
    // The generated credentials are the cluster's, not the user's.
    expect(section).not.toContain('kasm-secrets');
  });

  test('the generator no longer makes a db-password nothing reads; Kasm\'s own database still gets one', () => {
    expect(plan(trial(undefined)).credentials.keys).not.toContain('db-password');
    expect(runDoctor(trial(undefined))).toEqual([]);
    const app = new App();
    VARIANTS.find((v) => v.name === 'k3s-dev')!.build(app);
    expect(plan(app.node.findChild('k3s-dev') as Chart).credentials.keys).toContain('db-password');
  });

  test('unread-secrets: a generated key nothing reads', () => {
    const chart = trial(undefined);
    DoctorDeclarations.of(chart).declare({
      kind: ReferencedKind.SECRET, namespace: 'kasm', name: 'kasm-db-credentials', reason: 'a generator', at: 'test/security',
      createdBy: DeclaredBy.CLUSTER, keys: ['password', 'db-password'],
    });
    const findings = runDoctor(chart).filter((f) => f.rule === 'unread-secrets');
    expect(findings.map((f) => [f.path, f.problem])).toEqual([
      ['test/security', expect.stringMatching(/^key 'db-password' of Secret 'kasm-db-credentials' in namespace 'kasm' is generated \(a generator\)/)],
    ]);
  });

  test('secret-keys: a pod reads a key its Secret does not have', () => {
    const chart = trial(undefined);
    new k8s.KubeSecret(chart, 'creds', { metadata: { name: 'kasm-db-credentials', namespace: 'kasm' }, stringData: { pass: 'x' } });
    const findings = runDoctor(chart).filter((f) => f.rule === 'secret-keys');
    expect(findings.length).toBeGreaterThanOrEqual(3);
    expect(findings[0].problem).toMatch(/reads key 'password' of Secret 'kasm-db-credentials' in namespace 'kasm', which Secret 'kasm-db-credentials' never writes \(it writes pass\)/);
    // Once the Secret is in the app, the user need not create it.
    expect(renderNotes(chart, 'x')).not.toContain('Secrets you create');
  });
});

describe('prerequisites: every custom resource belongs to one, and NOTES.md lists them from the same list', () => {
  const custom = (chart: Chart) => new ApiObject(chart, 'widget', { apiVersion: 'widgets.example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'kasm' } });

  test('a custom resource of an unknown group is a finding until its prerequisite is declared', () => {
    const chart = trial('kasm');
    custom(chart);
    const findings = runDoctor(chart).filter((f) => f.rule === 'prerequisites');
    expect(findings.map((f) => f.path)).toEqual(['test/widget']);
    expect(findings[0].problem).toMatch(/^Widget 'w' \(widgets\.example\.com\/v1\) is a custom resource of no prerequisite/);
    declarePrerequisite(chart, { name: 'Widget operator', groups: ['widgets.example.com'], install: 'helm install widgets' });
    expect(runDoctor(chart).filter((f) => f.rule === 'prerequisites')).toEqual([]);
    expect(renderNotes(chart, 'x')).toContain('- Widget operator (for `Widget`): helm install widgets.');
  });

  test('the trial: k3s-prod\'s PrometheusRule has its operator in NOTES.md, as every variant\'s custom resources do', () => {
    for (const variant of VARIANTS) {
      const app = new App();
      variant.build(app);
      const chart = app.node.findChild(variant.name) as Chart;
      const notes = renderNotes(chart, 'x')!;
      const groups = new Set(chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.apiVersion.split('/')[0]).filter((g) => g.includes('.') && !g.endsWith('.k8s.io')));
      for (const group of groups) expect(notes).toContain(`- ${PREREQUISITES.find((p) => p.groups.includes(group))!.name} (for`);
    }
    const notes = renderNotes(new K3sProd(Testing.app(), 'p', { hostname: 'kasm.example.com' }), 'x')!;
    expect(notes).toContain('- Prometheus Operator (e.g. kube-prometheus-stack) (for `PrometheusRule`)');
    expect(notes).toContain('- StorageClass `longhorn`.');
  });

  test('a chart with a doctor and no custom resources gets no empty section', () => {
    const chart = Testing.chart();
    attachDoctor(new KasmNamespace(chart, 'ns'));
    expect(renderNotes(chart, 'x')).toBeUndefined();
  });
});
