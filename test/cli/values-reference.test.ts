/** The configuration reference (docs/configuration.md) is the key tree's: every key a row, every default as the tree says. */
import * as fs from 'fs';
import * as path from 'path';
import { VALUES } from '../../charts/spec/keys';
import { REFERENCE_MARKERS, valuesReference, withValuesReference } from '../../cli/values/reference';
import { ValueSpec, VALUES_VARIANTS } from '../../charts/spec/language';

const REFERENCE = path.join(__dirname, '..', '..', 'docs', 'configuration.md');

/** Every key path of the tree in any variant, objects included (list items as `[]`). */
function keyPaths(spec: ValueSpec, at = ''): string[] {
  if (spec.kind === 'list' && spec.items.kind === 'object') return keyPaths(spec.items, `${at}[]`);
  if (spec.kind !== 'object') return [];
  return Object.entries(spec.fields).flatMap(([k, f]) => {
    const p = at ? `${at}.${k}` : k;
    return [p, ...keyPaths(f, p)];
  });
}

const rowOf = (key: string) => valuesReference().split('\n').find((l) => l.startsWith(`| \`${key}\` |`));

describe('the configuration reference', () => {
  test('docs/configuration.md holds what charts/spec/keys.ts renders (npm run values-schema)', () => {
    const doc = fs.readFileSync(REFERENCE, 'utf8');
    const between = doc.split(`${REFERENCE_MARKERS.start}\n`)[1].split(`\n${REFERENCE_MARKERS.end}`)[0];
    expect(between).toBe(valuesReference());
    expect(withValuesReference(doc)).toBe(doc);
  });

  test('has a row for every key; keys alike under one parent (one per component) share rows under <key>', () => {
    const rendered = valuesReference();
    const missing = keyPaths(VALUES)
      .map((k) => k.replace(/^scaling\.components\.(proxy|api|manager)(?=\.|$)/, 'scaling.components.<key>'))
      .filter((k) => k !== 'scaling.components.<key>')
      .filter((k) => !rendered.includes(`| \`${k}\` |`));
    expect(missing).toEqual([]);
  });

  test('says per variant: the default, how it is derived, required, or not in the variant', () => {
    expect(rowOf('version')).toContain('| `1.19.0` | `1.19.0` | `1.19.0` |');
    expect(rowOf('upgradeFrom')).toContain("one of '1.19.0', '1.18.1', '1.16.0' | _no upgrade_ |");
    expect(rowOf('hostname')).toContain('| `kasm.local` | required (published: `kasm.example.com`) |');
    expect(rowOf('database.instances')).toContain('| – | – | `3` |');
    expect(rowOf('database.storage.size')).toContain('| `10Gi` | `50Gi` | `50Gi` |');
    expect(rowOf('gitops')).toMatch(/ \| {2}\| {2}\| {2}\| Where Argo CD and Flux find the output \(&lt;out&gt;\/gitops\/\)\. \|$/);
  });

  test('cells cannot break the table: one line per key, six cells each', () => {
    const lines = valuesReference().split('\n');
    for (const line of lines) expect(line.replace(/\\\|/g, '').split('|').length - 2).toBe(3 + VALUES_VARIANTS.length);
  });

  test('withValuesReference refuses a document without the markers', () => {
    expect(() => withValuesReference('# no markers\n')).toThrow(/lacks the lines <!-- values-reference:start -->/);
  });
});
