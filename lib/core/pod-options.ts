/**
 * Escape valves for one pod, so no user has to fork the library: scheduling, extra env and annotations, extra
 * writable paths and, as a documented last resort, a writable root filesystem. Checked like every prop and applied
 * to the pod spec the constructs build.
 */
import { k8s } from 'cdk8s-plus-27';
import {
  assertBoolean, assertDnsSubdomain, assertLabels, assertPlainObject, fail, show,
} from './validation';

/** Settings of the pods of one component (or of every component, as `podDefaults`). */
export interface KasmPodOptions {
  /** Node labels the pods must run on, e.g. `{ 'workload-type': 'kasm' }`. @default {} */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the pods tolerate. @default [] */
  readonly tolerations?: readonly k8s.Toleration[];
  /** Node and pod affinity. @default - none */
  readonly affinity?: k8s.Affinity;
  /** PriorityClass of the pods. @default - the cluster default */
  readonly priorityClassName?: string;
  /** Annotations on the pods (e.g. for a service mesh or a backup tool). @default {} */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Extra literal env vars of the main container; a name the contract already sets is refused. @default {} */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** More paths the image writes to, each backed by an emptyDir (256Mi), keeping the root filesystem read-only. @default [] */
  readonly extraWritablePaths?: readonly string[];
  /**
   * Last resort: a writable root filesystem for the main container, for an image that writes a path nobody listed
   * (the pod still passes Pod Security "restricted", which does not require a read-only root). Prefer
   * `extraWritablePaths`.
   * @default false
   */
  readonly writableRootFilesystem?: boolean;
}

const TOLERATION_OPERATORS = ['Exists', 'Equal'];
const TOLERATION_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ANNOTATION_PREFIX = 'kasm.cdk8s.io/';

/** Check options given by a plain-data or typed caller; `prop` is the key path for messages. */
export function assertPodOptions(owner: string, prop: string, o: KasmPodOptions | undefined, reservedEnv: readonly string[] = []): void {
  if (o === undefined) return;
  assertPlainObject(owner, prop, o);
  if (o.nodeSelector !== undefined) {
    assertPlainObject(owner, `${prop}.nodeSelector`, o.nodeSelector);
    assertLabels(owner, `${prop}.nodeSelector`, o.nodeSelector);
  }
  if (o.tolerations !== undefined) {
    if (!Array.isArray(o.tolerations)) fail(owner, `${prop}.tolerations`, o.tolerations, 'is not a list; pass an array of tolerations');
    o.tolerations.forEach((t, i) => {
      const at = `${prop}.tolerations[${i}]`;
      assertPlainObject(owner, at, t, true);
      const operator = t.operator ?? 'Equal';
      if (!TOLERATION_OPERATORS.includes(operator)) fail(owner, `${at}.operator`, operator, `is not one of ${TOLERATION_OPERATORS.map(show).join(', ')}`);
      if (t.effect !== undefined && !TOLERATION_EFFECTS.includes(t.effect)) fail(owner, `${at}.effect`, t.effect, `is not one of ${TOLERATION_EFFECTS.map(show).join(', ')}`);
      if (operator === 'Exists' && t.value !== undefined) fail(owner, `${at}.value`, t.value, 'must be empty when the operator is \'Exists\'');
      if (operator === 'Equal' && (t.key === undefined || t.key === '')) fail(owner, `${at}.key`, t.key, 'is required when the operator is \'Equal\'');
      if (t.tolerationSeconds !== undefined && (!Number.isInteger(t.tolerationSeconds) || t.tolerationSeconds < 0 || t.effect !== 'NoExecute')) {
        fail(owner, `${at}.tolerationSeconds`, t.tolerationSeconds, 'is only accepted as whole seconds (0 or more) with effect \'NoExecute\'');
      }
    });
  }
  if (o.affinity !== undefined) assertPlainObject(owner, `${prop}.affinity`, o.affinity);
  if (o.priorityClassName !== undefined) assertDnsSubdomain(owner, `${prop}.priorityClassName`, o.priorityClassName);
  if (o.podAnnotations !== undefined) {
    assertPlainObject(owner, `${prop}.podAnnotations`, o.podAnnotations);
    for (const [k, v] of Object.entries(o.podAnnotations)) {
      assertLabels(owner, `${prop}.podAnnotations key`, { [k]: 'x' });
      if (k.startsWith(RESERVED_ANNOTATION_PREFIX)) fail(owner, `${prop}.podAnnotations`, k, `is reserved: the constructs set ${RESERVED_ANNOTATION_PREFIX}* themselves`);
      if (typeof v !== 'string') fail(owner, `${prop}.podAnnotations['${k}']`, v, 'is not a string');
    }
  }
  if (o.extraEnv !== undefined) {
    assertPlainObject(owner, `${prop}.extraEnv`, o.extraEnv);
    for (const [k, v] of Object.entries(o.extraEnv)) {
      if (!ENV_NAME.test(k)) fail(owner, `${prop}.extraEnv`, k, 'is not an env var name (letters, digits and \'_\', not starting with a digit)');
      if (reservedEnv.includes(k)) fail(owner, `${prop}.extraEnv`, k, 'is set by the Kasm contract; change it through the prop that controls it');
      if (typeof v !== 'string') fail(owner, `${prop}.extraEnv.${k}`, v, 'is not a string; env values are strings (quote numbers)');
    }
  }
  if (o.extraWritablePaths !== undefined) {
    if (!Array.isArray(o.extraWritablePaths)) fail(owner, `${prop}.extraWritablePaths`, o.extraWritablePaths, 'is not a list; pass absolute paths, e.g. [\'/opt/kasm/tmp\']');
    o.extraWritablePaths.forEach((p, i) => {
      if (typeof p !== 'string' || !/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/.test(p) || p.includes('/../') || p.endsWith('/..')) {
        fail(owner, `${prop}.extraWritablePaths[${i}]`, p, 'is not an absolute path (letters, digits, \'.\', \'_\', \'-\' and \'/\', no trailing \'/\')');
      }
    });
  }
  assertBoolean(owner, `${prop}.writableRootFilesystem`, o.writableRootFilesystem);
}

