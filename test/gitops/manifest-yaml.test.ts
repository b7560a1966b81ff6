/** manifestYaml writes exactly what cdk8s's Yaml.stringify writes: for every shipped object and for awkward values. */
import { App, Yaml } from 'cdk8s';
import { VARIANTS } from '../../charts';
import { ArgoCdApplications, FluxKustomizations } from '../../lib/gitops/gitops-manifests';
import { manifestYaml } from '../../lib/gitops/manifest-yaml';

/** Every manifest of every published variant and of the GitOps apps. */
function shippedManifests(): any[] {
  const docs: any[] = [];
  for (const variant of VARIANTS) {
    const app = new App();
    variant.build(app);
    for (const chart of app.charts) docs.push(...chart.toJson());
  }
  const variants = VARIANTS.map((v) => ({ name: v.name, namespace: 'kasm', databaseHealth: [], upgrading: false }));
  for (const Manifests of [ArgoCdApplications, FluxKustomizations]) {
    const app = new App();
    new Manifests(app, 'gitops', variants, {});
    for (const chart of app.charts) docs.push(...chart.toJson());
  }
  return docs;
}

const STRINGS = [
  '', ' ', 'plain', 'two words', 'true', 'True', 'FALSE', 'yes', 'no', 'on', 'Off', 'y', 'n', '~', 'null', 'Null', '0', '42', '-7', '+3',
  '0777', '0o17', '0x1F', '0b101', '1_000', '1:20', '190:20:30', '1.5', '.5', '1e3', '-.inf', '.NaN', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '-', '--', '--flag', '- a', '-a', '?', '? x', '?x', ':', 'a:', 'a:b', 'a: b', 'http://x:80/y', '#x', 'a #b', 'a#b', ' lead', 'trail ', 'tab\there',
  '@x', '`x', '*x', '&x', '!x', '|x', '>x', '[x', ']x', '{x', '}x', ',x', '%x', '\'x', '"x', 'quote"s', 'it\'s', 'both\'"', 'back\\slash', 'x\\n',
  '---', '...', 'a\n---\nb', '<<', 'ünïcödé', 'emoji 😀', '\u2028', '\u00a0nbsp', 'ctrl\x01', 'del\x7f', 'cr\rlf', 'x'.repeat(1100),
  'multi\nline', 'multi\nline\n', 'multi\nline\n\n', 'multi\n\nblank', '\nleading newline', '\n\nleading newlines', ' indented\nblock',
  '  more\n indented', 'trailing space \nline', 'line\n trailing indent', 'ends in space\n ', 'ends in tab\n\t', '#!/bin/sh\nset -eu\necho "a: b"\n',
  'key: value\nother: x\n', '- item\n- item\n', 'tab\tinside\nlines\n', 'only\n', '\n', '\n\n', ' ', '\t', 'a\n\n\n', 'a\n \nb',
];

const OTHERS: unknown[] = [0, 1, -1, 80, 1.5, -0, 1e21, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, true, false, null, [], {}, [[]], [{}], [1, [2, [3]]],
  { a: [] }, { a: {} }, { a: [{ b: [{ c: 'd' }] }] }, [null, true, 'x'], { '': 'empty key', ' ': 'space key', '1': 'numeric key', 'a\nb': 'multiline key' }];

describe('manifestYaml', () => {
  test('every shipped object renders as Yaml.stringify renders it, without falling back to it', () => {
    const docs = shippedManifests();
    expect(docs.length).toBeGreaterThan(150);
    const expected = docs.map((d) => Yaml.stringify(d));
    const fallback = jest.spyOn(Yaml, 'stringify');
    try {
      expect(docs.map((d) => manifestYaml(d))).toEqual(expected);
      expect(fallback).not.toHaveBeenCalled();
    } finally {
      fallback.mockRestore();
    }
  });

  test.each([
    ['as values', (s: unknown) => ({ kind: 'X', value: s })],
    ['as keys', (s: unknown) => (typeof s === 'string' ? { [s]: 'v', other: 1 } : { k: s })],
    ['as sequence items', (s: unknown) => ({ items: [s, 'next'] })],
    ['nested in maps and sequences', (s: unknown) => ({ spec: { template: [{ name: 'c', args: [s], env: { VALUE: s } }] } })],
  ])('awkward strings and values %s render as Yaml.stringify renders them', (_, wrap) => {
    for (const value of [...STRINGS, ...OTHERS]) {
      const doc = wrap(value);
      expect([JSON.stringify(value), manifestYaml(doc)]).toEqual([JSON.stringify(value), Yaml.stringify(doc)]);
    }
  });

  test('shared objects, undefined values and non-plain objects go to Yaml.stringify', () => {
    const shared = { a: 1 };
    for (const doc of [{ x: shared, y: shared }, { x: undefined, y: 1 }, { when: new Date(0) }, { list: [undefined] }, { big: BigInt(5) }]) {
      expect(manifestYaml(doc)).toBe(Yaml.stringify(doc));
    }
  });
});
