/** Synth-time findings are one shape with fields; tools read them with `synth --json`, not by parsing text. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { App, Chart } from 'cdk8s';
import { addFindingCheck, collectFindings, findingText, KasmValidationError } from '../../lib/core/findings';
import { runCli } from '../support/cli';

test('findings of a check keep their fields; any other validation becomes rule "validation" at its construct', () => {
  const app = new App();
  const chart = new Chart(app, 'c');
  addFindingCheck(chart, () => [{ rule: 'capacity', object: 'c', message: 'does not fit', fix: 'add nodes', detail: 'a table' }]);
  chart.node.addValidation({ validate: () => ['a plain cdk8s validation'] });
  expect(collectFindings(app)).toEqual([
    { rule: 'capacity', object: 'c', message: 'does not fit', fix: 'add nodes', detail: 'a table' },
    { rule: 'validation', object: 'c', message: 'a plain cdk8s validation' },
  ]);
  expect(findingText(collectFindings(app)[0])).toBe('[capacity] does not fit (at c). Fix: add nodes\na table');
  const error = new KasmValidationError(collectFindings(app));
  expect(error.message).toMatch(/^Validation failed with the following errors:\n {2}\[c\] \[capacity\] does not fit/);
  // cdk8s's own synth stops on the same finding.
  expect(() => app.synth()).toThrow(/\[capacity\] does not fit \(at c\)\. Fix: add nodes/);
});

test('synth --json prints the findings with their fields and exits 1; without it the text, exit 1', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-findings-'));
  const values = path.join(dir, 'values.yaml');
  fs.writeFileSync(values, yaml.dump({ nodes: [{ count: 1, cpu: '500m', memory: '1Gi' }] }));
  const json = await runCli(['synth', '--variant', 'k3s-dev', '--values', values, '--out', path.join(dir, 'out'), '--json']);
  expect(json.status).toBe(1);
  const report = JSON.parse(json.stdout);
  expect(report.findings).toEqual([expect.objectContaining({ rule: 'capacity', object: 'k3s-dev', fix: expect.stringMatching(/add nodes/) })]);
  const text = await runCli(['synth', '--variant', 'k3s-dev', '--values', values, '--out', path.join(dir, 'out')]);
  expect([text.status, text.stdout]).toEqual([1, '']);
  expect(text.stderr).toMatch(/\[capacity\] K3sDev does not fit its nodes/);
  expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
});

test('synth --json gives a values error its fields: owner, prop, value and the key path', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-findings-'));
  const values = path.join(dir, 'values.yaml');
  fs.writeFileSync(values, 'database:\n  storage: {size: 100Mi}\n');
  const r = await runCli(['synth', '--variant', 'k3s-dev', '--values', values, '--out', path.join(dir, 'out'), '--json']);
  expect(r.status).toBe(1);
  expect(JSON.parse(r.stdout).error).toMatchObject({ owner: 'KasmDatabase', prop: 'storage', value: '100Mi', spec: { path: 'database.storage.size', variant: 'k3s-dev' } });
});
