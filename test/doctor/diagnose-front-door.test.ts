/**
 * The generator's RBAC and the front door, detector by detector: each case changes one object of a built dump and
 * checks the cause diagnose names, its namespace and its commands.
 */
import { diagnose } from '../../lib/doctor/diagnose';
import { describePolicies } from '../../lib/doctor/diagnose/causes/network';
import { parseForbidden } from '../../lib/doctor/diagnose/causes/rbac';
import { ScenarioDump } from '../fixtures/diagnose/builders';
import { rke2CnpgDump } from '../fixtures/diagnose/builders-cnpg';
import { kasmHttpRoute, k3sTraefik, rbacOf } from '../fixtures/diagnose/builders-front-door';
import { failGenerator, forbiddenMessage } from '../fixtures/diagnose/scenarios-front-door';

const causeOf = (d: ScenarioDump, id: string) => diagnose(d.toList()).rootCauses.find((c) => c.id === id);

describe('a 403 of the secret-generator', () => {
  test('in the database namespace (rke2-cnpg\'s password copy) is pinned to the RoleBinding there, with -n database', () => {
    const d = rke2CnpgDump();
    d.add(...rbacOf(d, 'rke2-cnpg', (kind, name) => kind === 'RoleBinding' && name === 'kasm-secret-generator-kasm'));
    failGenerator(d, forbiddenMessage('GET', 'database', 'kasm-db-app-credentials'));
    const cause = causeOf(d, 'rbac-binding-missing:database/kasm-secret-generator-kasm')!;
    expect(cause).toMatchObject({ namespace: 'database', severity: 'stuck' });
    expect(cause.summary).toBe('RoleBinding kasm-secret-generator-kasm in namespace database is missing, so the secret-generator (ServiceAccount kasm/kasm-secret-generator) '
      + 'may not get secrets kasm-db-app-credentials in namespace database');
    expect(cause.confirm).toBe('kubectl -n database get role,rolebinding; kubectl auth can-i get secrets/kasm-db-app-credentials -n database --as=system:serviceaccount:kasm:kasm-secret-generator');
    expect(cause.fix).toContain('kubectl apply -f dist/<variant>/database/RoleBinding.kasm-secret-generator-kasm.yaml');
    expect(cause.fix).toContain('kubectl -n database create rolebinding kasm-secret-generator-kasm --role=kasm-secret-generator-kasm --serviceaccount=kasm:kasm-secret-generator');
    expect(cause.fix).toContain('kubectl -n kasm delete job kasm-secret-generator-');
  });

  test('a Role missing behind its binding, and a Role whose rules were cut, are named as such', () => {
    const missing = ScenarioDump.from('healthy');
    missing.add(...rbacOf(missing, 'k3s-dev', (kind) => kind === 'Role'));
    failGenerator(missing, forbiddenMessage('GET', 'kasm', 'kasm-secrets'));
    expect(causeOf(missing, 'rbac-role-missing:kasm/kasm-secret-generator')?.fix).toMatch(/^kubectl apply -f dist\/<variant>\/database\/Role\.kasm-secret-generator\.yaml/);

    const cut = ScenarioDump.from('healthy');
    const objects = rbacOf(cut, 'k3s-dev');
    objects.find((o) => o.kind === 'Role').rules = [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['kasm-secrets'], verbs: ['get', 'create'] }];
    cut.add(...objects);
    failGenerator(cut, forbiddenMessage('create', 'kasm', 'kasm-internal-ca'));
    const cause = causeOf(cut, 'rbac-not-granted:kasm/kasm-secret-generator/create')!;
    expect(cause.summary).toContain('does not grant create secrets');
  });

  test('both Role and RoleBinding gone: both named; a binding that still grants it leaves the generic hint', () => {
    const gone = ScenarioDump.from('healthy');
    gone.add(...rbacOf(gone, 'k3s-prod', (_kind, _name, ns) => ns === 'kasm'), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'other', namespace: 'kasm' }, rules: [] });
    failGenerator(gone, forbiddenMessage('GET', 'kasm', 'kasm-secrets'));
    expect(causeOf(gone, 'rbac-binding-missing:kasm/kasm-secret-generator')?.summary).toMatch(/^RoleBinding kasm-secret-generator and Role kasm-secret-generator in namespace kasm are missing/);

    const granted = ScenarioDump.from('healthy');
    granted.add(...rbacOf(granted, 'k3s-dev'));
    failGenerator(granted, forbiddenMessage('GET', 'kasm', 'kasm-secrets'));
    expect(diagnose(granted.toList()).rootCauses.map((c) => c.id)).toEqual(['job-failed:kasm-secret-generator-89d4e4']);
  });

  test('the refused request is read from the generator\'s line and the authorizer\'s message; RBAC of a malformed dump is no internal error', () => {
    const pod = { kind: 'Pod', metadata: { name: 'p', namespace: 'kasm' }, spec: { serviceAccountName: 'kasm-secret-generator' } };
    expect(parseForbidden(forbiddenMessage('create', 'kasm', 'kasm-internal-ca'), pod)).toEqual({
      verb: 'create', resource: 'secrets', namespace: 'kasm', serviceAccount: { namespace: 'kasm', name: 'kasm-secret-generator' },
    });
    expect(parseForbidden('secret-generator: PATCH Secret kasm/kasm-proxy-tls failed: HTTP 403', pod)).toMatchObject({ verb: 'patch', name: 'kasm-proxy-tls' });
    expect(parseForbidden('HTTP 403 from somewhere else', pod)).toBeUndefined();
    const d = ScenarioDump.from('healthy');
    d.add({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'kasm-secret-generator', namespace: 'kasm' }, roleRef: 'Role', subjects: 'x' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'kasm-secret-generator', namespace: 'kasm' }, rules: [null, 3] });
    failGenerator(d, forbiddenMessage('GET', 'kasm', 'kasm-secrets'));
    expect(diagnose(d.toList()).rootCauses[0].id).toBe('rbac-binding-subjects:kasm/kasm-secret-generator');
  });
});

