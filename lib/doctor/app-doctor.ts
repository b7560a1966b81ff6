/**
 * The synth-time doctor for a whole app: it reads the synthesized objects (not the props that made them) and
 * reports every problem at once, each with the construct path and the fix, before anything reaches a cluster.
 *
 * Rules: every expected connection is admitted by the NetworkPolicies (evaluated with the shipped NetworkPolicy
 * model); every pod template passes Pod Security "restricted" where its namespace enforces it; (kind, namespace,
 * name) is unique; every referenced Secret, ConfigMap, ServiceAccount, PVC and StorageClass is declared in the app
 * or declared external by a prop; names, labels, ports and quantities are within the API server's limits; every
 * namespace objects go into exists; every custom resource belongs to a prerequisite; every Secret key read is
 * written by something (or is the user's, then NOTES.md says so) and every key generated is read.
 */
import { Chart } from 'cdk8s';
import { addFindingCheck, Finding, findingText } from '../core/findings';
import { IConstruct } from 'constructs';
import { apiLimitProblems } from './api-limits';
import { ConnectionEnd, DoctorDeclarations } from './declarations';
import { Endpoint, NetworkPolicyModel } from './network-policy-model';
import { checkRestricted, podSpecsOf } from './pod-security';
import { keyOf, providedBy, referencesOf } from './references';
import { manifestsOf, passOf, rememberWhileUnchanged, SynthesizedObject } from '../core/validation-memo';
import { declaredPrerequisites } from '../core/prerequisites';
import { addInstallNotes } from './install-notes';
import { namespaceFindings, prerequisiteFindings } from './install-rules';
import { secretFindings } from './secret-rules';

