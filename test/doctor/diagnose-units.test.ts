/**
 * The parts of `diagnose` that scenarios exercise only in passing: message parsers, the dump command, version
 * detection, cycles, CloudNativePG, policy findings without a stuck pod, determinism and input errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { diagnose, DumpError, dumpCommand, renderJson } from '../../lib/doctor/diagnose';
import { classifyPullError, registryOf } from '../../lib/doctor/diagnose/causes/image-pull';
import { durationSeconds } from '../../lib/doctor/diagnose/causes/platform';
import { parseSchedulerMessage, podRequest, quantity } from '../../lib/doctor/diagnose/causes/scheduling';
import { parseMissingRef } from '../../lib/doctor/diagnose/causes/secrets';
import { scriptTarget } from '../../lib/doctor/diagnose/topology';
import { ScenarioDump } from '../fixtures/diagnose/builders';

const README = path.join(__dirname, '..', 'fixtures', 'diagnose', 'README.md');
const DIAGNOSE_SRC = path.join(__dirname, '..', '..', 'lib', 'doctor', 'diagnose');

describe('message parsers', () => {
  test('scheduler messages split into per-node reasons, preemption dropped', () => {
    expect(parseSchedulerMessage('0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. '
      + 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.')).toEqual([
      { nodes: 1, reason: 'Insufficient cpu', text: '1 Insufficient cpu' },
      { nodes: 2, reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }', text: '2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }' },
    ]);
    expect(parseSchedulerMessage('0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.'))
      .toEqual([{ reason: 'pod has unbound immediate PersistentVolumeClaims', text: 'pod has unbound immediate PersistentVolumeClaims' }]);
  });

  test.each([
    ['failed to resolve image: docker.io/kasmweb/api:1.81.1: not found', 'not-found'],
    ['failed to resolve reference "ghcr.io/x/y:1": ghcr.io/x/y:1: not found: manifest unknown', 'not-found'],
    ['unexpected status from GET request to https://r.example/token: 401 Unauthorized', 'unauthorized'],
    ['pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed', 'unauthorized'],
    ['dial tcp: lookup registry.internal on 10.0.0.2:53: no such host', 'unreachable'],
    ['dial tcp 10.1.2.3:443: i/o timeout', 'unreachable'],
    ['tls: failed to verify certificate: x509: certificate signed by unknown authority', 'unreachable'],
    ['something else entirely', 'other'],
  ])('pull error %s is %s', (message, kind) => {
    expect(classifyPullError(message)).toBe(kind);
  });

  test('registry of an image reference', () => {
    expect(registryOf('kasmweb/api:1.18.1')).toBe('docker.io');
    expect(registryOf('registry.example.com:5000/kasm/kasmweb/api:1.18.1')).toBe('registry.example.com:5000');
    expect(registryOf('localhost/api:1')).toBe('localhost');
  });

  test('missing Secret and ConfigMap references as the kubelet words them', () => {
    expect(parseMissingRef('secret "kasm-secrets" not found')).toEqual({ kind: 'Secret', name: 'kasm-secrets' });
    expect(parseMissingRef('MountVolume.SetUp failed for volume "tls-rdp" : secret "kasm-rdp-tls" not found')).toEqual({ kind: 'Secret', name: 'kasm-rdp-tls' });
    expect(parseMissingRef('couldn\'t find key db-password in Secret kasm/kasm-secrets')).toEqual({ kind: 'Secret', name: 'kasm-secrets', key: 'db-password' });
    expect(parseMissingRef('configmap "kasm-proxy-config" not found')).toEqual({ kind: 'ConfigMap', name: 'kasm-proxy-config' });
    expect(parseMissingRef('Error: ErrImagePull')).toBeUndefined();
  });

  test('wait scripts name the Service and port they poll', () => {
    expect(scriptTarget('until curl --fail --max-time 5 --output /dev/null http://kasm-api:8080/api/__healthcheck; do')).toEqual({ host: 'kasm-api', port: 8080 });
    expect(scriptTarget('until pg_isready --host=kasm-db --port=5432 --timeout=5; do')).toEqual({ host: 'kasm-db', port: 5432 });
    expect(scriptTarget('nc -z -w 5 kasm-share 8182')).toEqual({ host: 'kasm-share', port: 8182 });
    expect(scriptTarget('timeout 5 redis-cli -h kasm-redis -p 6379 ping')).toEqual({ host: 'kasm-redis', port: 6379 });
  });

  test('quantities, pod requests and durations', () => {
    expect(quantity('250m')).toBe(0.25);
    expect(quantity('1Gi')).toBe(2 ** 30);
    expect(podRequest({ kind: 'Pod', metadata: { name: 'p' }, spec: { initContainers: [{ resources: { requests: { memory: '2Gi' } } }], containers: [{ resources: { requests: { memory: '256Mi' } } }, { resources: { requests: { memory: '256Mi' } } }] } }, 'memory')).toBe(2 ** 31);
    expect([durationSeconds('1800s'), durationSeconds('1h30m'), durationSeconds(60), durationSeconds('0'), durationSeconds('soon')]).toEqual([1800, 5400, 60, 0, undefined]);
  });
});

test('the dump command is the fixture README\'s, with the namespace and context filled in', () => {
  const block = /```sh\n([\s\S]*?)\n```/.exec(fs.readFileSync(README, 'utf8'))![1];
  expect(dumpCommand('kasm')).toBe(block);
  expect(dumpCommand('kasm-prod', 'my ctx')).toContain('ns=kasm-prod\n');
  expect(dumpCommand('kasm-prod', 'my ctx')).toContain('<(kubectl --context \'my ctx\' get secrets -n "$ns" -o json)');
});

describe('Kasm version', () => {
  test('comes from the pods\' app.kubernetes.io/version label', () => {
    const d = ScenarioDump.from('storageclass-missing');
    for (const p of d.items.filter((o) => o.kind === 'Pod')) p.metadata.labels['app.kubernetes.io/version'] = '1.16.0';
    const report = diagnose(d.toList());
    expect(report.kasmVersion).toBe('1.16.0');
    expect(report.rootCauses.map((c) => c.id)).toEqual(['storageclass-missing:local-path']);
    expect(report.notes).toEqual([]);
  });

  test('falls back to 1.18.1 with a note when the label names an unsupported release', () => {
    const d = ScenarioDump.from('healthy');
    for (const p of d.items.filter((o) => o.kind === 'Pod')) p.metadata.labels['app.kubernetes.io/version'] = '1.17.0';
    const report = diagnose(d.toList());
    expect(report.kasmVersion).toBe('1.18.1');
    expect(report.notes).toEqual([expect.stringContaining('1.17.0, none of them supported')]);
  });
});

test('a wait cycle (a patch makes the api wait for the proxy) ends as a cycle, not a stack overflow', () => {
  const d = ScenarioDump.from('healthy');
  const api = d.podOf('kasm-api');
  api.spec.initContainers.push({ ...d.podOf('kasm-proxy').spec.initContainers[0], name: 'wait-for-kasm-proxy',
    command: ['/bin/sh', '-c', 'until curl --fail http://kasm-proxy-default:8080/checkvalid; do sleep 5; done'] });
  d.waitInInit('kasm-api', 'wait-for-kasm-proxy');
  d.waitInInit('kasm-proxy', 'wait-for-kasm-api');
  const report = diagnose(d.toList());
  expect(report.rootCauses.map((c) => c.id)).toEqual([`cycle:${api.metadata.name},${d.podOf('kasm-proxy').metadata.name}`]);
  expect(report.rootCauses[0].summary).toMatch(/^a wait cycle: .* waits for .* waits for /);
});

test('a database on CloudNativePG: the wait leads through the Cluster to its Pending claim', () => {
  const d = ScenarioDump.from('healthy');
  const api = d.podOf('kasm-api');
  const wait = api.spec.initContainers[0];
  wait.command = wait.command.map((c: string) => c.replace(/--host=kasm-db/g, '--host=kasm-pg-rw'));
  d.waitInInit('kasm-api', 'wait-for-database');
  d.add(
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'kasm-pg', namespace: 'kasm' }, spec: { instances: 1 }, status: { instances: 1, readyInstances: 0, phase: 'Setting up primary' } },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'kasm-pg-1', namespace: 'kasm', labels: { 'cnpg.io/cluster': 'kasm-pg' } }, spec: { storageClassName: 'fast' }, status: { phase: 'Pending' } },
  );
  const [cause] = diagnose(d.toList()).rootCauses;
  expect(cause.id).toBe('storageclass-missing:fast');
  expect(cause.chain.map((h) => h.split(':')[0])).toEqual([`${api.metadata.name} Init`, 'Cluster kasm-pg "Setting up primary"', 'PVC kasm-pg-1 Pending', 'StorageClass fast does not exist']);
});

test('a denied edge without a wait loop (proxy -> guacd) is a degraded finding while every pod is Ready', () => {
  const d = ScenarioDump.from('healthy');
  const egress = d.get('NetworkPolicy', 'kasm-proxy-egress');
  egress.spec.egress = egress.spec.egress.filter((r: any) => r.ports[0].port !== 3001);
  const report = diagnose(d.toList());
  expect(report.status).toBe('degraded');
  expect(report.rootCauses.map((c) => [c.id, c.severity])).toEqual([['networkpolicy:kasm-proxy->kasm-guac:3001', 'degraded']]);
  expect(report.rootCauses[0].summary).toContain('egress of kasm-proxy (isolated by kasm/kasm-all-pods-egress, kasm/kasm-default-deny, kasm/kasm-proxy-egress)');
});

test('a Deployment scaled to 0 is the cause for everything that waits for it', () => {
  const d = ScenarioDump.from('api-image-pull');
  d.remove('Pod', d.podOf('kasm-api').metadata.name);
  d.get('Deployment', 'kasm-api').spec.replicas = 0;
  delete d.get('Endpoints', 'kasm-api').subsets;
  expect(diagnose(d.toList()).rootCauses.map((c) => c.id)).toEqual(['scaled-to-zero:kasm-api']);
});

test('a missing Secret without a generator Job asks for the Secret and lists the keys the release needs', () => {
  const d = ScenarioDump.from('healthy');
  d.remove('Pod', d.podOf('kasm-secret-generator').metadata.name).remove('Job', 'kasm-secret-generator-89d4e4').remove('Secret', 'kasm-secrets');
  d.waiting('kasm-api', 'wait-for-database', 'CreateContainerConfigError', 'secret "kasm-secrets" not found', { init: true });
  const [cause] = diagnose(d.toList()).rootCauses;
  expect(cause.id).toBe('secret-missing:kasm-secrets');
  expect(cause.fix).toContain('admin-password, user-password, db-password, manager-token, service-token');
});

test('Traefik: fetched HelmChartConfigs without one for Traefik are a finding; unfetched ones are not', () => {
  const dump = ScenarioDump.from('healthy').toList();
  expect(diagnose(dump).status).toBe('healthy');
  const report = diagnose(dump, { helmChartConfigsFetched: true });
  expect(report.rootCauses.map((c) => [c.id, c.severity])).toEqual([['traefik-timeouts', 'degraded']]);
  expect(report.rootCauses[0].summary).toContain('502/504, sessions cut after minutes');
});

test('the report does not depend on the order of the dump\'s items', () => {
  for (const build of [() => ScenarioDump.from('storageclass-missing'), () => ScenarioDump.from('api-image-pull')]) {
    const forward = build().toList();
    const backward = { ...forward, items: [...forward.items].reverse() };
    expect(renderJson(diagnose(backward))).toBe(renderJson(diagnose(forward)));
  }
});

describe('input errors', () => {
  test('a dump of another namespace names the namespaces it holds', () => {
    expect(() => diagnose(ScenarioDump.from('healthy').toList(), { namespace: 'kasm-prod' }))
      .toThrow(new DumpError('the dump holds no objects of namespace \'kasm-prod\'; namespaces in it: kasm'));
  });

  test('something that is not a list of Kubernetes objects', () => {
    expect(() => diagnose({ hello: 'world' })).toThrow(/dump has no kind or metadata\.name/);
    expect(() => diagnose({ apiVersion: 'v1', kind: 'List', items: [] })).toThrow(/no pods and no namespace was given/);
  });
});

test('a wait loop that gave up (Init:Error) still leads to what it waited for', () => {
  const d = ScenarioDump.from('api-image-pull');
  const proxy = d.podOf('kasm-proxy');
  const wait = proxy.status.initContainerStatuses[0];
  wait.state = { terminated: { exitCode: 1, reason: 'Error', startedAt: d.now, finishedAt: d.now } };
  const [cause] = diagnose(d.toList()).rootCauses;
  expect(cause.id).toBe('image-not-found:kasmweb/api:1.81.1');
  expect(cause.chain[0]).toBe(`${proxy.metadata.name} Init:Error: init container wait-for-kasm-api waits for Service kasm-api, which has no ready endpoints`);
});

test('the troubleshooting guide lists every kind of cause id the detectors emit', () => {
  const files = [DIAGNOSE_SRC, path.join(DIAGNOSE_SRC, 'causes')].flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f)));
  const kinds = new Set(files.flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/id: [`']([a-z-]+)[:`']/g)].map((m) => m[1])));
  kinds.add('secret-missing').add('secret-key-missing').add('configmap-missing').add('configmap-key-missing');
  // docs/troubleshooting.md once it is written; until then the README's former section, kept in docs/_moved-from-readme/.
  const guide = ['troubleshooting.md', '_moved-from-readme/troubleshooting.md'].map((f) => path.join(__dirname, '..', '..', 'docs', f))
    .map((f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '')).find((text) => text.includes('Cause ids: '))!;
  const listed = /Cause ids: ([\s\S]*?)\.\n/.exec(guide)![1].match(/`([a-z-]+)`/g)!.map((s) => s.slice(1, -1));
  expect([...kinds].filter((k) => !k.startsWith('$')).sort()).toEqual([...listed].sort());
});

test('a node selector no node matches names the selector and the node labels', () => {
  const d = ScenarioDump.from('healthy');
  d.podOf('kasm-manager').spec.nodeSelector = { 'node-role.kubernetes.io/worker': 'true' };
  d.unschedulable('kasm-manager', '0/1 nodes are available: 1 node(s) didn\'t match Pod\'s node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
  const [cause] = diagnose(d.toList()).rootCauses;
  expect(cause.id).toBe('node-selector:Deployment kasm-manager');
  expect(cause.summary).toBe(`no node matches nodeSelector node-role.kubernetes.io/worker=true of ${d.podOf('kasm-manager').metadata.name}`);
  expect(cause.confirm).toBe('kubectl get nodes --show-labels -l node-role.kubernetes.io/worker=true');
});

test('a failed generator Job whose last pod is kept (restartPolicy Never) quotes its 403 and points at the Role', () => {
  const d = ScenarioDump.from('healthy');
  const job = d.get('Job', 'kasm-secret-generator-89d4e4');
  const failed = { lastProbeTime: d.now, lastTransitionTime: d.now, message: 'Job has reached the specified backoff limit', reason: 'BackoffLimitExceeded', status: 'True' };
  job.status = { conditions: [{ ...failed, type: 'FailureTarget' }, { ...failed, type: 'Failed' }], failed: 7, ready: 0, startTime: job.status.startTime, terminating: 0, uncountedTerminatedPods: {} };
  const pod = d.podOf('kasm-secret-generator');
  pod.status.phase = 'Failed';
  pod.status.containerStatuses[0].state = { terminated: { exitCode: 1, reason: 'Error', startedAt: d.now, finishedAt: d.now,
    message: 'secret-generator: GET Secret kasm/kasm-secrets failed: HTTP 403 Forbidden: secrets "kasm-secrets" is forbidden (check the Role: ...)' } };
  const report = diagnose(d.toList());
  expect(report.rootCauses.map((c) => c.id)).toEqual(['job-failed:kasm-secret-generator-89d4e4']);
  const [cause] = report.rootCauses;
  expect(cause.summary).toBe('the secret-generator Job kasm-secret-generator-89d4e4 failed (BackoffLimitExceeded): secret-generator: GET Secret kasm/kasm-secrets failed: '
    + 'HTTP 403 Forbidden: secrets "kasm-secrets" is forbidden (check the Role: ...)');
  expect(cause.fix).toMatch(/^the ServiceAccount lacks a permission: re-apply the Role and RoleBinding/);
  expect(cause.affectedPods.map((p) => p.status)).toEqual(['Error']);
});
