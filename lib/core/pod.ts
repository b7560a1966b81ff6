/**
 * Pod-spec building blocks derived from the contract (private module): hardened security contexts, probes,
 * resources, env wiring and writable volumes.
 */
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  ComponentContract, DerivedValue, EnvContract, HealthCheck, ImageRef, ResourceContract, SecretKey,
  WritablePathContract,
} from '../contract/types';

/** Where env values that depend on the deployment come from. */
export interface EnvContext {
  readonly credentialsSecretName: string;
  /** The database password may live in another Secret (CloudNativePG's `<cluster>-app`). */
  readonly dbPasswordSecret: { readonly name: string; readonly key: string };
  readonly derived: Readonly<Partial<Record<DerivedValue, string>>>;
  /**
   * Values known only once later constructs have spoken (a KasmRdpExposure's host name): read at synth time.
   * @default {}
   */
  readonly late?: Readonly<Partial<Record<DerivedValue, () => string>>>;
}

/** Image reference, optionally through a registry mirror. */
export function imageName(image: ImageRef, registry?: string): string {
  return registry ? `${registry}/${image.repository}:${image.tag}` : `${image.repository}:${image.tag}`;
}

/**
 * The container securityContext every Kasm container gets: the Pod Security "restricted" profile plus a
 * read-only root filesystem and the exact user the image is built for.
 */
export function hardenedContainer(uid: number): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsGroup: uid,
    runAsNonRoot: true,
    runAsUser: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The pod securityContext: `fsGroup` makes emptyDirs, PVCs and Secret files readable by the image's group, which
 * replaces the official chart's root `chown` init containers; `OnRootMismatch` skips the recursive walk on restarts.
 */
export function hardenedPod(uid: number): k8s.PodSecurityContext {
  return {
    fsGroup: uid,
    fsGroupChangePolicy: 'OnRootMismatch',
    runAsGroup: uid,
    runAsNonRoot: true,
    runAsUser: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Kubernetes resource requirements from the contract's figures. */
export function resourceRequirements(r: ResourceContract): k8s.ResourceRequirements {
  return {
    requests: {
      'cpu': k8s.Quantity.fromString(r.cpuRequest),
      'memory': k8s.Quantity.fromString(r.memoryRequest),
      'ephemeral-storage': k8s.Quantity.fromString(r.ephemeralStorageRequest),
    },
    limits: {
      'cpu': k8s.Quantity.fromString(r.cpuLimit),
      'memory': k8s.Quantity.fromString(r.memoryLimit),
      'ephemeral-storage': k8s.Quantity.fromString(r.ephemeralStorageLimit),
    },
  };
}

/** Probe timing: how often and how patiently each kind of probe asks. */
export interface ProbeTiming {
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

const READINESS: ProbeTiming = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
const LIVENESS: ProbeTiming = { periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 };
/** Up to 5 minutes to start: a slow first start is not killed by liveness (replaces the chart's fixed delays). */
const STARTUP: ProbeTiming = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 };

function probe(check: HealthCheck, timing: ProbeTiming): k8s.Probe {
  const base = { ...timing, successThreshold: 1 };
  switch (check.kind) {
    case 'http':
      return { ...base, httpGet: { path: check.path, port: k8s.IntOrString.fromNumber(check.port), scheme: check.scheme } };
    case 'tcp':
      return { ...base, tcpSocket: { port: k8s.IntOrString.fromNumber(check.port) } };
    case 'exec':
      return { ...base, exec: { command: [...check.command] } };
  }
}

/** Readiness, liveness and startup probes of a component's container. */
export function probes(component: Pick<ComponentContract, 'readiness' | 'liveness'>): Pick<k8s.Container, 'readinessProbe' | 'livenessProbe' | 'startupProbe'> {
  return {
    readinessProbe: probe(component.readiness, READINESS),
    livenessProbe: probe(component.liveness, LIVENESS),
    startupProbe: probe(component.liveness, STARTUP),
  };
}

/** Env vars of a contract entry, with secrets as references and derived values resolved. */
export function envVars(env: readonly EnvContract[], ctx: EnvContext): k8s.EnvVar[] {
  return env.map((e) => {
    switch (e.source.kind) {
      case 'literal':
        return { name: e.name, value: e.source.value };
      case 'derived': {
        const late = ctx.late?.[e.source.from];
        return { name: e.name, value: late ? Lazy.any({ produce: late }) as unknown as string : ctx.derived[e.source.from] };
      }
      case 'field':
        return { name: e.name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: e.source.fieldPath } } };
      case 'template': {
        const template = e.source.template;
        const isLate = [...template.matchAll(/\$\{([A-Za-z]+)\}/g)].some(([, key]) => ctx.late?.[key as DerivedValue] !== undefined);
        return { name: e.name, value: isLate ? Lazy.any({ produce: () => fillTemplate(e.name, template, ctx) }) as unknown as string : fillTemplate(e.name, template, ctx) };
      }
      case 'secret': {
        const ref = e.source.key === SecretKey.DB_PASSWORD
          ? ctx.dbPasswordSecret
          : { name: ctx.credentialsSecretName, key: e.source.key };
        return { name: e.name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
      }
    }
  });
}

/** `${derivedValue}` placeholders filled from the context; `$(VAR)` is left for Kubernetes to expand. */
export function fillTemplate(envName: string, template: string, ctx: EnvContext): string {
  return template.replace(/\$\{([A-Za-z]+)\}/g, (_, key: string) => {
    const value = (ctx.derived as Record<string, string | undefined>)[key] ?? ctx.late?.[key as DerivedValue]?.();
    if (value === undefined) {
      throw new Error(`env ${envName}: \${${key}} is not a derived value; known: ${Object.values(DerivedValue).join(', ')}`);
    }
    return value;
  });
}

/** Volume name of a writable path ('/opt/kasm/current/log' -> 'rw-opt-kasm-current-log'). */
export function writableVolumeName(path: string): string {
  return `rw${path.replace(/[^a-z0-9]+/g, '-')}`.replace(/-+$/, '').slice(0, 63);
}

/** emptyDir volumes and mounts for a component's writable paths. */
export function writableVolumes(paths: readonly WritablePathContract[]): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  return {
    volumes: paths.map((p) => ({ name: writableVolumeName(p.path), emptyDir: { sizeLimit: k8s.Quantity.fromString(p.sizeLimit) } })),
    mounts: paths.map((p) => ({ name: writableVolumeName(p.path), mountPath: p.path })),
  };
}
