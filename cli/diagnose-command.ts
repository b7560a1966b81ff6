/**
 * `cdk8s-kasm diagnose`: reads a namespace (live through kubectl, or a dump file), runs `diagnose` and prints
 * the root causes.
 *
 * Kept to input and output: everything it concludes comes from the pure `diagnose` function, so a bug report's
 * dump reproduces exactly what the user saw.
 */
import * as fs from 'fs';
import { diagnose, DumpError, dumpCommand, renderJson, renderText } from '../lib/doctor/diagnose';
import { flagHelp, FlagSpec, parseFlags } from './args';
import { CliIo, Command, EXIT, UsageError } from './command';
import { readLiveDump } from './kubectl-dump';
import { DumpExistsError, writeDumpFile } from './write-dump';

const NAME = 'diagnose';
/** The namespace the constructs deploy to unless told otherwise. */
const DEFAULT_NAMESPACE = 'kasm';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const FLAGS: readonly FlagSpec[] = [
  { name: 'namespace', short: 'n', value: 'NAMESPACE', help: `namespace Kasm runs in (default: ${DEFAULT_NAMESPACE}; with --from: the dump's)` },
  { name: 'context', value: 'CTX', help: 'kubectl context to read (default: the current one)' },
  { name: 'from', value: 'DUMP.json', help: 'read a dump file instead of the cluster (- reads standard input)' },
  { name: 'json', help: 'print the report as JSON (shape: docs/troubleshooting.md)' },
  { name: 'dump', value: 'FILE', help: 'write what diagnose reads (Secret values blanked) to FILE for a bug report, and exit' },
  { name: 'force', help: 'with --dump: replace FILE if it exists' },
  { name: 'print-dump-command', help: 'print the command that writes a dump for a bug report, and exit' },
  { name: 'help', short: 'h', help: 'show this help' },
];

const HELP = `Usage: cdk8s-kasm diagnose [-n NAMESPACE] [--context CTX] [--from DUMP.json] [--json]
       cdk8s-kasm diagnose [-n NAMESPACE] [--context CTX] --dump FILE [--force]

Finds why Kasm pods are not Ready: walks each stuck pod's wait-for-* init containers along the
release's dependency graph to the root cause, and prints the chain, a command that confirms the
cause and the command or change that fixes it. Reads the cluster through kubectl (read-only:
get pods, pvc, jobs, events, services, endpoints, replicasets, deployments, statefulsets,
configmaps, networkpolicies, serviceaccounts, secrets (key names only), roles and rolebindings
(a warning when they may not be listed), and where their CRDs exist CloudNativePG clusters,
Gateway API routes and IngressRoutes) of the
namespace and of the namespaces its objects point into (the database's); storageclasses, nodes,
persistentvolumes; kube-system's ingress controller and helmchartconfigs; the CloudNativePG
operator's deployment and pods.

Flags:
${flagHelp(FLAGS)}

Exit status: 0 all pods Ready (finished Jobs count as fine), 1 something is stuck or degraded,
2 diagnose could not run (bad flags, unreadable dump, kubectl failing).
`;

function validNamespace(value: string): string {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new UsageError(`flag -n/--namespace: '${value}' is not a namespace name (lowercase letters, digits and '-', `
      + 'starting and ending with a letter or digit, at most 63 characters)', NAME);
  }
  return value;
}

async function readDumpFile(path: string, io: CliIo): Promise<unknown> {
  let text: string;
  try {
    text = path === '-' ? await io.readStdin() : fs.readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`flag --from: cannot read '${path}' (${code ?? (err as Error).message}); pass a file written by the dump command (see --print-dump-command)`, NAME);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`flag --from: '${path}' is not JSON (${(err as Error).message}); pass a file written by the dump command (see --print-dump-command)`, NAME);
  }
}

/** `--dump FILE`: reads the cluster as the live mode does and writes it, without diagnosing. */
async function writeDump(file: string, namespace: string, context: string | undefined, force: boolean, io: CliIo): Promise<number> {
  if (!force && fs.existsSync(file)) throw new UsageError(`flag --dump: '${file}' already exists; pass --force to replace it, or choose another file name`, NAME);
  const live = await readLiveDump(namespace, context);
  for (const w of live.warnings) io.stderr(`warning: ${w}\n`);
  try {
    writeDumpFile(file, `${JSON.stringify(live.dump, null, 1)}\n`, force);
  } catch (err) {
    if (err instanceof DumpExistsError) throw new UsageError(`flag --dump: ${err.message}`, NAME);
    throw new UsageError(`flag --dump: cannot write '${file}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, NAME);
  }
  io.stdout(`wrote ${file}: ${live.dump.items.length} objects of namespaces ${live.namespaces.join(', ')} and the cluster (Secret values blanked); `
    + `read it with: cdk8s-kasm diagnose --from ${file}\n`);
  return EXIT.OK;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = parseFlags(`cdk8s-kasm ${NAME}`, argv, FLAGS);
  if (flags.help) {
    io.stdout(HELP);
    return EXIT.OK;
  }
  const namespace = typeof flags.namespace === 'string' ? validNamespace(flags.namespace) : undefined;
  const context = typeof flags.context === 'string' ? flags.context : undefined;
  if (flags['print-dump-command']) {
    io.stdout(`${dumpCommand(namespace ?? DEFAULT_NAMESPACE, context)}\n`);
    return EXIT.OK;
  }
  const from = typeof flags.from === 'string' ? flags.from : undefined;
  const dumpTo = typeof flags.dump === 'string' ? flags.dump : undefined;
  if (dumpTo && from) throw new UsageError(`flag --dump '${dumpTo}' reads the cluster and cannot be combined with --from '${from}'; drop one of them`, NAME);
  if (flags.force && !dumpTo) throw new UsageError('flag --force only applies to --dump FILE', NAME);
  if (dumpTo) return writeDump(dumpTo, namespace ?? DEFAULT_NAMESPACE, context, !!flags.force, io);
  if (from && context) {
    throw new UsageError(`flag --context '${context}' reads a live cluster and cannot be combined with --from '${from}'; drop one of them`, NAME);
  }
  const input = from
    ? { dump: await readDumpFile(from, io), helmChartConfigsFetched: false, namespace }
    : { ...(await readLiveDump(namespace ?? DEFAULT_NAMESPACE, context)), namespace: namespace ?? DEFAULT_NAMESPACE };
  for (const w of 'warnings' in input ? input.warnings : []) io.stderr(`warning: ${w}\n`);
  let report;
  try {
    report = diagnose(input.dump, { namespace: input.namespace, helmChartConfigsFetched: input.helmChartConfigsFetched });
  } catch (err) {
    if (err instanceof DumpError && from) throw new UsageError(`flag --from '${from}': ${err.message}`, NAME);
    throw err;
  }
  io.stdout(flags.json ? renderJson(report) : renderText(report, { context }));
  return report.status === 'healthy' ? EXIT.OK : EXIT.FOUND;
}

/** The `diagnose` subcommand. */
export const diagnoseCommand: Command = {
  name: NAME,
  summary: 'find why Kasm pods are not Ready and print the root cause, how to confirm it and how to fix it',
  help: HELP,
  run,
};
