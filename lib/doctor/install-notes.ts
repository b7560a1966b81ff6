/**
 * NOTES.md's sections about what must exist before the install: the prerequisites (from the one list the doctor
 * checks against) and the Secrets only the user can create, each with its `kubectl create secret` command. Derived
 * from the synthesized objects, so the notes name exactly what the manifests need.
 */
import { ApiObject, Chart } from 'cdk8s';
import { addNotes, NotesOrder } from '../core/notes';
import { manifestsWithoutConfigMaps } from '../core/validation-memo';
import { declaredPrerequisites, PREREQUISITES } from '../core/prerequisites';
import { DoctorDeclarations, ReferencedKind } from './declarations';
import { prerequisitesUsed, uncreatedNamespaces } from './install-rules';
import { referencesOf } from './references';
import { createSecretCommand, userSecrets } from './secret-rules';

/**
 * The chart's objects as manifests, ConfigMaps left out: KasmOnboarding's ConfigMap carries NOTES.md itself, and no
 * ConfigMap reads a Secret or needs a StorageClass.
 */
function objectsOf(chart: Chart): readonly { path: string; manifest: any }[] {
  // The manifests the validation pass already serialized (once per chart and pass): serializing is the costly part.
  return manifestsWithoutConfigMaps(chart);
}

function prerequisitesBody(chart: Chart): string {
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const used = prerequisitesUsed(objects, declaredPrerequisites(chart))
    .sort((a, b) => rank(a.prerequisite) - rank(b.prerequisite));
  const classes = [...new Set(objectsOf(chart).flatMap((o) => referencesOf(o.manifest))
    .filter((r) => r.kind === ReferencedKind.STORAGE_CLASS).map((r) => r.name))].sort();
  const namespaces = [...uncreatedNamespaces(objectsOf(chart), DoctorDeclarations.of(chart).declaredObjects).keys()].sort();
  const lines = [
    ...namespaces.map((ns) => `- Namespace \`${ns}\`: \`kubectl create namespace ${ns}\` (nothing here creates it).`),
    ...used.map(({ prerequisite: p, kinds }) => `- ${p.name}${kinds.length > 0 ? ` (for ${kinds.map((k) => `\`${k}\``).join(', ')})` : ''}: ${p.install}.`),
    ...classes.map((c) => `- StorageClass \`${c}\`.`),
  ];
  if (lines.length === 0) return '';
  return ['The cluster must have these before the manifests apply (`cdk8s-kasm validate` checks the manifests offline):', lines.join('\n')].join('\n\n');
}

const rank = (p: object) => {
  const i = PREREQUISITES.indexOf(p as never);
  return i < 0 ? PREREQUISITES.length : i;
};

function userSecretsBody(chart: Chart): string {
  const secrets = userSecrets(objectsOf(chart), DoctorDeclarations.of(chart).declaredObjects);
  if (secrets.length === 0) return '';
  return [
    'Nothing in these manifests creates the Secrets below, and the pods that read them wait until they exist. Create each in the cluster (or with your secret store) before the install:',
    ...secrets.map((s) => [
      `- \`${s.name}\` in namespace \`${s.namespace}\`${s.keys.length > 0 ? `, keys ${s.keys.map((k) => `\`${k}\``).join(', ')}` : ''}; read by ${s.readers.join(', ')}.`,
      '',
      '  ```sh',
      `  ${createSecretCommand(s)}`,
      '  ```',
    ].join('\n')),
  ].join('\n\n');
}

const REGISTERED = new WeakSet<Chart>();

/** Add the prerequisites and the user's Secrets to the NOTES.md of `chart` (once). */
export function addInstallNotes(chart: Chart): void {
  if (REGISTERED.has(chart)) return;
  REGISTERED.add(chart);
  addNotes(chart, { order: NotesOrder.PREREQUISITES, title: 'Prerequisites', body: () => prerequisitesBody(chart) });
  addNotes(chart, { order: NotesOrder.USER_SECRETS, title: 'Secrets you create', body: () => userSecretsBody(chart) });
}
