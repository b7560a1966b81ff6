/**
 * The `--json` output: the report as it is, two-space indented, one trailing newline.
 *
 * The report is already sorted and its keys are written in a fixed order, so the same dump always gives the same
 * bytes, which lets scripts and bug reports diff two runs.
 */
import { DiagnosisReport } from './types';

/** Serializes a report for `--json`. */
export function renderJson(report: DiagnosisReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