/** Merge component options over defaults (maps merge, lists concatenate, scalars override). */
export function mergePodOptions(defaults: KasmPodOptions | undefined, own: KasmPodOptions | undefined): KasmPodOptions {
  const d = defaults ?? {};
  const o = own ?? {};
  return {
    nodeSelector: { ...(d.nodeSelector ?? {}), ...(o.nodeSelector ?? {}) },
    tolerations: [...(d.tolerations ?? []), ...(o.tolerations ?? [])],
    affinity: o.affinity ?? d.affinity,
    priorityClassName: o.priorityClassName ?? d.priorityClassName,
    podAnnotations: { ...(d.podAnnotations ?? {}), ...(o.podAnnotations ?? {}) },
    extraEnv: { ...(d.extraEnv ?? {}), ...(o.extraEnv ?? {}) },
    extraWritablePaths: [...new Set([...(d.extraWritablePaths ?? []), ...(o.extraWritablePaths ?? [])])],
    writableRootFilesystem: o.writableRootFilesystem ?? d.writableRootFilesystem ?? false,
  };
}

/** The pod-spec fields the scheduling options set (only those given, so defaults synthesize unchanged). */
export function schedulingFields(o: KasmPodOptions, imagePullSecrets: readonly string[] = []): Partial<k8s.PodSpec> {
  return {
    ...(o.nodeSelector && Object.keys(o.nodeSelector).length > 0 ? { nodeSelector: { ...o.nodeSelector } } : {}),
    ...(o.tolerations && o.tolerations.length > 0 ? { tolerations: [...o.tolerations] } : {}),
    ...(o.affinity ? { affinity: o.affinity } : {}),
    ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}),
    ...(imagePullSecrets.length > 0 ? { imagePullSecrets: imagePullSecrets.map((name) => ({ name })) } : {}),
  };
}

/** Image pull Secret names, checked. */
export function assertImagePullSecrets(owner: string, prop: string, names: readonly string[] | undefined): void {
  if (names === undefined) return;
  if (!Array.isArray(names)) fail(owner, prop, names, 'is not a list; pass Secret names, e.g. [\'registry-credentials\']');
  names.forEach((n, i) => assertDnsSubdomain(owner, `${prop}[${i}]`, n));
}
