/**
 * `cdk8s-kasm validate`: the checks a cluster's dry run would make, and the doctor's, without a cluster. On a
 * values file (or a variant's defaults) it synthesizes in memory and writes nothing; on a folder it reads the YAML
 * files there. Kubernetes 1.27 and 1.33 schemas and the shipped CRD schemas, strict like `kubeconform -strict`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { VARIANTS } from '../charts';
import { collectFindings, Finding, findingText } from '../lib/core/findings';
import { KasmConfigError } from '../lib/core/validation';
import { manifestsOf } from '../lib/core/validation-memo';
import { asFindings, runDoctorOnManifests } from '../lib/doctor/app-doctor';
import { validateManifests } from '../lib/doctor/schema-validator';
import { FlagSpec, flagHelp, parseFlags } from './args';
import { Command, EXIT, UsageError } from './command';
import { readValuesFile } from './synth';
import { ValuesVariant, VALUES_VARIANTS } from '../charts/spec/language';

/* eslint-disable @typescript-eslint/no-require-imports */
const valuesFile = () => require('./values/values-file') as typeof import('./values/values-file');
const valuesVariant = () => require('./values/variant') as typeof import('./values/variant');
/* eslint-enable @typescript-eslint/no-require-imports */

const FLAGS: FlagSpec[] = [
  { name: 'variant', value: 'NAME', help: `the variant to check: ${VALUES_VARIANTS.join(', ')} (its defaults, or with --values)` },
  { name: 'values', value: 'FILE', help: 'a values file to check with the variant (synthesized in memory; nothing is written)' },
  { name: 'json', help: 'print the findings (rule, object, message, fix) as JSON on stdout' },
  { name: 'help', short: 'h', help: 'show this help' },
];

const HELP = `Usage: cdk8s-kasm validate --variant NAME [--values FILE] [--json]
       cdk8s-kasm validate [--json] DIR

Checks without a cluster. With --variant, synthesizes the variant (with FILE's values) in memory and reports every
finding synth would stop on, plus any object the Kubernetes or CRD schemas reject. With DIR, reads every .yaml and
.yml file under DIR (a synth --out folder, or manifests of your own) and checks each object against the schemas, and
the folder as a whole with the doctor's rules that need no construct tree (Pod Security, unique names, API limits,
namespaces, prerequisites). Exit status: 0 no findings, 1 findings, 2 the input could not be read.

${flagHelp(FLAGS)}
`;

/** Schema errors as findings about `object`. */
function schemaFindings(docs: readonly unknown[], object: string): Finding[] {
  return validateManifests(docs).map((message) => ({ rule: 'schema', object, message, fix: 'fix the field the schema names (unknown fields are errors, as kubectl --validate=strict)' }));
}

/** Every finding of a variant, synthesized in memory from its defaults or a values file. */
function validateVariant(name: ValuesVariant, file: string | undefined): Finding[] {
  // Never synthesized to disk: the objects are read in memory.
  const app = new App();
  if (file === undefined) {
    VARIANTS.find((v) => v.name === name)!.build(app);
  } else {
    const values = valuesFile().parseValues(readValuesFile(file), file, name);
    valuesVariant().variantFromValues(name, values, file).build(app);
  }
  const findings = collectFindings(app);
  for (const chart of app.node.findAll().filter(Chart.isChart)) {
    if (chart.node.scopes.some((s) => s !== chart && Chart.isChart(s))) continue;
    // Each object on its own (Chart.toJson would validate the app again and throw on the findings above).
    findings.push(...schemaFindings(manifestsOf(chart).map((o) => o.manifest), chart.node.path));
  }
  return findings;
}

/** The YAML files under `dir`, sorted, dot-folders skipped. */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  visit(dir);
  return out;
}

/**
 * Every finding of the manifests under `dir`. The doctor sees one unit at a time: `dir` when it holds a
 * kustomization.yaml, else each folder directly under it (dist/k3s-dev, dist/gitops), so variants side by side are
 * not taken for one install.
 */
