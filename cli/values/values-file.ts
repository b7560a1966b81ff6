/**
 * Reading a values file (YAML, checked against {@link VALUES}) and writing the commented file of defaults that
 * `cdk8s-kasm synth --print-defaults` prints, so a team that only writes YAML has the reference of keys at hand.
 */
import * as yaml from 'js-yaml';
import { KasmConfigError } from '../../lib/core/validation';
import { VALUES } from '../../charts/spec/keys';
import { checkSpec } from '../../charts/spec/install-spec';
import { acceptedText, appliesTo, defaultOf, ObjectSpec, toJsonSchema, ValuesVariant, VALUES_VARIANTS } from '../../charts/spec/language';

/** A values file as loaded and checked: nested plain data, keys as in {@link VALUES}. */
export type Values = { readonly [key: string]: any };

/** The JSON Schema (draft-07) of values files: one definition per variant, any of them at the top. */
export function valuesJsonSchema(): Record<string, unknown> {
  const definitions = Object.fromEntries(VALUES_VARIANTS.map((v) => [v, {
    title: `cdk8s-kasm values for ${v}`,
    description: `Keys of \`cdk8s-kasm synth --variant ${v} --values FILE\`; every key is optional unless required, and defaults to the published dist/${v}. synth checks more than this schema (e.g. CIDR host bits, cron ranges).`,
    ...toJsonSchema(VALUES, v),
  }]));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/cdk8s-kasm/cdk8s-kasm/values.schema.json',
    title: 'cdk8s-kasm values',
    description: 'Values file of `cdk8s-kasm synth --values`; validate against #/definitions/<variant> for one variant. Generated from charts/spec/keys.ts (npm run values-schema).',
    definitions,
    anyOf: VALUES_VARIANTS.map((v) => ({ $ref: `#/definitions/${v}` })),
  };
}

/** The committed schema's text: stable key order, two-space indent, trailing newline. */
export function valuesJsonSchemaText(): string {
  return `${JSON.stringify(valuesJsonSchema(), null, 2)}\n`;
}

/**
 * A values file's bytes as text: UTF-8 (a byte-order mark is dropped). UTF-16, what Windows PowerShell's `>` writes,
 * and bytes that are not UTF-8 are refused with what to do, not parsed into "null byte" or replacement characters.
 */
export function decodeValuesFile(bytes: Uint8Array, file: string): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
    || bytes.subarray(0, 4096).includes(0);
  if (utf16) {
    throw new KasmConfigError(`${file} is UTF-16 (what Windows PowerShell writes with '>'), not UTF-8; save it as UTF-8: `
      + '`cdk8s-kasm synth --variant NAME --print-defaults | Out-File -Encoding utf8 values.yaml`, or "Save with encoding: UTF-8" in your editor');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const text = Buffer.from(bytes).toString('utf8');
    const line = text.slice(0, text.indexOf('\uFFFD')).split('\n').length;
    throw new KasmConfigError(`${file}:${line}: is not UTF-8 text (another encoding, e.g. Latin-1?); save the file as UTF-8`);
  }
}

/** Where a loaded document reuses a node (a YAML alias of a mapping or list), as a key path; `undefined` when none. */
function aliasedPath(data: unknown): string | undefined {
  const seen = new Set<object>();
  const stack: { node: unknown; path: string }[] = [{ node: data, path: '(top level)' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (seen.has(node)) return path;
    seen.add(node);
    for (const [k, v] of Object.entries(node)) stack.push({ node: v, path: Array.isArray(node) ? `${path}[${k}]` : path === '(top level)' ? k : `${path}.${k}` });
  }
  return undefined;
}

/**
 * Parse and check a values file's text; throws one KasmConfigError listing every problem (YAML syntax errors name
 * the file, line and column).
 */
export function parseValues(text: string, file: string, variant: ValuesVariant): Values {
  let data: unknown;
  try {
    // A file of comments only (every key left at its default) is an empty mapping, not an empty-document error.
    data = text.split('\n').every((l) => /^\s*(#.*)?$/.test(l)) ? {} : yaml.load(text, { filename: file });
  } catch (err) {
    if (err instanceof RangeError) throw new KasmConfigError(`${file}: nests too deep to be a values file (${err.message})`);
    if (err instanceof yaml.YAMLException) {
      const mark = (err as any).mark;
      const where = mark ? `${file}:${mark.line + 1}:${mark.column + 1}` : file;
      throw new KasmConfigError(`${where}: ${(err as any).reason ?? err.message} (YAML syntax)${mark?.snippet ? `\n${mark.snippet}` : ''}`);
    }
    throw err;
  }
  if (data === undefined || data === null) data = {};
  // An alias shares the node; walking shared nodes as a tree grows exponentially ("billion laughs"), so none is taken.
  const aliased = aliasedPath(data);
  if (aliased !== undefined) {
    throw new KasmConfigError(`${file}: ${aliased}: repeats a mapping or list through a YAML alias (*name); values files take no aliases, write the values out`);
  }
  return checkSpec(variant, data, file);
}

const flow = (value: unknown): string => yaml.dump(value, { flowLevel: 0, lineWidth: -1 }).trim();

function lines(spec: ObjectSpec, variant: ValuesVariant, depth: number, commentedAbove: boolean): string[] {
  const out: string[] = [];
  for (const [key, field] of Object.entries(spec.fields)) {
    if (!appliesTo(field, variant)) continue;
    const pad = '  '.repeat(depth);
    const commented = commentedAbove || field.commented === true;
    const accepted = field.kind === 'object' ? '' : ` Accepted: ${acceptedText(field)}.`;
    const required = field.required?.includes(variant) ? ' Required.' : '';
    if (depth === 0 && out.length > 0) out.push('');
    out.push(`${pad}# ${field.doc}${required}${accepted}`);
    if (field.kind === 'object') {
      const children = lines(field, variant, depth + 1, commented);
      const active = children.some((l) => !l.trimStart().startsWith('#') && l.trim() !== '');
      out.push(`${pad}${active ? '' : '# '}${key}:`, ...children);
      continue;
    }
    const dflt = defaultOf(field, variant);
    if (dflt === undefined) out.push(`${pad}# ${key}:  # default: ${field.defaultDoc ?? 'none'}`);
    else out.push(`${pad}${commented ? '# ' : ''}${key}: ${flow(dflt)}`);
  }
  return out;
}

/** The commented values file of `variant`'s defaults; fed back with --values it gives the published dist/<variant>. */
export function defaultValuesFile(variant: ValuesVariant): string {
  return [
    `# cdk8s-kasm values for ${variant}: every key with its one-line doc and its default.`,
    `# Use: cdk8s-kasm synth --variant ${variant} --values FILE --out DIR`,
    '# Keys you leave out take these defaults; commented keys are optional (their default is derived, or they are examples).',
    '# Schema: cdk8s-kasm/values.schema.json, #/definitions/' + variant,
    '',
    ...lines(VALUES, variant, 0, false),
    '',
  ].join('\n');
}
