/** renderFiles writes what app.synth() writes with FILE_PER_RESOURCE, and refuses what it refuses, in the same words. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { K3sProd } from '../../charts';
import { renderFiles } from '../../lib/gitops/render-files';
import { filesUnder } from '../support/files';

const appIn = (outdir: string) => new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE, outputFileExtension: '.yaml' });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-render-'));

/** The bytes app.synth() writes and the ones renderFiles returns, for two apps built alike. */
function both(build: (app: App) => void): { synthesized: Record<string, string>; rendered: Record<string, string> } {
  const out = tmp();
  const synthesizedApp = appIn(out);
  build(synthesizedApp);
  synthesizedApp.synth();
  const renderedApp = appIn(path.join(out, 'unused'));
  build(renderedApp);
  const rendered = Object.fromEntries(renderFiles(renderedApp, '.yaml').map((f) => [f.file, f.text]));
  const synthesized = filesUnder(out);
  fs.rmSync(out, { recursive: true, force: true });
  return { synthesized, rendered };
}

test.each([
  ['a variant', (app: App) => { new K3sProd(app, 'prod', { hostname: 'kasm.example.com' }); }],
  ['a chart nested in a chart', (app: App) => {
    const outer = new Chart(app, 'outer');
    new ApiObject(outer, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'outer-a', namespace: 'n' } });
    const inner = new Chart(outer, 'inner');
    new ApiObject(inner, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inner-b', namespace: 'n' } });
  }],
])('%s: the files and bytes of app.synth()', (_, build) => {
  const { synthesized, rendered } = both(build);
  expect(Object.keys(rendered).length).toBeGreaterThan(1);
  expect(rendered).toEqual(synthesized);
});

test('a failing validation throws the error app.synth() throws', () => {
  const build = (app: App) => {
    const chart = new Chart(app, 'c');
    new Construct(chart, 'thing').node.addValidation({ validate: () => ['first problem', 'second problem'] });
    new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' } });
  };
  const expected = new Error('Validation failed with the following errors:\n  [c/thing] first problem\n  [c/thing] second problem');
  const synthesized = appIn(tmp());
  build(synthesized);
  expect(() => synthesized.synth()).toThrow(expected);
  const rendered = appIn('unused');
  build(rendered);
  expect(() => renderFiles(rendered, '.yaml')).toThrow(expected);
});
