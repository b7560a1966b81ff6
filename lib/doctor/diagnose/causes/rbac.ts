/**
 * A 403 of the secret-generator pinned to the Role or RoleBinding that is missing or does not grant the request.
 *
 * The generator prints what it asked and the API server's answer (`GET Secret database/x failed: HTTP 403 ...:
 * User "system:serviceaccount:kasm:kasm-secret-generator" cannot get resource "secrets" ... in the namespace
 * "database"`), and a dump written with `--dump` holds the Roles and RoleBindings of every namespace it reads, so
 * the authorizer's answer can be replayed against them and the missing object named instead of "check the Role".
 */
import { Cause, DiagnosisContext, explain, Explanation } from '../cause';
import { KubeObject } from '../types';

/** One request the API server refused: who asked for what. */
export interface ForbiddenRequest {
  readonly verb: string;
  readonly resource: string;
  /** Namespace the request was made in (where the Role and RoleBinding must be). */
  readonly namespace: string;
  /** The object's name; undefined for `create` (names are not known at authorization time). */
  readonly name?: string;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}

/** The generator's spelling of its requests (`what` in secret-generator.js) and the verb each needs. */
const GENERATOR_REQUEST = /\b(GET|create|PATCH) Secret ([a-z0-9-]+)\/([a-z0-9.-]+) failed: HTTP 403\b/;
const VERBS: Record<string, string> = { GET: 'get', create: 'create', PATCH: 'patch' };
/** The authorizer's message: `User "system:serviceaccount:NS:SA" cannot VERB resource "RES" ... in the namespace "NS"`. */
const AUTHORIZER = /User "system:serviceaccount:([a-z0-9-]+):([a-z0-9-]+)" cannot (\w+) resource "([a-z0-9.]+)"(?: in API group "[^"]*")?(?: in the namespace "([a-z0-9-]+)")?/;

/** Reads the refused request from a generator's message; `pod` supplies the ServiceAccount when the message lacks it. */
export function parseForbidden(message: string, pod: KubeObject): ForbiddenRequest | undefined {
  const request = GENERATOR_REQUEST.exec(message);
  const authorizer = AUTHORIZER.exec(message);
  if (!request && !authorizer) return undefined;
  const namespace = authorizer?.[5] ?? request?.[2];
  const saName = authorizer?.[2] ?? (typeof pod.spec?.serviceAccountName === 'string' ? pod.spec.serviceAccountName : undefined);
  if (!namespace || !saName) return undefined;
  const verb = authorizer?.[3] ?? VERBS[request![1]];
  return {
    verb, resource: authorizer?.[4] ?? 'secrets', namespace,
    ...(request && verb !== 'create' ? { name: request[3] } : {}),
    serviceAccount: { namespace: authorizer?.[1] ?? pod.metadata.namespace ?? namespace, name: saName },
  };
}

/** Whether a Role's rules grant a request (core API group; `create` is never granted by a rule with resourceNames). */
export function grants(role: KubeObject, req: ForbiddenRequest): boolean {
  const rules: any[] = Array.isArray(role.rules) ? role.rules : [];
  const has = (list: unknown, value: string) => Array.isArray(list) && (list.includes(value) || list.includes('*'));
  return rules.some((r) => r && has(r.apiGroups, '') && has(r.resources, req.resource) && has(r.verbs, req.verb)
    && (!Array.isArray(r.resourceNames) || r.resourceNames.length === 0 || (req.name !== undefined && r.resourceNames.includes(req.name))));
}

function bindsServiceAccount(binding: KubeObject, req: ForbiddenRequest): boolean {
  const subjects: any[] = Array.isArray(binding.subjects) ? binding.subjects : [];
  return subjects.some((s) => s?.kind === 'ServiceAccount' && s.name === req.serviceAccount.name
    && (s.namespace ?? binding.metadata.namespace) === req.serviceAccount.namespace);
}

/** Whether the dump holds RBAC objects at all: only a dump written by `--dump` (or the live mode) does. */
export function dumpHoldsRbac(ctx: DiagnosisContext): boolean {
  return ctx.dump.everywhere('Role').length > 0 || ctx.dump.everywhere('RoleBinding').length > 0;
}

/**
 * The Role and RoleBinding the synthesized manifests give the generator in a namespace: named after its ServiceAccount
 * in its own namespace, `<sa>-<its namespace>` in another (rke2-cnpg's `kasm-secret-generator-kasm` in `database`).
 */
export function expectedRbacName(req: ForbiddenRequest): string {
  return req.namespace === req.serviceAccount.namespace ? req.serviceAccount.name : `${req.serviceAccount.name}-${req.serviceAccount.namespace}`;
}

/**
 * Explains a refused request from the Roles and RoleBindings of its namespace; undefined when the dump holds no RBAC,
 * or when a binding there does grant it (a ClusterRole, or a 403 that is history), so the generic hint stays.
 */
