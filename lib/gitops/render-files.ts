/**
 * What `app.synth()` writes with FILE_PER_RESOURCE, byte for byte, kept in memory: cdk8s's file names, each object's
 * YAML as `Yaml.stringify` writes it (see manifest-yaml.ts), sorted by file name.
 *
 * Why not `app.synth()`: it validates the app once for itself and again for every chart, and calls `toJson()` on
 * every object after the checks already did. Here the app is validated once, exactly as cdk8s does it, and the
 * output is the manifests that pass synthesized (the same `toJson()` of the same objects, moments apart).
 */
import { App, Chart } from 'cdk8s';
import { forgetManifests, manifestsOf } from '../core/validation-memo';
import { manifestYaml } from './manifest-yaml';
import { compareText } from '../core/order';
import { collectFindings, KasmValidationError } from '../core/findings';

/** One object of the output. */
export interface RenderedFile {
  /** `Kind.name.yaml`, as cdk8s names it. */
  readonly file: string;
  /** The synthesized manifest (frozen). */
  readonly doc: any;
  /** Its YAML. */
  readonly text: string;
}

/** Every object of `app`, validated and rendered; throws a {@link KasmValidationError} (cdk8s's `Validation failed ...` text) on a finding. */
export function renderFiles(app: App, extension: string): RenderedFile[] {
  const charts = app.charts;
  // A chart inside a chart: cdk8s's own rendering decides which objects each writes.
  const nested = charts.some((chart) => chart.node.findAll().some((c) => c !== chart && Chart.isChart(c)));
  // Manifests from before this pass may predate a change to the app; the pass synthesizes them afresh.
  for (const chart of charts) forgetManifests(chart);
  validateApp(app);
  const docs = nested ? charts.flatMap((chart) => Object.values(chart.toJson()) as any[])
    : charts.flatMap((chart) => manifestsOf(chart).map((o) => o.manifest));
  const files = new Map<string, RenderedFile>();
  for (const doc of docs) {
    if (doc === undefined) continue;
    const file = `${doc.kind}.${doc.metadata.name}`.replace(/[^0-9a-zA-Z-_.]/g, '') + extension;
    files.set(file, { file, doc, text: manifestYaml(doc) });
  }
  return [...files.values()].sort((a, b) => compareText(a.file, b.file));
}

/** cdk8s's app validation (`validate` in cdk8s/lib/app.js): every construct's validations, in tree order, one error. */
function validateApp(app: App): void {
  const findings = collectFindings(app);
  if (findings.length > 0) throw new KasmValidationError(findings);
}