describe('the front door', () => {
  test('Traefik without a Ready pod is walked in kube-system, degraded while every Kasm pod is Ready', () => {
    const d = ScenarioDump.from('healthy');
    k3sTraefik(d, { ready: false });
    const pod = d.items.find((o) => o.kind === 'Pod' && o.metadata.namespace === 'kube-system');
    pod.status.containerStatuses[0] = { ...pod.status.containerStatuses[0], state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'ERR command error: field not found, node: readTimeout' } }, restartCount: 6 };
    const report = diagnose(d.toList());
    expect(report.status).toBe('degraded');
    const [cause] = report.rootCauses;
    expect(cause).toMatchObject({ namespace: 'kube-system', severity: 'degraded' });
    expect(cause.chain[0]).toMatch(/^ingress controller kube-system\/traefik has no Ready pod \(1 pod\(s\)\)/);
    expect(cause.chain[1]).toMatch(/^kube-system\/traefik-5d45fc8cc9-8xkqw CrashLoopBackOff: container traefik exits with exit code 1: ERR command error/);
    expect(cause.confirm).toBe('kubectl -n kube-system logs traefik-5d45fc8cc9-8xkqw -c traefik --previous');
  });

  test('a LoadBalancer Service without an address, and a Ready controller with one (nothing to say)', () => {
    const pending = ScenarioDump.from('healthy');
    k3sTraefik(pending, { address: false });
    expect(diagnose(pending.toList()).rootCauses.map((c) => [c.id, c.namespace])).toEqual([['front-door-no-address:kube-system/traefik', 'kube-system']]);
    const fine = ScenarioDump.from('healthy');
    k3sTraefik(fine);
    expect(diagnose(fine.toList()).status).toBe('healthy');
  });

  test('on RKE2 a HelmChartConfig named traefik configures nothing: the running rke2-traefik keeps its default timeouts', () => {
    const d = ScenarioDump.from('healthy');
    k3sTraefik(d);
    for (const o of d.items.filter((x) => x.metadata?.namespace === 'kube-system' && x.kind !== 'HelmChartConfig')) {
      o.metadata.labels = { ...o.metadata.labels, 'app.kubernetes.io/name': 'rke2-traefik' };
      if (o.spec?.template) o.spec.template.metadata.labels['app.kubernetes.io/name'] = 'rke2-traefik';
    }
    const cause = causeOf(d, 'traefik-timeouts')!;
    expect(cause.summary).toContain('HelmChartConfig kube-system/traefik sets the timeouts, but the Traefik running here is rke2-traefik');
  });

  test('a route whose backend does not resolve, one no controller processed, and malformed statuses', () => {
    const unresolved = ScenarioDump.from('healthy');
    kasmHttpRoute(unresolved, [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '' },
      { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound', message: 'Service kasm/kasm-proxy not found' }]);
    expect(causeOf(unresolved, 'route-refs-unresolved:kasm/HTTPRoute/kasm')?.fix).toContain('kasm-proxy-default');

    const unclaimed = ScenarioDump.from('healthy');
    kasmHttpRoute(unclaimed, []);
    delete unclaimed.items[unclaimed.items.length - 1].status;
    expect(causeOf(unclaimed, 'route-unclaimed:kasm/HTTPRoute/kasm')?.summary).toContain('kube-system/traefik-gateway');

    const odd = ScenarioDump.from('healthy');
    kasmHttpRoute(odd, [{ type: 'Accepted', status: 'False', reason: 'constructor', message: '' }]);
    odd.items[odd.items.length - 1].spec.parentRefs = 'x';
    expect(typeof causeOf(odd, 'route-not-accepted:kasm/HTTPRoute/kasm')?.fix).toBe('string');
    kasmHttpRoute(odd, []);
    odd.items[odd.items.length - 1].status = { parents: [{ conditions: 'Accepted' }, null] };
    expect(() => diagnose(odd.toList())).not.toThrow();
  });
});