export function explainForbidden(ctx: DiagnosisContext, req: ForbiddenRequest, rerun: string, said: string): Explanation | undefined {
  if (!dumpHoldsRbac(ctx)) return undefined;
  const ns = req.namespace;
  const view = ctx.dump.in(ns);
  const bindings = view.all('RoleBinding').filter((b) => bindsServiceAccount(b, req));
  const granted = (b: KubeObject) => {
    const role = b.roleRef?.kind === 'Role' ? view.get('Role', String(b.roleRef?.name)) : undefined;
    return b.roleRef?.kind !== 'Role' || (!!role && grants(role, req));
  };
  if (bindings.some(granted)) return undefined;
  const sa = `${req.serviceAccount.namespace}/${req.serviceAccount.name}`;
  const asked = `${req.verb} ${req.resource}${req.name ? ` ${req.name}` : ''} in namespace ${ns}`;
  const name = expectedRbacName(req);
  const file = (kind: string, n: string) => `dist/<variant>/database/${kind}.${n}.yaml`;
  const base = {
    severity: 'stuck' as const, namespace: ns,
    confirm: `kubectl -n ${ns} get role,rolebinding; kubectl auth can-i ${req.verb} ${req.resource}${req.name ? `/${req.name}` : ''} -n ${ns} --as=system:serviceaccount:${req.serviceAccount.namespace}:${req.serviceAccount.name}`,
    evidence: [
      said,
      `Roles in namespace ${ns}: ${view.all('Role').map((r) => r.metadata.name).join(', ') || 'none'}`,
      `RoleBindings in namespace ${ns}: ${view.all('RoleBinding').map((b) => `${b.metadata.name} (${b.roleRef?.kind ?? '?'} ${b.roleRef?.name ?? '?'})`).join(', ') || 'none'}`,
    ],
  };
  const expectedBinding = view.get('RoleBinding', name);
  const role = bindings.map((b) => b.roleRef?.name).find((r) => typeof r === 'string') ?? name;
  const roleObj = view.get('Role', role);
  let hop: string;
  let cause: Cause;
  if (bindings.length === 0 && !expectedBinding) {
    hop = `no RoleBinding in namespace ${ns} binds ServiceAccount ${sa}: RoleBinding ${name} is missing${roleObj ? '' : `, and so is Role ${name}`}`;
    cause = {
      ...base, id: `rbac-binding-missing:${ns}/${name}`,
      summary: `RoleBinding ${name}${roleObj ? '' : ` and Role ${name}`} in namespace ${ns} ${roleObj ? 'is' : 'are'} missing, so the secret-generator (ServiceAccount ${sa}) may not ${asked}`,
      fix: `kubectl apply -f ${roleObj ? '' : `${file('Role', name)} -f `}${file('RoleBinding', name)} (the synthesized manifests${roleObj
        ? `; or: kubectl -n ${ns} create rolebinding ${name} --role=${name} --serviceaccount=${sa.replace('/', ':')}` : ''}), then ${rerun}`,
    };
  } else if (bindings.length === 0) {
    const subjects = (Array.isArray(expectedBinding!.subjects) ? expectedBinding!.subjects : []).map((s: any) => `${s?.kind} ${s?.namespace ? `${s.namespace}/` : ''}${s?.name}`).join(', ');
    hop = `RoleBinding ${ns}/${name} does not bind ServiceAccount ${sa} (its subjects: ${subjects || 'none'})`;
    cause = {
      ...base, id: `rbac-binding-subjects:${ns}/${name}`,
      summary: `RoleBinding ${name} in namespace ${ns} binds ${subjects || 'no subject'}, not ServiceAccount ${sa}, so the secret-generator may not ${asked}`,
      fix: `kubectl apply -f ${file('RoleBinding', name)} (the synthesized binding names ServiceAccount ${sa}), then ${rerun}`,
    };
  } else if (!roleObj) {
    hop = `RoleBinding ${ns}/${bindings[0].metadata.name} refers to Role ${role}, which does not exist`;
    cause = {
      ...base, id: `rbac-role-missing:${ns}/${role}`,
      summary: `Role ${role} in namespace ${ns} is missing (RoleBinding ${bindings[0].metadata.name} refers to it), so the secret-generator (ServiceAccount ${sa}) may not ${asked}`,
      fix: `kubectl apply -f ${file('Role', role)} (the synthesized manifests), then ${rerun}`,
    };
  } else {
    hop = `Role ${ns}/${role} does not grant ${req.verb} on ${req.resource}${req.name ? ` ${req.name}` : ''}`;
    cause = {
      ...base, id: `rbac-not-granted:${ns}/${role}/${req.verb}`,
      summary: `Role ${role} in namespace ${ns} does not grant ${asked.replace(/ in namespace .*$/, '')}, which the secret-generator (ServiceAccount ${sa}) needs: a patch or a hand edit changed its rules`,
      fix: `kubectl apply -f ${file('Role', role)} (the synthesized rules), then ${rerun}`,
    };
  }
  return explain([hop], cause);
}
