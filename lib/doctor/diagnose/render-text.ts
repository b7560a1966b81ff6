/**
 * The text output: one header line per root cause, its chain, then `confirm:` and `fix:`.
 *
 * Written to be read in ten seconds by someone who just saw `Init:0/4`: the verdict first, the cause in one
 * sentence, the path from their pod to it, and two commands; evidence stays in `--json`.
 */
import { dumpCommand } from './dump-command';
import { DiagnosisReport, RootCause } from './types';

/** Options of {@link renderText}. */
export interface RenderTextOptions {
  /**
   * kubectl context to put into the dump command of the footer.
   * @default none: the dump command uses kubectl's current context
   */
  readonly context?: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function headline(report: DiagnosisReport): string {
  const where = `Kasm ${report.kasmVersion} in namespace ${report.namespace}`;
  if (report.status === 'healthy') {
    return `${where}: healthy, ${plural(report.healthyPods.length, 'pod')} Ready or Completed`
      + `${report.completedJobs.length > 0 ? `, ${plural(report.completedJobs.length, 'Job')} complete` : ''}`;
  }
  const stuck = new Set(report.rootCauses.flatMap((c) => c.affectedPods.map((p) => p.name))).size;
  return `${where}: ${report.status.toUpperCase()}, ${plural(report.rootCauses.length, 'root cause')}, `
    + `${plural(stuck, 'pod')} not Ready, ${report.healthyPods.length} healthy`;
}

function cause(c: RootCause, n: number, home: string): string[] {
  const lines = [`[${n}] ${c.severity}${c.namespace !== home && !c.summary.includes(`namespace ${c.namespace}`) ? ` in namespace ${c.namespace}` : ''}: ${c.summary}`];
  c.chain.forEach((hop, i) => lines.push(`    ${i === 0 ? '   ' : '-> '}${hop}`));
  if (c.affectedPods.length > 0) {
    lines.push(`    affects ${plural(c.affectedPods.length, 'pod')}: ${c.affectedPods.map((p) => `${p.name} (${p.status})`).join(', ')}`);
  }
  lines.push(`    confirm: ${c.confirm}`);
  lines.push(`    fix:     ${c.fix}`);
  return lines;
}

/** Renders a report for a terminal; the dump command closes the output whenever something is wrong. */
export function renderText(report: DiagnosisReport, options: RenderTextOptions = {}): string {
  const lines = [headline(report)];
  report.rootCauses.forEach((c, i) => lines.push('', ...cause(c, i + 1, report.namespace)));
  if (report.notes.length > 0) lines.push('', 'notes:', ...report.notes.map((n) => `  - ${n}`));
  if (report.status !== 'healthy') {
    lines.push('', 'For a bug report, attach the dump this command writes (Secret values are blanked):', dumpCommand(report.namespace, options.context));
  }
  return `${lines.join('\n')}\n`;
}