/** One problem the doctor found. */
export interface DoctorFinding {
  /**
   * Which rule: 'network-policy', 'pod-security', 'unique-names', 'references', 'api-limits', 'namespaces',
   * 'prerequisites', 'secret-keys' or 'unread-secrets'.
   */
  readonly rule: string;
  /** Construct path of the object or construct at fault. */
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/**
 * Every ApiObject of the tree `scope` belongs to, synthesized, with its construct path, in tree order: the objects of
 * each outermost chart (an ApiObject always lives in a chart), read from the per-chart memo the other checks share.
 */
function synthesizedObjects(scope: IConstruct): readonly SynthesizedObject[] {
  const outermost: Chart[] = [];
  const visit = (c: IConstruct): void => {
    if (Chart.isChart(c)) { outermost.push(c); return; }
    for (const child of c.node.children) visit(child);
  };
  visit(scope.node.root);
  return outermost.flatMap((chart) => manifestsOf(chart));
}

/** Run every rule over the whole app `scope` belongs to. */
export function runDoctor(scope: IConstruct): DoctorFinding[] {
  const objects = synthesizedObjects(scope);
  const declarations = DoctorDeclarations.of(scope);
  return [
    ...networkPolicyFindings(objects, declarations),
    ...podSecurityFindings(objects),
    ...uniquenessFindings(objects),
    ...referenceFindings(objects, declarations),
    ...apiLimitFindings(objects),
    ...namespaceFindings(objects, declarations.declaredObjects),
    ...prerequisiteFindings(objects, scope.node.root.node.findAll().filter(Chart.isChart).flatMap((c) => declaredPrerequisites(c))),
    ...secretFindings(objects, declarations),
  ];
}

/**
 * The rules that need nothing but the manifests (no construct declares anything): for manifests read from files, as
 * `cdk8s-kasm validate DIR` does. References, Secrets and network flows need the app's declarations, so they are not run.
 */
export function runDoctorOnManifests(objects: readonly SynthesizedObject[]): DoctorFinding[] {
  return [
    ...podSecurityFindings(objects),
    ...uniquenessFindings(objects),
    ...apiLimitFindings(objects),
    ...namespaceFindings(objects, []),
    ...prerequisiteFindings(objects, []),
  ];
}

function apiLimitFindings(objects: readonly SynthesizedObject[]): DoctorFinding[] {
  return objects.flatMap((o) => apiLimitProblems(o.manifest).map((problem) => ({
    rule: 'api-limits',
    path: o.path,
    problem: `${o.manifest.kind} '${o.manifest.metadata?.name}': ${problem}`,
    fix: 'shorten the instance name or namespace, or the value named; the API server would reject the object',
  })));
}

function networkPolicyFindings(objects: readonly SynthesizedObject[], declarations: DoctorDeclarations): DoctorFinding[] {
  const connections = declarations.expectedConnections();
  if (connections.length === 0) return [];
  const manifests = objects.map((o) => o.manifest);
  const model = new NetworkPolicyModel(manifests);
  const podsByNamespace = new Map<string, Endpoint[]>();
  for (const p of model.podEndpoints()) podsByNamespace.set(p.namespace, [...(podsByNamespace.get(p.namespace) ?? []), p]);
  const namespaces = new Set(objects.filter((o) => o.manifest.kind === 'Namespace').map((o) => o.manifest.metadata?.name));
  const findings: DoctorFinding[] = [];
  const resolve = (end: ConnectionEnd): Endpoint | string => {
    if (end.kind === 'address') return end.endpoint;
    if (end.kind === 'missing') return end.reason;
    const found = (podsByNamespace.get(end.namespace) ?? []).find((p) => p.kind === 'pod' && Object.entries(end.selector).every(([k, v]) => p.labels[k] === v));
    if (found) return found;
    const runtime = declarations.runtimePods.find((p) => p.namespace === end.namespace && Object.entries(end.selector).every(([k, v]) => p.labels[k] === v));
    if (runtime) return { kind: 'pod', namespace: runtime.namespace, labels: { ...runtime.labels }, name: runtime.name };
    // A peer outside the app (the ingress controller, CoreDNS): a pod with exactly the selected labels.
    if (!namespaces.has(end.namespace)) {
      return { kind: 'pod', namespace: end.namespace, labels: { ...end.selector }, name: end.name };
    }
    return `no pod template in namespace '${end.namespace}' carries the labels ${JSON.stringify(end.selector)} of ${end.name}`;
  };
  for (const c of connections) {
    const from = resolve(c.from);
    const to = resolve(c.to);
    if (typeof from === 'string' || typeof to === 'string') {
      findings.push({ rule: 'network-policy', path: c.owner, problem: `${c.description}: ${typeof from === 'string' ? from : to}`, fix: 'make the workload carry the selector labels the policies use, or remove the edge from the contract' });
      continue;
    }
    const verdict = model.isAllowed(from, to, c.port, c.protocol);
    if (!verdict.allowed) {
      findings.push({
        rule: 'network-policy',
        path: c.owner,
        problem: `${c.description} (port ${c.port}/${c.protocol}) is not admitted: ${verdict.reason}`,
        fix: 'add the flow to the NetworkPolicies (KasmSecurity derives them from the dependency graph; open extra traffic with its egress props)',
      });
    }
  }
  return findings;
}

function podSecurityFindings(objects: readonly SynthesizedObject[]): DoctorFinding[] {
  const restricted = new Set(objects
    .filter((o) => o.manifest.kind === 'Namespace' && o.manifest.metadata?.labels?.[ENFORCE_LABEL] === 'restricted')
    .map((o) => o.manifest.metadata.name as string));
  const findings: DoctorFinding[] = [];
  for (const o of objects) {
    for (const pod of podSpecsOf([o.manifest])) {
      if (!restricted.has(pod.namespace)) continue;
      for (const violation of checkRestricted(pod.spec, pod.metadata)) {
        findings.push({
          rule: 'pod-security',
          path: o.path,
          problem: `${pod.workload} violates Pod Security "restricted", which namespace '${pod.namespace}' enforces: ${violation}`,
          fix: 'harden the pod (the constructs\' defaults pass), or lower the namespace\'s podSecurity level on purpose',
        });
      }
    }
  }
  return findings;
}

function uniquenessFindings(objects: readonly SynthesizedObject[]): DoctorFinding[] {
  const seen = new Map<string, string>();
  const findings: DoctorFinding[] = [];
  for (const o of objects) {
    const m = o.manifest;
    const group = String(m.apiVersion ?? '').includes('/') ? String(m.apiVersion).split('/')[0] : 'core';
    const key = `${m.kind}.${group}/${m.metadata?.namespace ?? '(cluster)'}/${m.metadata?.name}`;
    const first = seen.get(key);
    if (first) {
      findings.push({
        rule: 'unique-names',
        path: o.path,
        problem: `${m.kind} '${m.metadata?.name}'${m.metadata?.namespace ? ` in namespace '${m.metadata.namespace}'` : ''} is also declared at ${first}; `
          + 'the second would overwrite the first when applied',
        fix: 'give each control plane its own instance name or namespace; cluster-wide objects (TraefikTimeouts) belong once per cluster',
      });
    } else {
      seen.set(key, o.path);
    }
  }
  return findings;
}

function referenceFindings(objects: readonly SynthesizedObject[], declarations: DoctorDeclarations): DoctorFinding[] {
  const provided = new Set<string>();
  for (const o of objects) for (const p of providedBy(o.manifest)) provided.add(keyOf(p));
  for (const d of declarations.declaredObjects) provided.add(keyOf(d));
  // A namespace's `default` ServiceAccount always exists.
  for (const o of objects) {
    if (o.manifest.kind === 'Namespace') provided.add(keyOf({ kind: 'ServiceAccount' as any, namespace: o.manifest.metadata?.name, name: 'default' }));
  }
  const findings: DoctorFinding[] = [];
  for (const o of objects) {
    for (const r of referencesOf(o.manifest)) {
      if (provided.has(keyOf(r))) continue;
      findings.push({
        rule: 'references',
        path: o.path,
        problem: `${o.manifest.kind} '${o.manifest.metadata?.name}' refers to ${r.kind} '${r.name}'${r.namespace ? ` in namespace '${r.namespace}'` : ''} `
          + `(${r.at}), which nothing in the app declares`,
        fix: `declare it in the app, or name it through the prop that says it exists outside the app (e.g. an existing Secret source or a storageClassName)`,
      });
    }
  }
  return findings;
}

/** The doctor's findings in the shape every synth-time finding has. */
export function asFindings(findings: readonly DoctorFinding[]): Finding[] {
  return findings.map((f) => ({ rule: `doctor:${f.rule}`, object: f.path, message: f.problem, fix: f.fix }));
}

/** The findings as one report, one problem per line with its fix. */
export function formatFindings(findings: readonly DoctorFinding[]): string[] {
  return asFindings(findings).map(findingText);
}

const ATTACHED = new WeakSet<IConstruct>();
/** The findings of the validation pass under way, per app: set by the app root's validation, read by its charts'. */
const PASS_FINDINGS = new WeakMap<IConstruct, DoctorFinding[]>();

/**
 * Run the doctor when the chart of `scope` is synthesized (once per chart, however many constructs ask). Each chart
 * reports the findings about its own objects, so an app of several charts reports each problem once.
 *
 * The app is evaluated once per validation pass: the app's root validates first (cdk8s validates in pre-order) and
 * leaves the findings for its charts, so an app of n control planes does not walk the whole tree n times a pass.
 */
export function attachDoctor(scope: IConstruct): void {
  const root = scope.node.root;
  const evaluateApp = () => rememberWhileUnchanged(root, root, () => runDoctor(root));
  if (!ATTACHED.has(root)) {
    ATTACHED.add(root);
    // The pass count must move before the doctor's own root validation reads the memo.
    passOf(root);
    root.node.addValidation({ validate: () => { PASS_FINDINGS.set(root, evaluateApp()); return []; } });
  }
  const chart = Chart.of(scope);
  if (ATTACHED.has(chart)) return;
  ATTACHED.add(chart);
  addInstallNotes(chart);
  addFindingCheck(chart, () => {
    const prefix = chart.node.path;
    const findings = PASS_FINDINGS.get(root) ?? evaluateApp();
    return asFindings(findings.filter((f) => f.path === prefix || f.path.startsWith(`${prefix}/`)));
  });
}
