/**
 * `diagnose` against the three dumps recorded from a real API server (test/fixtures/diagnose/README.md):
 * the acceptance check of each folder's expected.json, and kubectl's STATUS column reproduced pod by pod.
 */
import * as fs from 'fs';
import * as path from 'path';
import { diagnose, renderJson, renderText } from '../../lib/doctor/diagnose';
import { dumpItems } from '../../lib/doctor/diagnose/dump';
import { podStatusText } from '../../lib/doctor/diagnose/pod-status';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'diagnose');
const RECORDED = ['storageclass-missing', 'api-image-pull', 'healthy'];

interface Expected {
  stuckPod: string | null;
  userSees: string;
  chain: string[];
  mustMention: string[];
  expectExit: 'zero' | 'nonzero';
}

function load(name: string): { dump: unknown; expected: Expected; getPods: string } {
  const read = (file: string) => fs.readFileSync(path.join(FIXTURES, name, file), 'utf8');
  return { dump: JSON.parse(read('dump.json')), expected: JSON.parse(read('expected.json')), getPods: read('get-pods.txt') };
}

/** The subject and state of a hop: its first two words ("kasm-db-0 Pending:", "PVC data-kasm-db-0", "registry answer:"). */
function head(hop: string): string {
  return hop.split(/\s+/).slice(0, 2).join(' ');
}

describe.each(RECORDED)('recorded dump %s', (name) => {
  const { dump, expected, getPods } = load(name);
  const report = diagnose(dump);
  const json = renderJson(report);

  test('exit status: stuck or degraded exactly when expected.json says nonzero', () => {
    expect(report.status === 'healthy' ? 'zero' : 'nonzero').toBe(expected.expectExit);
  });

  test('the JSON names the root cause (every mustMention word)', () => {
    for (const word of expected.mustMention) expect(json.toLowerCase()).toContain(word.toLowerCase());
  });

  test('the chain starts at the pod the user looks at and has the expected hops', () => {
    if (expected.stuckPod === null) {
      expect(report.rootCauses).toEqual([]);
      return;
    }
    expect(report.rootCauses).toHaveLength(1);
    const chain = report.rootCauses[0].chain;
    expect(chain[0].startsWith(`${expected.stuckPod} ${expected.userSees}:`)).toBe(true);
    expect(chain.map(head)).toEqual(expected.chain.map(head));
  });

  test('every pod is either healthy or affected by a root cause', () => {
    const pods = dumpItems(dump).filter((o) => o.kind === 'Pod').map((p) => p.metadata.name).sort();
    const affected = report.rootCauses.flatMap((c) => c.affectedPods.map((p) => p.name));
    expect([...report.healthyPods, ...affected].sort()).toEqual(pods);
  });

  test('pod statuses are what `kubectl get pods` printed', () => {
    const printed = getPods.trim().split('\n').slice(1).map((line) => line.split(/\s+/)).map(([pod, , status]) => ({ pod, status }));
    const pods = new Map(dumpItems(dump).filter((o) => o.kind === 'Pod').map((p) => [p.metadata.name, p]));
    expect(printed.map(({ pod }) => ({ pod, status: podStatusText(pods.get(pod)!) }))).toEqual(printed);
  });

  test('the text output leads with the verdict and ends with the dump command only when something is wrong', () => {
    const text = renderText(report);
    expect(text.split('\n')[0]).toMatch(/^Kasm 1\.18\.1 in namespace kasm: (healthy|STUCK)/);
    expect(text.includes('--dump dump.json')).toBe(report.status !== 'healthy');
    if (report.status !== 'healthy') expect(text).toMatch(/\n {4}confirm: .+\n {4}fix: {5}.+/);
  });
});

test('the storageclass-missing chain names the missing class and groups all eight stuck pods under it', () => {
  const report = diagnose(load('storageclass-missing').dump);
  const [cause] = report.rootCauses;
  expect(cause.id).toBe('storageclass-missing:local-path');
  expect(cause.chain[cause.chain.length - 1]).toBe('StorageClass local-path does not exist');
  expect(cause.affectedPods).toHaveLength(8);
  expect(cause.confirm).toBe('kubectl get storageclass local-path');
  expect(cause.fix).toContain('--disable local-storage');
});

test('the api-image-pull fix names the release tag the typo stands for', () => {
  const [cause] = diagnose(load('api-image-pull').dump).rootCauses;
  expect(cause.fix).toContain('1.81.1 is a typo of the release tag 1.18.1');
  expect(cause.fix).toContain('kubectl -n kasm set image deployment/kasm-api kasm-api=kasmweb/api:1.18.1');
});

test('the healthy dump\'s first-minute warnings (FailedMount, CreateContainerConfigError) are history, not causes', () => {
  const report = diagnose(load('healthy').dump);
  expect(report).toMatchObject({ status: 'healthy', rootCauses: [], notes: [] });
  expect(report.completedJobs).toEqual(['kasm-db-init-1-18-1-86b48f', 'kasm-secret-generator-89d4e4']);
});
