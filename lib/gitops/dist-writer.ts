import * as path from 'path';
import { ApiObject, App, YamlOutputType } from 'cdk8s';
import { SYNC_WAVE_ANNOTATION, SyncWave } from '../core/metadata';
import { ArgoCdApplications, FluxKustomizations, GitOpsSourceProps, GitOpsVariant, PHASES } from './gitops-manifests';
import { PHASE_ANNOTATION } from '../control-plane/upgrade';
import { KasmControlPlane } from '../control-plane/control-plane';
import { KasmConfigError } from '../core/validation';
import { KasmValidationError } from '../core/findings';
import { renderNotes } from '../core/notes';
import { KasmOnboarding } from '../onboarding/kasm-onboarding';
import { manifestYaml } from './manifest-yaml';
import { RenderedFile, renderFiles } from './render-files';
import { checkOutputFolder, OwnedOutputOptions, writeOwnedTree } from './owned-output';
import { deployedVersion } from './deployed-version';

/** One output folder: a name and the function that adds its chart(s) to an App. */
export interface Variant {
  /** Folder name under the output directory, e.g. 'k3s-dev'. */
  readonly name: string;
  /** Add the variant's charts to `app`. */
  build(app: App): void;
  /**
   * The values file the variant was built from (`cdk8s-kasm synth --values`), so a refusal names its keys, not props.
   * @default - built from TypeScript props
   */
  readonly valuesFile?: string;
}

/** The file kustomize (and `kubectl apply -k`) reads in each variant folder. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';
const YAML_EXTENSION = '.yaml';

/**
 * Synthesize each variant into `<outdir>/<name>/`, one file per object, split into two phase folders: `database/`
 * (namespace, policies, Secrets, the database) and `app/` (db-init, the control plane, the front door), each with a
 * `kustomization.yaml`, and one at the top that includes both (`kubectl apply -k <outdir>/<name>`). Then
 * `<outdir>/gitops/` with an Argo CD Application per variant and Flux objects that apply the phases in order.
 *
 * Only files this package wrote before are replaced or removed (their list is kept in `.cdk8s-kasm-owned`), so no
 * stale file of ours survives a rename and nothing of the user's is touched: a folder cdk8s-kasm did not write must be
 * new or empty unless `output.adopt` says otherwise, and `output.inputs` (the values file) are never written. File
 * lists are sorted, so the same inputs give byte-identical folders on any machine. Everything is built, checked and
 * rendered in memory first, then staged: a refused synth or a failed write leaves the previous output as it was.
 */
export function synthVariants(variants: readonly Variant[], outdir: string, gitops: GitOpsSourceProps = {}, output: OwnedOutputOptions = {}): string[] {
  const folder = checkOutputFolder(outdir, output);
  const files = new Map<string, string>();
  const written: string[] = [];
  const gitopsVariants: GitOpsVariant[] = [];
  // One variant at a time, its construct tree dropped once its files are in `files`: a smaller heap to collect.
  for (const variant of variants) {
    const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_RESOURCE, outputFileExtension: YAML_EXTENSION });
    variant.build(app);
    assertDistinctFiles(app, variant.name);
    assertUpgradeSaid(app, variant, deployedVersion(path.join(outdir, variant.name)));
    gitopsVariants.push(addVariantFiles(files, variant.name, app, renderFiles(app, YAML_EXTENSION)));
    written.push(path.join(outdir, variant.name));
  }
  for (const [tool, Manifests] of [['argocd', ArgoCdApplications], ['flux', FluxKustomizations]] as const) {
    const toolApp = new App({ yamlOutputType: YamlOutputType.FILE_PER_RESOURCE, outputFileExtension: YAML_EXTENSION });
    new Manifests(toolApp, tool, gitopsVariants, gitops);
    const rendered = renderFiles(toolApp, YAML_EXTENSION);
    for (const { file, text } of rendered) files.set(`gitops/${tool}/${file}`, text);
    files.set(`gitops/${tool}/${KUSTOMIZATION_FILE}`, kustomization(rendered.map((f) => f.file)));
    written.push(path.join(outdir, 'gitops', tool));
  }
  writeOwnedTree(folder, files);
  return written;
}

/**
 * Puts one variant's files into `output` under `<variant>/<phase>/`, with the kustomizations and NOTES.md, and
 * returns what its GitOps manifests need to know about it.
 */
