/**
 * The doctor's rules about Secrets as a whole install sees them: every key a pod reads is written by something
 * (an object of the app, the generator's plan, an operator) or is the user's to create, which NOTES.md then says;
 * every key the cluster is told to generate is read by something.
 */
import type { SynthesizedObject } from '../core/validation-memo';
import { DeclaredBy, DeclaredObject, DoctorDeclarations, ReferencedKind } from './declarations';
import { SecretRead, secretKeysOf, SecretKeys, secretReadsOf } from './secret-reads';

/** A finding of these rules, in the app doctor's shape. */
interface RuleFinding { readonly rule: string; readonly path: string; readonly problem: string; readonly fix: string }

/** A Secret only the user can bring, with the keys the app reads from it. */
export interface UserSecret {
  readonly namespace: string;
  readonly name: string;
  /** Keys read by name, sorted; empty when only whole-Secret reads name it. */
  readonly keys: readonly string[];
  readonly type: 'generic' | 'tls' | 'docker-registry';
  /** The objects that read it. */
  readonly readers: readonly string[];
  /** Why it is the user's (the declarations' reasons). */
  readonly reasons: readonly string[];
}

const id = (namespace: string, name: string) => `${namespace}/${name}`;

interface Index {
  readonly reads: Map<string, { read: SecretRead; path: string }[]>;
  readonly produced: Map<string, SecretKeys[]>;
  readonly declared: Map<string, DeclaredObject[]>;
}

function index(objects: readonly SynthesizedObject[], declarations: readonly DeclaredObject[]): Index {
  const reads = new Map<string, { read: SecretRead; path: string }[]>();
  const produced = new Map<string, SecretKeys[]>();
  const declared = new Map<string, DeclaredObject[]>();
  const push = <T>(map: Map<string, T[]>, key: string, item: T) => map.set(key, [...(map.get(key) ?? []), item]);
  for (const o of objects) {
    for (const read of secretReadsOf(o.manifest)) push(reads, id(read.namespace, read.name), { read, path: o.path });
    for (const p of secretKeysOf(o.manifest)) push(produced, id(p.namespace, p.name), p);
  }
  for (const d of declarations) if (d.kind === ReferencedKind.SECRET) push(declared, id(d.namespace ?? 'default', d.name), d);
  return { reads, produced, declared };
}

/** Rule 'secret-keys': a key read from a Secret whose writers all say their keys must be among them. */
function missingKeyFindings(ix: Index): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const [secret, reads] of ix.reads) {
    // What the app writes, and what the cluster writes at runtime; a user's Secret has keys nobody here knows.
    const writers: { keys?: readonly string[]; by: string }[] = [
      ...(ix.produced.get(secret) ?? []),
      ...(ix.declared.get(secret) ?? []).filter((d) => d.createdBy === DeclaredBy.CLUSTER).map((d) => ({ keys: d.keys, by: d.reason })),
    ];
    if (writers.length === 0 || writers.some((w) => w.keys === undefined)) continue;
    const keys = new Set(writers.flatMap((w) => w.keys!));
    for (const { read, path } of reads) {
      if (read.key === undefined || keys.has(read.key)) continue;
      findings.push({
        rule: 'secret-keys',
        path,
        problem: `${read.reader} reads key '${read.key}' of Secret '${read.name}' in namespace '${read.namespace}', which `
          + `${writers.map((w) => w.by).join(' and ')} never writes (it writes ${[...keys].sort().join(', ') || 'no key'})`,
        fix: 'read a key the Secret has, or make its source write that key (the generator\'s plan, the ExternalSecret\'s data, the sealed data)',
      });
    }
  }
  return findings;
}

/** Rule 'unread-secrets': the cluster is told to generate a key that nothing reads. */
function unreadKeyFindings(ix: Index): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const [secret, decls] of ix.declared) {
    const reads = (ix.reads.get(secret) ?? []).map((r) => r.read);
    for (const d of decls) {
      if (d.createdBy !== DeclaredBy.CLUSTER || d.keys === undefined || d.at === undefined) continue;
      if (reads.some((r) => r.key === undefined)) continue;
      for (const key of d.keys) {
        if (reads.some((r) => r.key === key) || d.readElsewhere?.includes(key)) continue;
        findings.push({
          rule: 'unread-secrets',
          path: d.at,
          problem: `key '${key}' of Secret '${d.name}' in namespace '${d.namespace}' is generated (${d.reason}) but nothing in the app reads it`,
          fix: 'generate only the keys the pods read (a credential nobody uses is one more to guard and rotate)',
        });
      }
    }
  }
  return findings;
}

/** The Secret rules of the doctor over the whole app. */
export function secretFindings(objects: readonly SynthesizedObject[], declarations: DoctorDeclarations): RuleFinding[] {
  const ix = index(objects, declarations.declaredObjects);
  return [...missingKeyFindings(ix), ...unreadKeyFindings(ix)];
}

/**
 * The Secrets of `objects` that only the user can create: read by a pod or a route, written by no object of the app
 * and by nothing at runtime, and declared as existing (an unknown one is the reference rule's finding instead).
 */
export function userSecrets(objects: readonly SynthesizedObject[], declarations: readonly DeclaredObject[]): UserSecret[] {
  const ix = index(objects, declarations);
  const out: UserSecret[] = [];
  for (const [secret, reads] of ix.reads) {
    const decls = ix.declared.get(secret) ?? [];
    if (ix.produced.has(secret) || decls.length === 0 || decls.some((d) => (d.createdBy ?? DeclaredBy.USER) !== DeclaredBy.USER)) continue;
    const { namespace, name } = reads[0].read;
    const keys = [...new Set(reads.flatMap((r) => (r.read.key === undefined ? [] : [r.read.key])))].sort();
    const use = reads.find((r) => r.read.use)?.read.use ?? decls.find((d) => d.secretType)?.secretType;
    const tlsKeys = keys.length > 0 && keys.every((k) => k === 'tls.crt' || k === 'tls.key');
    out.push({
      namespace, name, keys,
      type: use ?? (tlsKeys ? 'tls' : 'generic'),
      readers: [...new Set(reads.map((r) => r.read.reader.replace(/ \(.*\)$/, '')))].sort(),
      reasons: [...new Set(decls.map((d) => d.reason))],
    });
  }
  return out.sort((a, b) => id(a.namespace, a.name).localeCompare(id(b.namespace, b.name)));
}

/** The command that creates a user's Secret, with placeholders for the values. */
export function createSecretCommand(s: UserSecret): string {
  const head = `kubectl -n ${s.namespace} create secret ${s.type} ${s.name}`;
  if (s.type === 'tls') return `${head} --cert=tls.crt --key=tls.key`;
  if (s.type === 'docker-registry') return `${head} --docker-server=<registry> --docker-username=<user> --docker-password=<password>`;
  const keys = s.keys.length > 0 ? s.keys : ['<key>'];
  const from = keys.map((k) => (/\.(crt|key|pem)$/.test(k) ? `--from-file=${k}=<${k} file>` : `--from-literal=${k}='<${k}>'`));
  return `${head} ${from.join(' ')}`;
}