test('policies isolating an edge across namespaces are described one namespace at a time, Kasm\'s first', () => {
  expect(describePolicies(['database/kasm-database-db-ingress', 'kasm/kasm-api-egress', 'kasm/kasm-default-deny'], 'kasm'))
    .toBe('kubectl -n kasm describe networkpolicy kasm-api-egress kasm-default-deny; kubectl -n database describe networkpolicy kasm-database-db-ingress');
  expect(describePolicies(['kasm/kasm-api-egress'], 'kasm')).toBe('kubectl -n kasm describe networkpolicy kasm-api-egress');
});

describe('a BackendTLSPolicy the Gateway controller does not apply', () => {
  /** Kasm's BackendTLSPolicy as KasmGateway writes it, with the controller's answer in its status. */
  const withPolicy = (conditions: unknown) => {
    const d = ScenarioDump.from('healthy');
    d.add({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', metadata: { name: 'kasm-proxy', namespace: 'kasm', creationTimestamp: d.now },
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: 'kasm-proxy-default' }],
        validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'kasm-internal-ca' }], hostname: 'kasm-proxy-default.kasm.svc' },
      },
      status: { ancestors: [{ ancestorRef: { kind: 'Gateway', name: 'traefik-gateway', namespace: 'kube-system' }, controllerName: 'traefik.io/gateway-controller', conditions }] },
    });
    return d;
  };

  test('a CA reference that holds no valid certificate is named, with the way to fill it', () => {
    const d = withPolicy([{ type: 'Accepted', status: 'True', reason: 'Accepted' },
      { type: 'ResolvedRefs', status: 'False', reason: 'NoValidCACertificate', message: 'ConfigMap kasm/kasm-internal-ca has no valid ca.crt' }]);
    const cause = causeOf(d, 'backend-tls-ca:kasm/kasm-proxy')!;
    expect(cause).toMatchObject({ severity: 'degraded', namespace: 'kasm', confirm: 'kubectl -n kasm describe backendtlspolicy kasm-proxy' });
    expect(cause.summary).toContain('NoValidCACertificate');
    expect(cause.summary).toContain('ConfigMap kasm-internal-ca');
    expect(cause.fix).toContain('internal CA');
  });

  test('an applied policy is no finding, and a malformed status is no internal error', () => {
    expect(causeOf(withPolicy([{ type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' }]), 'backend-tls-ca:kasm/kasm-proxy')).toBeUndefined();
    expect(() => diagnose(withPolicy('ResolvedRefs').toList())).not.toThrow();
  });
});
