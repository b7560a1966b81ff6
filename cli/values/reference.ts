/**
 * The configuration reference (docs/configuration.md): every key of a values file with what it accepts, its default
 * per variant and its doc, rendered from the key tree so the documentation cannot drift from what `synth --values`
 * checks (`npm run values-schema` writes it into docs/configuration.md; the test suite compares).
 */
import * as yaml from 'js-yaml';
import { VALUES } from '../../charts/spec/keys';
import { acceptedText, appliesTo, defaultOf, Field, ObjectSpec, ValuesVariant, VALUES_VARIANTS } from '../../charts/spec/language';

/** The comments around the generated table in docs/configuration.md. */
export const REFERENCE_MARKERS = { start: '<!-- values-reference:start -->', end: '<!-- values-reference:end -->' } as const;

/** Table cell text: pipes escaped, and angle brackets, which GitHub would take for HTML tags (e.g. `<out>`). */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');
/** A default as flow YAML in a code span (GitHub tables need the pipe escaped even there). */
const code = (value: unknown): string => `\`${yaml.dump(value, { flowLevel: 0, lineWidth: -1 }).trim().replace(/\|/g, '\\|')}\``;

/** What a variant's column says about a key: not there, its default, or how the default is derived. */
function defaultCell(field: Field, variant: ValuesVariant, parentApplies: boolean): string {
  if (!parentApplies || !appliesTo(field, variant)) return '–';
  if (field.kind === 'object') return '';
  const dflt = defaultOf(field, variant);
  const shown = dflt !== undefined ? code(dflt) : field.defaultDoc ? `_${cell(field.defaultDoc)}_` : '_none_';
  return field.required?.includes(variant) ? `required (published: ${shown})` : shown;
}

/** Objects whose keys are alike (e.g. one per component): their keys are listed once, under `<key>`. */
function alikeChildren(spec: ObjectSpec): ObjectSpec | undefined {
  const children = Object.values(spec.fields);
  if (children.length < 2 || !children.every((c) => c.kind === 'object')) return undefined;
  const first = children[0] as ObjectSpec;
  return children.every((c) => (c as ObjectSpec).fields === first.fields) ? first : undefined;
}

function rows(spec: ObjectSpec, at: string, applies: Readonly<Record<ValuesVariant, boolean>>): string[] {
  const out: string[] = [];
  const alike = alikeChildren(spec);
  if (alike) return rows(alike, `${at}.<key>`, applies);
  for (const [key, field] of Object.entries(spec.fields)) {
    const path = at ? `${at}.${key}` : key;
    const defaults = VALUES_VARIANTS.map((v) => defaultCell(field, v, applies[v]));
    out.push(`| \`${path}\` | ${cell(acceptedText(field))} | ${defaults.join(' | ')} | ${cell(field.doc)} |`);
    const inner = Object.fromEntries(VALUES_VARIANTS.map((v) => [v, applies[v] && appliesTo(field, v)])) as Record<ValuesVariant, boolean>;
    if (field.kind === 'object') out.push(...rows(field, path, inner));
    if (field.kind === 'list' && field.items.kind === 'object') out.push(...rows(field.items, `${path}[]`, inner));
  }
  return out;
}

/** The configuration reference as a Markdown table: one row per key, a default column per variant ('–': not in it). */
export function valuesReference(): string {
  const everywhere = Object.fromEntries(VALUES_VARIANTS.map((v) => [v, true])) as Record<ValuesVariant, boolean>;
  return [
    `| Key | Accepted | ${VALUES_VARIANTS.join(' | ')} | What it does |`,
    `|---|---|${VALUES_VARIANTS.map(() => '---').join('|')}|---|`,
    ...rows(VALUES, '', everywhere),
  ].join('\n');
}

/** `doc` (docs/configuration.md) with the text between {@link REFERENCE_MARKERS} replaced by {@link valuesReference}. */
export function withValuesReference(doc: string): string {
  const start = doc.indexOf(`${REFERENCE_MARKERS.start}\n`);
  const end = doc.indexOf(`\n${REFERENCE_MARKERS.end}`);
  if (start < 0 || end < start) throw new Error(`docs/configuration.md lacks the lines ${REFERENCE_MARKERS.start} and ${REFERENCE_MARKERS.end}`);
  return doc.slice(0, start + REFERENCE_MARKERS.start.length + 1) + valuesReference() + doc.slice(end);
}
