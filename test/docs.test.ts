/**
 * The documentation keeps its promises: every optional prop of the public constructs documents its default
 * (`@default`), the scaling table in docs/variants.md is the contract's, and every relative link in README.md and
 * docs/*.md reaches an existing file and heading.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOTS = ['lib', 'charts'].map((d) => path.join(__dirname, '..', d));

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Optional members of exported `...Props`/`...Options` interfaces whose doc comment lacks `@default`. */
function undocumentedDefaults(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const missing: string[] = [];
  for (const m of text.matchAll(/export interface (\w+(?:Props|Options))\b[^{]*\{([\s\S]*?)\n\}/g)) {
    const [, iface, body] = m;
    for (const member of body.matchAll(/(\/\*\*[\s\S]*?\*\/)?\s*readonly (\w+)\?:/g)) {
      if (!member[1] || !member[1].includes('@default')) missing.push(`${path.basename(file)} ${iface}.${member[2]}`);
    }
  }
  return missing;
}

test('every optional prop has a doc comment with @default', () => {
  const files = ROOTS.flatMap(tsFiles);
  expect(files.length).toBeGreaterThan(10);
  expect(files.flatMap(undocumentedDefaults)).toEqual([]);
});

test('the scaling table in docs/variants.md is the default release\'s contract', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { scalingTable } = require('../lib/scaling/table');
  const { KasmVersion } = require('../lib');
  const guide = fs.readFileSync(path.join(__dirname, '..', 'docs', 'variants.md'), 'utf8');
  const between = guide.split('<!-- scaling-table:start -->\n')[1].split('\n<!-- scaling-table:end -->')[0];
  expect(between).toBe(scalingTable(KasmVersion.V1_19_0));
});

const ROOT = path.join(__dirname, '..');
/** The README and the guides (docs/*.md; not docs/api, which typedoc checks). */
const DOCS = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown without fenced code blocks and code spans (a `#` line in a shell block is no heading, `[x](y)` in code no link). */
const prose = (text: string): string => text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/`[^`\n]*`/g, '');

/** GitHub's anchors for a document's headings: lower case, punctuation dropped, spaces as '-', repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const base = m[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Every relative link of a document that does not reach an existing file, or a heading of it. */
function brokenLinks(doc: string, text = fs.readFileSync(path.join(ROOT, doc), 'utf8')): string[] {
  const links = [...prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
  const broken: string[] = [];
  for (const link of links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:: not a file of this repository
    const [target, anchor] = link.split('#', 2);
    if (!target) {
      if (!anchorsOf(text).has(anchor)) broken.push(`${doc}: ${link} (no heading #${anchor})`);
      continue;
    }
    const file = path.posix.normalize(path.posix.join(path.posix.dirname(doc), target));
    if (file.startsWith('..') || !fs.existsSync(path.join(ROOT, file))) {
      broken.push(`${doc}: ${link} (no file ${file})`);
    } else if (anchor !== undefined && !(file.endsWith('.md') && anchorsOf(fs.readFileSync(path.join(ROOT, file), 'utf8')).has(anchor))) {
      broken.push(`${doc}: ${link} (no heading #${anchor} in ${file})`);
    }
  }
  return broken;
}

describe('links in README.md and docs/*.md', () => {
  test('the README links to every guide, and the guides exist', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const guide of DOCS.filter((d) => d !== 'README.md')) expect(readme).toContain(`](${guide})`);
    expect(DOCS).toEqual(expect.arrayContaining(['docs/variants.md', 'docs/configuration.md', 'docs/after-install.md',
      'docs/security.md', 'docs/architecture.md', 'docs/benchmark.md', 'docs/development.md']));
  });

  test('every relative link points to an existing file, and every #anchor to a heading there', () => {
    expect(DOCS.flatMap((doc) => brokenLinks(doc))).toEqual([]);
  });

  test('the checker finds a missing file, a missing heading, and the anchors GitHub makes', () => {
    const sample = '[a](nope.md) [b](security.md#nope) [c](security.md#pod-security-restricted) [d](../README.md#quick-start)\n'
      + '[e](https://example.com/x.md) `[f](in-code.md)` [g](#variants) [h](#nowhere)\n# Variants\n';
    expect(brokenLinks('docs/sample.md', sample)).toEqual([
      'docs/sample.md: nope.md (no file docs/nope.md)',
      'docs/sample.md: security.md#nope (no heading #nope in docs/security.md)',
      'docs/sample.md: #nowhere (no heading #nowhere)',
    ]);
    expect(anchorsOf('# Security model\n## Pod Security "restricted"\n```sh\n# not a heading\n```\n## Uninstall\n## Uninstall\n'))
      .toEqual(new Set(['security-model', 'pod-security-restricted', 'uninstall', 'uninstall-1']));
    expect(anchorsOf('## What the cluster creates, GitOps never prunes\n## `dist/` and `--out`\n'))
      .toEqual(new Set(['what-the-cluster-creates-gitops-never-prunes', 'dist-and---out']));
  });
});
