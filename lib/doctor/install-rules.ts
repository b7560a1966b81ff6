/**
 * The doctor's rules about what an install needs around its objects: the namespaces they go into exist (the app
 * creates them, the cluster has them, or a construct declares them existing), and every custom resource belongs to a
 * prerequisite NOTES.md names.
 */
import { apiGroupOf, isBuiltInGroup, Prerequisite, prerequisiteOf } from '../core/prerequisites';
import type { SynthesizedObject } from '../core/validation-memo';
import { DeclaredObject, ReferencedKind } from './declarations';

interface RuleFinding { readonly rule: string; readonly path: string; readonly problem: string; readonly fix: string }

/** Namespaces every cluster has. */
export const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The namespaces objects go into that the app neither creates nor knows to exist, with their objects. */
export function uncreatedNamespaces(objects: readonly SynthesizedObject[], declarations: readonly DeclaredObject[]): Map<string, SynthesizedObject[]> {
  const existing = new Set([...createdNamespaces(objects), ...SYSTEM_NAMESPACES,
    ...declarations.filter((d) => d.kind === ReferencedKind.NAMESPACE).map((d) => d.name)]);
  const missing = new Map<string, SynthesizedObject[]>();
  for (const o of objects) {
    const ns = o.manifest.metadata?.namespace;
    if (typeof ns !== 'string' || existing.has(ns)) continue;
    missing.set(ns, [...(missing.get(ns) ?? []), o]);
  }
  return missing;
}

const createdNamespaces = (objects: readonly SynthesizedObject[]) =>
  objects.filter((o) => o.manifest.kind === 'Namespace' && o.manifest.apiVersion === 'v1').map((o) => String(o.manifest.metadata?.name));

/**
 * Rule 'namespaces': in an app that creates namespaces, one finding per namespace objects go into that nothing
 * creates (an app that creates none leaves them all to the platform: NOTES.md lists them as prerequisites).
 */
export function namespaceFindings(objects: readonly SynthesizedObject[], declarations: readonly DeclaredObject[]): RuleFinding[] {
  const created = createdNamespaces(objects);
  if (created.length === 0) return [];
  return [...uncreatedNamespaces(objects, declarations)].map(([ns, list]) => ({
    rule: 'namespaces',
    path: list[0].path,
    problem: `${list.length} object${list.length === 1 ? '' : 's'} go${list.length === 1 ? 'es' : ''} into namespace '${ns}' `
      + `(first: ${list[0].manifest.kind} '${list[0].manifest.metadata?.name}'), which nothing in the app creates`
      + `${created.length > 0 ? ` (it creates ${created.map((n) => `'${n}'`).join(', ')})` : ''}`,
    fix: `give every construct the same namespace (KasmNamespace, KasmControlPlane, KasmDatabase.fromEndpoint), add a KasmNamespace for '${ns}', `
      + `or declare it existing: DoctorDeclarations.of(scope).declare({ kind: ReferencedKind.NAMESPACE, name: '${ns}', reason })`,
  }));
}

/** Rule 'prerequisites': a custom resource whose API group no prerequisite serves. */
export function prerequisiteFindings(objects: readonly SynthesizedObject[], declared: readonly Prerequisite[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const apiVersion = String(o.manifest.apiVersion ?? '');
    const group = apiGroupOf(apiVersion);
    if (isBuiltInGroup(group) || prerequisiteOf(group, declared) || seen.has(`${group}/${o.manifest.kind}`)) continue;
    seen.add(`${group}/${o.manifest.kind}`);
    findings.push({
      rule: 'prerequisites',
      path: o.path,
      problem: `${o.manifest.kind} '${o.manifest.metadata?.name}' (${apiVersion}) is a custom resource of no prerequisite the app declares, `
        + 'so NOTES.md would not tell anyone to install what serves it and `kubectl apply` would fail with "no matches for kind"',
      fix: `declare what serves API group '${group}': declarePrerequisite(chart, { name, groups: ['${group}'], install })`,
    });
  }
  return findings;
}

/** The prerequisites the objects need, in the shipped list's order then declared ones, each with the kinds that need it. */
export function prerequisitesUsed(objects: readonly { apiVersion: string; kind: string }[], declared: readonly Prerequisite[]): { prerequisite: Prerequisite; kinds: string[] }[] {
  const used = new Map<Prerequisite, Set<string>>();
  for (const p of declared) used.set(p, new Set());
  for (const o of objects) {
    const p = prerequisiteOf(apiGroupOf(o.apiVersion), declared);
    if (!p || isBuiltInGroup(apiGroupOf(o.apiVersion))) continue;
    used.set(p, (used.get(p) ?? new Set()).add(o.kind));
  }
  return [...used].map(([prerequisite, kinds]) => ({ prerequisite, kinds: [...kinds].sort() }));
}