function addVariantFiles(output: Map<string, string>, name: string, app: App, docs: readonly RenderedFile[]): GitOpsVariant {
  const health: GitOpsVariant['databaseHealth'][number][] = [];
  let namespace = 'kasm';
  // During an upgrade the namespace and its NetworkPolicies come first too: the pre-upgrade dump needs its flows.
  const upgrading = docs.some(({ doc }) => doc?.metadata?.annotations?.[PHASE_ANNOTATION] === PHASES.upgrade);
  const byPhase = new Map<string, string[]>();
  for (const { file, doc, text } of docs) {
    const wave = Number(doc?.metadata?.annotations?.[SYNC_WAVE_ANNOTATION] ?? 0);
    const phase = doc?.metadata?.annotations?.[PHASE_ANNOTATION] === PHASES.upgrade || (upgrading && wave <= SyncWave.NAMESPACE) ? PHASES.upgrade
      : wave < SyncWave.DB_INIT ? PHASES.database : PHASES.app;
    byPhase.set(phase, [...(byPhase.get(phase) ?? []), file]);
    output.set(`${name}/${phase}/${file}`, text);
    // The database phase waits for its own StatefulSet or Cluster only: a gateway StatefulSet (Kasm 1.19.0) lives in the
    // app phase, which waits for the database phase, so waiting for it here would hold both for ever.
    const databaseWorkload = (doc.kind === 'StatefulSet' && doc.apiVersion === 'apps/v1') || (doc.kind === 'Cluster' && String(doc.apiVersion).startsWith('postgresql.cnpg.io/'));
    if (databaseWorkload && phase === PHASES.database) {
      health.push({ apiVersion: doc.apiVersion, kind: doc.kind, name: doc.metadata.name, namespace: doc.metadata.namespace });
    }
    if (doc.kind === 'Deployment') namespace = doc.metadata.namespace;
  }
  // The upgrade phase exists only while an upgrade is under way (upgradeFrom set).
  const phases = Object.values(PHASES).filter((p) => byPhase.has(p));
  for (const phase of phases) output.set(`${name}/${phase}/${KUSTOMIZATION_FILE}`, kustomization(byPhase.get(phase)!));
  output.set(`${name}/${KUSTOMIZATION_FILE}`, kustomization(phases));
  const notes = notesOf(app, name);
  if (notes !== undefined) output.set(`${name}/${NOTES_FILE}`, notes);
  return { name, namespace, databaseHealth: health, upgrading: phases.includes(PHASES.upgrade) };
}

/**
 * The committed output is the record of what is deployed: moving it to another release without saying `upgradeFrom`
 * would let GitOps swap the database image under live data. Refuse, and say how.
 */
function assertUpgradeSaid(app: App, variant: Variant, deployed: string | undefined): void {
  if (deployed === undefined) return;
  for (const cp of app.node.findAll().filter((c): c is KasmControlPlane => c instanceof KasmControlPlane)) {
    if (cp.version.version === deployed || cp.upgradeFrom?.version === deployed) continue;
    const said = cp.upgradeFrom === undefined ? 'without saying upgradeFrom' : `with upgradeFrom ${cp.upgradeFrom.version}, not ${deployed}`;
    const fix = variant.valuesFile === undefined ? `set upgradeFrom: KasmVersion.V${deployed.replace(/\./g, '_')}` : `set upgradeFrom: '${deployed}' in ${variant.valuesFile}`;
    throw new KasmConfigError(`${variant.name}: the output folder holds Kasm ${deployed} and this synth writes Kasm ${cp.version.version} ${said}. `
      + `An upgrade must be explicit: ${fix} (a pre-upgrade dump, then the migration, then the new control plane; docs/upgrades.md), `
      + 'or synthesize into an empty folder for a new install.');
  }
}

/** The notes file in each variant folder. */
export const NOTES_FILE = 'NOTES.md';

/**
 * NOTES.md next to the manifests (kustomize does not read it): each chart's notes, under its onboarding's title (the
 * same text its ConfigMap carries), one after another.
 */
function notesOf(app: App, variant: string): string | undefined {
  const notes = app.charts.map((chart) => {
    const onboarding = chart.node.findAll().find((c): c is KasmOnboarding => c instanceof KasmOnboarding);
    return renderNotes(chart, onboarding?.title ?? `${variant}: ${chart.node.id}`);
  }).filter((n): n is string => n !== undefined);
  return notes.length > 0 ? notes.join('\n') : undefined;
}

/** The `kustomization.yaml` of a folder listing `resources`. */
function kustomization(resources: readonly string[]): string {
  const doc = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources] };
  return `# Generated by cdk8s-kasm (do not edit): apply with \`kubectl apply -k <this folder>\`\n`
    + manifestYaml(doc);
}

/**
 * One file per object is named `Kind.name.yaml`, so two objects of one kind and name in different namespaces would
 * overwrite each other silently (and vanish from the kustomization). Refuse instead.
 */
function assertDistinctFiles(app: App, variant: string): void {
  const seen = new Map<string, string>();
  for (const o of app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
    const file = `${o.kind}.${o.name}`;
    const where = `${o.metadata.namespace ?? '(cluster)'}`;
    const first = seen.get(file);
    if (first !== undefined) {
      throw new KasmValidationError([{ rule: 'distinct-files', object: o.node.path, message: `${o.kind} '${o.name}' exists in namespace ${first} and ${where}; `
        + `both would be written to ${file}.yaml (variant ${variant}).`, fix: 'Give one of them another name.' }]);
    }
    seen.set(file, where);
  }
}
