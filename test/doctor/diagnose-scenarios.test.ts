/**
 * `diagnose` against the built scenarios (test/fixtures/diagnose/scenarios.ts): each fault must end at its own
 * root cause, with the chain, words and exit status the scenario states, and the pod statuses its builder wrote
 * must read like kubectl's.
 */
import { diagnose, renderJson } from '../../lib/doctor/diagnose';
import { podStatusText } from '../../lib/doctor/diagnose/pod-status';
import { scenarios } from '../fixtures/diagnose/scenarios';

const ALL = scenarios();

test('there are at least nine built scenarios, each with its own name', () => {
  expect(ALL.length).toBeGreaterThanOrEqual(9);
  expect(new Set(ALL.map((s) => s.name)).size).toBe(ALL.length);
});

describe.each(ALL.map((s) => [s.name, s] as const))('scenario %s', (_name, scenario) => {
  const report = diagnose(scenario.dump.toList());
  const json = renderJson(report);
  const { expect: want } = scenario;

  test(`root causes: ${want.rootCauseIds.join(', ') || 'none'}`, () => {
    expect(report.rootCauses.map((c) => c.id)).toEqual(want.rootCauseIds);
    expect(report.status).toBe(want.status);
    expect(report.status === 'healthy' ? 0 : 1).toBe(want.exit);
  });

  test('the JSON mentions what names the cause', () => {
    for (const word of want.mustMention) expect(json.toLowerCase()).toContain(word.toLowerCase());
  });

  if (want.chain) {
    test('the chain leads hop by hop from the stuck pod to the cause', () => {
      const chain = report.rootCauses[0].chain;
      expect(chain.length).toBe(want.chain!.length);
      chain.forEach((hop, i) => expect({ i, hop: hop.slice(0, want.chain![i].length) }).toEqual({ i, hop: want.chain![i] }));
    });
  }

  if (want.affected) {
    test('the affected pods include the ones the fault stops', () => {
      const names = report.rootCauses[0].affectedPods.map((p) => p.name);
      for (const pod of want.affected!) expect(names).toContain(pod);
    });
  }

  test('affected pods carry the STATUS kubectl would print', () => {
    const pods = new Map(scenario.dump.items.filter((o) => o.kind === 'Pod').map((p) => [p.metadata.name, p]));
    for (const cause of report.rootCauses) {
      for (const p of cause.affectedPods) expect(p.status).toBe(podStatusText(pods.get(p.name)));
    }
  });

  test('every root cause says how to confirm and fix it', () => {
    for (const c of report.rootCauses) {
      expect(c.confirm).toMatch(/kubectl|crictl/);
      expect(c.fix.length).toBeGreaterThan(20);
      expect(c.chain.length).toBeGreaterThan(0);
    }
  });
});
