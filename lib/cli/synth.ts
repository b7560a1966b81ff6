/** `cdk8s-kasm synth --variant NAME --out DIR`: write a published variant (or all) as a user's CI would. */
import * as path from 'path';
import { VARIANTS } from '../../charts';
import { synthVariants } from '../gitops/dist-writer';
import { FlagSpec, flagHelp, parseFlags } from './args';
import { Command, EXIT, UsageError } from './command';

const FLAGS: FlagSpec[] = [
  { name: 'variant', value: 'NAME', help: `one of ${VARIANTS.map((v) => v.name).join(', ')}, or 'all'` },
  { name: 'out', value: 'DIR', help: 'output folder, emptied first (default: dist)' },
  { name: 'help', short: 'h', help: 'show this help' },
];

const HELP = `Usage: cdk8s-kasm synth --variant NAME [--out DIR]

Synthesizes a published variant (its defaults, as committed under dist/) into DIR/<variant>/, with the GitOps
manifests under DIR/gitops/.

${flagHelp(FLAGS)}
`;

export const synthCommand: Command = {
  name: 'synth',
  summary: 'write a variant\'s manifests (and its GitOps manifests) to a folder',
  help: HELP,
  run: async (argv, io) => {
    const flags = parseFlags('synth', argv, FLAGS);
    if (flags.help) { io.stdout(HELP); return EXIT.OK; }
    const name = flags.variant;
    if (typeof name !== 'string') throw new UsageError(`--variant is required: ${VARIANTS.map((v) => v.name).join(', ')} or all`, 'synth');
    const chosen = name === 'all' ? VARIANTS : VARIANTS.filter((v) => v.name === name);
    if (chosen.length === 0) throw new UsageError(`--variant '${name}' is not a variant; accepted: ${VARIANTS.map((v) => v.name).join(', ')}, all`, 'synth');
    const out = path.resolve(typeof flags.out === 'string' ? flags.out : 'dist');
    for (const dir of synthVariants(chosen, out)) io.stdout(`synthesized ${path.relative(process.cwd(), dir) || dir}\n`);
    return EXIT.OK;
  },
};
