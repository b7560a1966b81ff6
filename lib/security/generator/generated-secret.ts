/** What every Secret the generator makes looks like, and how each one's outcome is reported. */
import type { Secret } from './kube-client';
import type { GeneratorPlan } from './plan';

/** Marks the Secrets the generator made, so it re-issues only its own leaves. */
export const GENERATED_BY_ANNOTATION = 'kasm.cdk8s.io/generated-by';
export const GENERATED_BY_VALUE = 'secret-generator';
/**
 * What the cluster creates at runtime is not in git: these annotations keep Argo CD and Flux from pruning it (with
 * the passwords the database already has), and from reporting it as out of sync.
 */
const NEVER_PRUNE_ANNOTATIONS = {
  'argocd.argoproj.io/sync-options': 'Prune=false',
  'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};
/** The keys of every TLS Secret the generator writes. */
export const TLS_KEYS = ['tls.crt', 'tls.key', 'ca.crt'];

/** What happened to one Secret. */
export interface GeneratorSummaryEntry {
  readonly secret: string;
  readonly action: 'created' | 'patched' | 'reissued' | 'unchanged';
  /** Key names written (created or patched only); never values. */
  readonly keys?: string[];
}

/** One line of progress; never a value, key or PEM. */
export type Log = (line: string) => void;

/** Base64 of UTF-8 text, as Secret data holds it. */
export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** A Secret in the plan's namespace (or `namespace`), with the plan's labels and the never-prune annotations. */
export function newSecret(plan: GeneratorPlan, name: string, type: string, data: Record<string, string>, namespace = plan.namespace): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      labels: { ...(plan.labels ?? {}) },
      annotations: { [GENERATED_BY_ANNOTATION]: GENERATED_BY_VALUE, ...NEVER_PRUNE_ANNOTATIONS },
    },
    type,
    data,
  };
}
