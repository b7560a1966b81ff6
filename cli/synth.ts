/**
 * `cdk8s-kasm synth --variant NAME --out DIR`: write a published variant (or all) as a user's CI would; with
 * `--values FILE`, the variant with a team's YAML values applied; `--print-defaults` prints the reference of keys.
 */
import * as fs from 'fs';
import * as path from 'path';
import { VARIANTS } from '../charts';
import { synthVariants } from '../lib/gitops/dist-writer';
import { KasmValidationError } from '../lib/core/findings';
import { KasmConfigError } from '../lib/core/validation';
import { wideRanges } from '../lib/security/network-notes';
import { ValuesVariant, VALUES_VARIANTS } from '../charts/spec/language';
import { FlagSpec, flagHelp, parseFlags } from './args';
import { Command, EXIT, UsageError } from './command';

/* eslint-disable @typescript-eslint/no-require-imports */
/** The values file's parser and mapping, loaded only when a values file is read or printed (most runs do neither). */
const valuesFile = () => require('./values/values-file') as typeof import('./values/values-file');
const valuesVariant = () => require('./values/variant') as typeof import('./values/variant');
/* eslint-enable @typescript-eslint/no-require-imports */

const FLAGS: FlagSpec[] = [
  { name: 'variant', value: 'NAME', help: `one of ${VARIANTS.map((v) => v.name).join(', ')}, or 'all'` },
  { name: 'out', value: 'DIR', help: 'output folder: new, empty, or written by cdk8s-kasm before (default: dist)' },
  { name: 'adopt', help: 'write into a folder cdk8s-kasm did not write (a repository): only its own files are written' },
  { name: 'values', value: 'FILE', help: 'a YAML values file to apply to the variant (one variant, not all)' },
  { name: 'json', help: 'on a refusal, print the findings (rule, object, message, fix) or the error\'s fields as JSON on stdout' },
  { name: 'print-defaults', help: 'print the variant\'s values file of defaults, every key with its doc, and exit' },
  { name: 'help', short: 'h', help: 'show this help' },
];

const HELP = `Usage: cdk8s-kasm synth --variant NAME [--values FILE] [--out DIR]
       cdk8s-kasm synth --variant NAME --print-defaults

Synthesizes a published variant into DIR/<variant>/, with the GitOps manifests under DIR/gitops/. Without --values
it writes the variant's defaults, as committed under dist/; with --values the keys of FILE replace them (the GitOps
manifests take gitops.repoUrl, gitops.revision and gitops.path). --print-defaults is the reference of keys.

DIR keeps a record of the files cdk8s-kasm wrote there (.cdk8s-kasm-owned): a later synth replaces and removes only
those, and never the values file. A folder without that record must be new or empty, unless --adopt says to write
into it anyway (a repository root, or output from before the record): even then nothing but this synth's files is
touched. A failed synth leaves the previous output as it was.

${flagHelp(FLAGS)}
`;

/** The largest values file read (the full reference of keys is about 20 kB). */
const MAX_VALUES_BYTES = 1024 * 1024;

/** The values file's text (UTF-8 checked); a missing or unreadable file is a usage error. */
export function readValuesFile(file: string): string {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(file);
    // A device (/dev/zero) never ends, and no values file is megabytes long.
    if (stat.isCharacterDevice() || stat.isBlockDevice()) throw new UsageError(`--values '${file}' is a device, not a file`, 'synth');
    if (stat.isFile() && stat.size > MAX_VALUES_BYTES) throw new UsageError(`--values '${file}' is ${stat.size} bytes; a values file is at most ${MAX_VALUES_BYTES}`, 'synth');
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(err)})`;
    throw new UsageError(`--values '${file}' ${why}; write one with 'cdk8s-kasm synth --variant NAME --print-defaults > values.yaml'`, 'synth');
  }
  return valuesFile().decodeValuesFile(bytes, file);
}

/** The `synth` entry of the command table: published variants as committed, or one with a values file applied. */
export const synthCommand: Command = {
  name: 'synth',
  summary: 'write a variant\'s manifests (and its GitOps manifests) to a folder, optionally with a values file',
  help: HELP,
  run: async (argv, io) => {
    const flags = parseFlags('synth', argv, FLAGS);
    if (flags.help) { io.stdout(HELP); return EXIT.OK; }
    const name = flags.variant;
    if (typeof name !== 'string') throw new UsageError(`--variant is required: ${VARIANTS.map((v) => v.name).join(', ')} or all`, 'synth');
    const chosen = name === 'all' ? VARIANTS : VARIANTS.filter((v) => v.name === name);
    if (chosen.length === 0) throw new UsageError(`--variant '${name}' is not a variant; accepted: ${VARIANTS.map((v) => v.name).join(', ')}, all`, 'synth');
    const single = name === 'all' ? undefined : (VALUES_VARIANTS as readonly string[]).includes(name) ? name as ValuesVariant : undefined;
    if (flags['print-defaults']) {
      if (flags.values !== undefined || flags.out !== undefined) throw new UsageError('--print-defaults writes to stdout and takes only --variant', 'synth');
      if (!single) throw new UsageError(`--print-defaults needs one variant: ${VALUES_VARIANTS.join(', ')}`, 'synth');
      io.stdout(valuesFile().defaultValuesFile(single));
      return EXIT.OK;
    }
    const out = path.resolve(typeof flags.out === 'string' ? flags.out : 'dist');
    const adopt = flags.adopt === true;
    let written: string[];
    const warnings: string[] = [];
    try {
      written = synthesize(flags, single, chosen, out, adopt, warnings);
    } catch (err) {
      if (flags.json !== true || !(err instanceof KasmValidationError || err instanceof KasmConfigError)) throw err;
      const report = err instanceof KasmValidationError ? { findings: err.findings } : { error: { message: err.message, ...(err.fields ?? {}) } };
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return EXIT.FOUND;
    }
    for (const w of warnings) io.stderr(`cdk8s-kasm: warning: ${w}\n`);
    for (const dir of written) io.stdout(`synthesized ${path.relative(process.cwd(), dir) || dir}\n`);
    return EXIT.OK;
  },
};

/** Synthesizes the chosen variants, or the one variant with its values file, into `out`. */
function synthesize(flags: ReturnType<typeof parseFlags>, single: ValuesVariant | undefined, chosen: typeof VARIANTS, out: string, adopt: boolean, warnings: string[]): string[] {
  if (typeof flags.values !== 'string') return synthVariants(chosen, out, {}, { adopt });
  if (!single) throw new UsageError(`--values applies to one variant: ${VALUES_VARIANTS.join(', ')}, not '${flags.variant}'`, 'synth');
  const values = valuesFile().parseValues(readValuesFile(flags.values), flags.values, single);
  warnings.push(...valuesWarnings(values, flags.values));
  const { gitopsFromValues, variantFromValues } = valuesVariant();
  return synthVariants([variantFromValues(single, values, flags.values)], out, gitopsFromValues(values), { adopt, inputs: [flags.values] });
}

/** What a values file allows that is legal but rarely meant; printed on stderr (NOTES.md says it too). */
export function valuesWarnings(values: { readonly [key: string]: any }, file: string): string[] {
  const wide = wideRanges(values.network?.agentCidrs ?? []);
  return wide.length === 0 ? [] : [`${file}: network.agentCidrs: ${wide.join(', ')} admits agents from anywhere on the Internet to the proxy's 8443; narrow it to the agents' addresses unless that is intended (NOTES.md says so too)`];
}