function validateFolder(dir: string): Finding[] {
  let stat: fs.Stats;
  try { stat = fs.statSync(dir); } catch { throw new UsageError(`'${dir}' does not exist`, 'validate'); }
  if (!stat.isDirectory()) throw new UsageError(`'${dir}' is not a folder; pass a folder of YAML files, or --variant NAME [--values FILE]`, 'validate');
  const single = fs.existsSync(path.join(dir, 'kustomization.yaml'));
  const units = new Map<string, { path: string; manifest: any }[]>();
  const findings: Finding[] = [];
  for (const file of yamlFiles(dir)) {
    const rel = path.relative(dir, file);
    let docs: unknown[];
    try {
      docs = yaml.loadAll(fs.readFileSync(file, 'utf8'), null, { filename: rel }).filter((d) => d !== null && d !== undefined);
    } catch (err) {
      findings.push({ rule: 'yaml', object: rel, message: err instanceof Error ? err.message.split('\n')[0] : String(err) });
      continue;
    }
    findings.push(...schemaFindings(docs, rel));
    const unit = single || !rel.includes(path.sep) ? '' : rel.split(path.sep)[0];
    const list = units.get(unit) ?? [];
    docs.forEach((d, i) => list.push({ path: docs.length > 1 ? `${rel}#${i}` : rel, manifest: d }));
    units.set(unit, list);
  }
  for (const objects of units.values()) {
    const cluster = objects.filter((o) => typeof o.manifest?.apiVersion === 'string' && !o.manifest.apiVersion.startsWith('kustomize.config.k8s.io/'));
    findings.push(...asFindings(runDoctorOnManifests(cluster)));
  }
  return findings;
}

/** The `validate` entry of the command table. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a variant, a values file or a folder of manifests offline: the schemas and the doctor, no cluster',
  help: HELP,
  run: async (argv, io) => {
    const positional = argv.filter((a, i) => !a.startsWith('-') && !(i > 0 && ['--variant', '--values'].includes(argv[i - 1])));
    const flags = parseFlags('validate', argv.filter((a) => !positional.includes(a)), FLAGS);
    if (flags.help) { io.stdout(HELP); return EXIT.OK; }
    if (positional.length > 1) throw new UsageError(`validate takes one folder, got ${positional.map((p) => `'${p}'`).join(', ')}`, 'validate');
    const dir = positional[0];
    let findings: Finding[];
    if (dir !== undefined) {
      if (flags.variant !== undefined || flags.values !== undefined) throw new UsageError('give a folder or --variant [--values], not both', 'validate');
      findings = validateFolder(dir);
    } else {
      const name = flags.variant;
      if (typeof name !== 'string') throw new UsageError(`give a folder, or --variant NAME (${VALUES_VARIANTS.join(', ')}) with an optional --values FILE`, 'validate');
      if (!(VALUES_VARIANTS as readonly string[]).includes(name)) throw new UsageError(`--variant '${name}' is not a variant; accepted: ${VALUES_VARIANTS.join(', ')}`, 'validate');
      try {
        findings = validateVariant(name as ValuesVariant, typeof flags.values === 'string' ? flags.values : undefined);
      } catch (err) {
        if (!(err instanceof KasmConfigError)) throw err;
        findings = [{ rule: 'config', object: typeof flags.values === 'string' ? flags.values : name, message: err.message }];
      }
    }
    if (flags.json === true) io.stdout(`${JSON.stringify({ findings }, null, 2)}\n`);
    else if (findings.length === 0) io.stdout('validate: no findings\n');
    else io.stdout(`${findings.map(findingText).join('\n')}\nvalidate: ${findings.length} finding${findings.length === 1 ? '' : 's'}\n`);
    return findings.length === 0 ? EXIT.OK : EXIT.FOUND;
  },
};
