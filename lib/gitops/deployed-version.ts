/**
 * The Kasm release a previous synth wrote into an output folder, read from its control plane's labels: the record
 * the upgrade check compares a new synth against (dist-writer's `assertUpgradeSaid`).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

const VERSION_LABEL = 'app.kubernetes.io/version';
const PART_OF_LABEL = 'app.kubernetes.io/part-of';

/** The control plane's version label in `dir` (a Deployment part of `kasm`), or undefined for a new folder. */
export function deployedVersion(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  for (const file of deploymentFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const labels = labelsAsWritten(text) ?? (yaml.load(text) as any)?.metadata?.labels;
    const version = labels?.[VERSION_LABEL];
    if (labels?.[PART_OF_LABEL] === 'kasm' && typeof version === 'string') return version;
  }
  return undefined;
}

/** Every `Deployment.*.yaml` below `dir`, relative and sorted. */
function deploymentFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...deploymentFiles(dir, rel));
    else if (entry.name.startsWith('Deployment.') && entry.name.endsWith('.yaml')) out.push(rel);
  }
  return out.sort();
}

/** A label line as this package writes it: four spaces, a plain key, and a plain or quoted value. */
const LABEL_LINE = /^ {4}([A-Za-z0-9][-A-Za-z0-9_./]*): (.*)$/;

/**
 * `metadata.labels` of a manifest in the block layout synth writes (`metadata:` at the margin, `labels:` two spaces
 * in, one plain key per line four spaces in), without a YAML parser: the parser's first use was a visible share
 * of a synth. Undefined for any other layout (a hand edit, flow style, a block scalar), which the caller parses.
 */
export function labelsAsWritten(text: string): Record<string, string> | undefined {
  const lines = text.split('\n');
  let i = lines.indexOf('metadata:') + 1;
  if (i === 0) return undefined;
  while (i < lines.length && lines[i].startsWith('  ') && lines[i] !== '  labels:') i++;
  if (lines[i] !== '  labels:') return undefined;
  const labels: Record<string, string> = {};
  for (i++; i < lines.length && lines[i].startsWith('    '); i++) {
    const match = LABEL_LINE.exec(lines[i]);
    const value = match ? scalar(match[2]) : undefined;
    if (!match || value === undefined) return undefined;
    labels[match[1]] = value;
  }
  return labels;
}

/** A one-line scalar: plain, `'single'` or `"double"` quoted without escapes; undefined for anything else. */
function scalar(text: string): string | undefined {
  if (/^'[^']*'$/.test(text) || /^"[^"\\]*"$/.test(text)) return text.slice(1, -1);
  if (/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(text)) return text;
  return undefined;
}
