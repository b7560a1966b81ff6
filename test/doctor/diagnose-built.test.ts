/**
 * `diagnose` against the fixture folders built from the scenario builders (test/fixtures/diagnose/README.md, "Built
 * fixtures"): the same acceptance check as the recorded folders, read from the files a bug report would attach.
 */
import * as fs from 'fs';
import * as path from 'path';
import { diagnose, renderJson } from '../../lib/doctor/diagnose';
import { dumpItems } from '../../lib/doctor/diagnose/dump';
import { BUILT } from '../fixtures/diagnose/write-built';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'diagnose');

describe.each(Object.keys(BUILT))('built dump %s', (name) => {
  const read = (file: string) => fs.readFileSync(path.join(FIXTURES, name, file), 'utf8');
  const dump = JSON.parse(read('dump.json'));
  const expected = JSON.parse(read('expected.json'));
  const report = diagnose(dump);

  test('its root causes, exit status and words', () => {
    expect(expected.built).toBe(true);
    expect(report.rootCauses.map((c) => c.id)).toEqual(expected.rootCauseIds);
    expect(report.status === 'healthy' ? 'zero' : 'nonzero').toBe(expected.expectExit);
    const json = renderJson(report).toLowerCase();
    for (const word of expected.mustMention) expect(json).toContain(word.toLowerCase());
  });

  test('the chain starts at the pod the user looks at and has the recorded hops', () => {
    const [first] = report.rootCauses;
    if (expected.stuckPod) expect(first.chain[0].startsWith(`${expected.stuckPod} ${expected.userSees}:`)).toBe(true);
    expect(first.chain).toEqual(expected.chain);
  });

  test('every pod of the namespace is healthy or affected, and no Secret carries a value', () => {
    const items = dumpItems(dump);
    const pods = items.filter((o) => o.kind === 'Pod' && o.metadata.namespace === report.namespace).map((p) => p.metadata.name).sort();
    expect([...report.healthyPods, ...report.rootCauses.flatMap((c) => c.affectedPods.map((p) => p.name))].sort()).toEqual(pods);
    for (const s of items.filter((o) => o.kind === 'Secret')) expect(Object.values(s.data ?? {}).every((v) => v === '')).toBe(true);
  });
});

test('the fixture README lists every built folder and says they were built, not recorded', () => {
  const readme = fs.readFileSync(path.join(FIXTURES, 'README.md'), 'utf8');
  for (const name of Object.keys(BUILT)) expect(readme).toContain(`\`${name}/\``);
  expect(readme).toContain('built, not recorded');
});
