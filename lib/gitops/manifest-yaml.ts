/**
 * The YAML of one synthesized manifest, byte for byte what cdk8s's `Yaml.stringify(doc)` writes (the `yaml` package
 * with YAML 1.1, `lineWidth: 0`), in a tenth of the time. Why: stringifying was the largest cost of `cdk8s-kasm synth`.
 *
 * It renders the cases manifests consist of (block maps and sequences, plain, quoted and literal-block strings,
 * integers, booleans, null) by the `yaml` package's own rules, and asks the package's YAML 1.1 tags whether a plain
 * string would read back as something else. Anything outside those cases (an escape sequence, a float, a shared
 * object, a document marker, a merge key...) makes the whole document go through `Yaml.stringify` itself, so the
 * output never depends on this file being complete. test/gitops/manifest-yaml.test.ts holds it to that.
 */
import * as path from 'path';
import { Yaml } from 'cdk8s';

/** Thrown inside the renderer for a value it does not handle; the document is then rendered by `Yaml.stringify`. */
class NotHandled extends Error {}

/** A tag's resolver as the `yaml` package's schema exposes it. */
interface ScalarTag {
  readonly default?: unknown;
  readonly tag: string;
  readonly test?: RegExp;
}

const STR_TAG = 'tag:yaml.org,2002:str';
/** yaml's stringifyString: characters that force double quotes (escaped, so never handled here). */
const NEEDS_ESCAPE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** yaml's plainString: a string that cannot be written plain. */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const MERGE_KEY = '<<';
/** yaml's stringifyPair: a key longer than this becomes an explicit `? key`. */
const MAX_IMPLICIT_KEY = 1024;

let tagsCache: readonly ScalarTag[] | undefined | null;

/** Single-line strings already rendered (NOT_HANDLED for those left to `Yaml.stringify`), so each is tested once. */
const SINGLE_LINE = new Map<string, string>();
const SINGLE_LINE_MAX = 100_000;
const NOT_HANDLED = '\0';

/**
 * The YAML 1.1 tags of the `yaml` package cdk8s renders with (its own bundled copy), whose tests decide whether a
 * plain string reads back as a string; null when that package cannot be found (then everything goes to cdk8s).
 */
function yaml11Tags(): readonly ScalarTag[] | null {
  if (tagsCache !== undefined) return tagsCache;
  try {
    const yamlPath = require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require(yamlPath);
    const schema = new YAML.Document(null, { version: '1.1' }).schema;
    const relevant = (t: ScalarTag) => t.default && t.tag !== STR_TAG && t.test instanceof RegExp;
    tagsCache = [...schema.tags, ...(schema.compat ?? [])].filter(relevant);
  } catch {
    tagsCache = null;
  }
  return tagsCache;
}

/** `Yaml.stringify(doc)` of cdk8s, for one manifest. */
export function manifestYaml(doc: unknown): string {
  const tags = yaml11Tags();
  if (tags && isPlainObject(doc)) {
    try {
      return `${new Renderer(tags).collection(doc, '')}\n`;
    } catch (err) {
      if (!(err instanceof NotHandled)) throw err;
    }
  }
  return Yaml.stringify(doc);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

class Renderer {
  /** Objects already rendered: yaml would write a second occurrence as an alias. */
  private readonly seen = new Set<object>();

  constructor(private readonly tags: readonly ScalarTag[]) {}

  /** A non-empty map or sequence whose items sit at `indent` (yaml's stringifyBlockCollection). */
  collection(value: object, indent: string): string {
    if (this.seen.has(value)) throw new NotHandled();
    this.seen.add(value);
    const lines: string[] = [];
    if (Array.isArray(value)) {
      if (value.length === 0) return '[]';
      for (const item of value) lines.push(`- ${this.node(item, `${indent}  `)}`);
    } else {
      const keys = Object.keys(value);
      if (keys.length === 0) return '{}';
      for (const key of keys) lines.push(this.pair(key, (value as Record<string, unknown>)[key], indent));
    }
    return lines.join(`\n${indent}`);
  }

  /** `key: value` of a map whose items sit at `indent` (yaml's stringifyPair). */
  private pair(key: string, value: unknown, indent: string): string {
    const keyText = this.string(key, '', true);
    if (keyText.length > MAX_IMPLICIT_KEY) throw new NotHandled();
    const inner = `${indent}  `;
    if (typeof value === 'object' && value !== null && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0)) {
      return `${keyText}:\n${inner}${this.node(value, inner)}`;
    }
    return `${keyText}: ${this.node(value, inner)}`;
  }

  /** Any value placed where its own lines would be indented by `indent`. */
  private node(value: unknown, indent: string): string {
    switch (typeof value) {
      case 'string': return this.string(value, indent, false);
      case 'boolean': return value ? 'true' : 'false';
      case 'number':
        if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
        throw new NotHandled();
      case 'object':
        if (value === null) return 'null';
        if (Array.isArray(value) || isPlainObject(value)) return this.collection(value, indent);
        throw new NotHandled();
      default:
        throw new NotHandled();
    }
  }

  /** A string scalar (yaml's stringifyString and plainString, with `lineWidth: 0`: nothing is folded). */
  private string(value: string, indent: string, implicitKey: boolean): string {
    const multiline = value.includes('\n');
    if (multiline) return this.scalar(value, indent, implicitKey, true);
    // One line renders alike as a key or a value at any indent, and manifests repeat their keys and labels.
    let text = SINGLE_LINE.get(value);
    if (text === undefined) {
      try {
        text = this.scalar(value, indent, implicitKey, false);
      } catch (err) {
        if (!(err instanceof NotHandled)) throw err;
        text = NOT_HANDLED;
      }
      if (SINGLE_LINE.size >= SINGLE_LINE_MAX) SINGLE_LINE.clear();
      SINGLE_LINE.set(value, text);
    }
    if (text === NOT_HANDLED) throw new NotHandled();
    return text;
  }

  /** The rendering itself; `multiline` is whether `value` holds a line break. */
  private scalar(value: string, indent: string, implicitKey: boolean, multiline: boolean): string {
    // '<<' is YAML 1.1's merge key, which yaml writes with a tag of its own.
    if (NEEDS_ESCAPE.test(value) || value === MERGE_KEY) throw new NotHandled();
    if (implicitKey && multiline) throw new NotHandled();
    if (NOT_PLAIN.test(value)) return implicitKey || !multiline ? quoted(value) : literalBlock(value, indent);
    if (!implicitKey && multiline) return literalBlock(value, indent);
    if (DOCUMENT_MARKER.test(value)) throw new NotHandled();
    if (this.tags.some((t) => t.test!.test(value))) return quoted(value);
    return value;
  }
}

/** yaml's quotedString for a single line without escapes: single quotes when it holds `"` and no `'`, else JSON. */
function quoted(value: string): string {
  if (value.includes('\n')) throw new NotHandled();
  const hasDouble = value.includes('"');
  const hasSingle = value.includes('\'');
  if (hasDouble && !hasSingle) return `'${value}'`;
  const json = JSON.stringify(value);
  if (json.includes('\\')) throw new NotHandled();
  return json;
}

/** yaml's blockString in literal style (`|`, with chomping and indentation indicators), lines indented by `indent`. */
function literalBlock(text: string, indent: string): string {
  if (/\n[\t ]+$/.test(text) || indent === '' || DOCUMENT_MARKER.test(text)) throw new NotHandled();
  let value = text;
  let endStart = value.length;
  while (endStart > 0 && ['\n', '\t', ' '].includes(value[endStart - 1])) endStart--;
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(/(^|(?<!\n))\n+(?!\n|$)/g, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}
