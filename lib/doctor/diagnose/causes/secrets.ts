/**
 * Why a container cannot get its configuration: a Secret or ConfigMap that does not exist, or lacks a key.
 *
 * Kasm's Secrets are made by the secret-generator Job (or supplied by the user), so a missing one is usually a
 * symptom of that Job; the walk follows it there instead of stopping at "secret not found".
 */
import { DiagnosisContext, explain, Explanation, kubectl, prepend, Walk, where } from '../cause';
import { KubeObject } from '../types';
import { compareText } from '../../../core/order';

/** Annotation the generator puts on the Secrets it creates. */
const GENERATED_BY_ANNOTATION = 'kasm.cdk8s.io/generated-by';
const GENERATOR_NAME = /-secret-generator(-[0-9a-f]+)?$/;

/** A reference the kubelet could not resolve, read from a CreateContainerConfigError or FailedMount message. */
export interface MissingRef {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  /** Set when the object exists but lacks this key. */
  readonly key?: string;
}

/** Parses `secret "x" not found`, `couldn't find key k in Secret ns/x`, `configmap "x" not found`, and the like. */
export function parseMissingRef(message: string): MissingRef | undefined {
  const notFound = /(secret|configmap)s? "([^"]+)" not found/i.exec(message);
  if (notFound) return { kind: notFound[1].toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap', name: notFound[2] };
  const noKey = /couldn't find key (\S+) in (Secret|ConfigMap) (?:[^/\s]+\/)?(\S+)/.exec(message);
  if (noKey) return { kind: noKey[2] as 'Secret' | 'ConfigMap', name: noKey[3], key: noKey[1] };
  return undefined;
}

/** Whether a reference is still broken in the dump (events may be history from before the generator ran). */
export function stillMissing(ctx: DiagnosisContext, ref: MissingRef): boolean {
  const keys = ref.kind === 'Secret' ? ctx.dump.secretKeys(ref.name) : ctx.dump.configMapKeys(ref.name);
  return keys === undefined || (ref.key !== undefined && !keys.includes(ref.key));
}

/** Secret and ConfigMap references of a pod's spec that the dump says are broken (non-optional ones only). */
export function brokenSpecRefs(ctx: DiagnosisContext, pod: KubeObject, containers: readonly any[]): MissingRef[] {
  const refs: MissingRef[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.secret?.secretName && !v.secret.optional) refs.push({ kind: 'Secret', name: v.secret.secretName });
    if (v.configMap?.name && !v.configMap.optional) refs.push({ kind: 'ConfigMap', name: v.configMap.name });
  }
  for (const c of containers) {
    for (const e of c.env ?? []) {
      const s = e.valueFrom?.secretKeyRef;
      const m = e.valueFrom?.configMapKeyRef;
      if (s && !s.optional) refs.push({ kind: 'Secret', name: s.name, key: s.key });
      if (m && !m.optional) refs.push({ kind: 'ConfigMap', name: m.name, key: m.key });
    }
    for (const f of c.envFrom ?? []) {
      if (f.secretRef && !f.secretRef.optional) refs.push({ kind: 'Secret', name: f.secretRef.name });
      if (f.configMapRef && !f.configMapRef.optional) refs.push({ kind: 'ConfigMap', name: f.configMapRef.name });
    }
  }
  return refs.filter((r) => stillMissing(ctx, r));
}

/** The instance's secret-generator Job (the newest, when a re-synth left an old one); it runs in Kasm's namespace. */
export function generatorJob(ctx: DiagnosisContext): KubeObject | undefined {
  const jobs = [...ctx.dump.all('Job'), ...(ctx.dump.namespace === ctx.home ? [] : ctx.dump.in(ctx.home).all('Job'))];
  return jobs
    .filter((j) => GENERATOR_NAME.test(j.metadata.name))
    .sort((a, b) => compareText(b.metadata.creationTimestamp ?? '', a.metadata.creationTimestamp ?? '') || compareText(a.metadata.name, b.metadata.name))[0];
}

function isComplete(job: KubeObject): boolean {
  return (job.status?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True');
}

/** Explains a broken Secret/ConfigMap reference; `who` names the container or volume that needs it. */
export function explainMissingRef(ctx: DiagnosisContext, walk: Walk, ref: MissingRef, who: string): Explanation {
  const ns = ctx.dump.namespace;
  const gen = ref.kind === 'Secret' ? generatorJob(ctx) : undefined;
  const what = ref.key ? `${ref.kind} ${where(ctx, ref.name)} has no key "${ref.key}"` : `${ref.kind} ${where(ctx, ref.name)} does not exist`;
  if (gen && !isComplete(gen)) {
    const upstream = walk.job(gen);
    if (upstream) return prepend([`${what}: the secret-generator Job ${gen.metadata.name} creates it and has not completed`], upstream);
  }
  const existing = ref.kind === 'Secret' ? ctx.dump.get('Secret', ref.name) : ctx.dump.get('ConfigMap', ref.name);
  const generated = existing?.metadata.annotations?.[GENERATED_BY_ANNOTATION] === 'secret-generator';
  const keys = ref.kind === 'Secret' ? ctx.dump.secretKeys(ref.name) : ctx.dump.configMapKeys(ref.name);
  const rerun = gen
    ? `run the secret-generator again, which creates missing Secrets and completes missing keys: kubectl -n ${gen.metadata.namespace ?? ns} delete job ${gen.metadata.name} and re-apply the manifests`
    : undefined;
  let fix: string;
  if (ref.kind === 'ConfigMap') {
    fix = `re-apply the synthesized manifests, which contain ConfigMap ${ref.name} (kubectl apply -k dist/<variant>)`;
  } else if (ref.key) {
    fix = generated && rerun ? rerun
      : `add the key: kubectl -n ${ns} patch secret ${ref.name} --type merge -p '{"stringData":{"${ref.key}":"<value>"}}' (or fix whatever supplies the Secret: ExternalSecret, SealedSecret)`;
  } else {
    fix = rerun ?? `create Secret ${ref.name} with the keys ${ctx.topology.version.contract.secretKeys.join(', ')} `
      + '(KasmSecrets.fromExisting expects you, an ExternalSecret or a SealedSecret to supply it)';
  }
  return explain([what], {
    id: ref.key ? `${ref.kind.toLowerCase()}-key-missing:${ref.name}/${ref.key}` : `${ref.kind.toLowerCase()}-missing:${ref.name}`,
    severity: 'stuck',
    summary: `${what}${keys && ref.key ? ` (it has ${keys.join(', ') || 'no keys'})` : ''}, so ${who} cannot start`,
    confirm: ref.kind === 'Secret'
      ? kubectl(ctx, `get secret ${ref.name} -o jsonpath='{.data}' | jq 'keys'`)
      : kubectl(ctx, `get configmap ${ref.name}`),
    fix,
    evidence: keys ? [`${ref.kind} ${ref.name} keys: ${keys.join(', ') || 'none'}`] : [`no ${ref.kind} ${ref.name} in namespace ${ns}`],
  });
}
