/**
 * The database Jobs of a control plane (private to it): the db-init Job that seeds Kasm's schema once, and the one
 * pod shape every database Job shares (db-init, and an upgrade's dump and migration), so the db-init escape valves
 * apply to all of them.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DB_INIT_RESOURCES } from '../contract/sizing';
import { DbInitContract, DbInitMode } from '../contract/types';
import { digest, instanceLabels, SyncWave, waveAnnotation } from '../core/metadata';
import {
  EnvContext, envVars, hardenedContainer, hardenedPod, imageName, resourceRequirements, writableVolumes,
} from '../core/pod';
import { KasmPodOptions, schedulingFields } from '../core/pod-options';
import { seedScript } from './seed-script';

/** What every database Job of one control plane shares. */
export interface DatabaseJobContext {
  readonly contract: DbInitContract;
  readonly instance: string;
  readonly namespace: string;
  /** Registry mirror prefix. @default - Docker Hub */
  readonly imageRegistry?: string;
  readonly imagePullPolicy: string;
  readonly envContext: EnvContext;
  /** The user's escape valves for the Jobs' pods. @default {} */
  readonly podOptions?: KasmPodOptions;
  /** Secrets for pulling from a private registry mirror. @default [] */
  readonly imagePullSecrets?: readonly string[];
}

/** One database Job: what differs between db-init, the pre-upgrade dump and the migration. */
export interface DatabaseJobSpec {
  /** Prefix of the Job's name, which ends in a digest of its pod template. */
  readonly name: string;
  /** Name of the Job's ServiceAccount. @default - `name` */
  readonly serviceAccountName?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly initContainers: k8s.Container[];
  readonly containerName: string;
  readonly script: string;
  readonly env: k8s.EnvVar[];
  /** Volumes beyond the contract's writable paths. @default [] */
  readonly volumes?: k8s.Volume[];
  /** Mounts of those volumes. @default [] */
  readonly mounts?: k8s.VolumeMount[];
  readonly backoffLimit: number;
  /** Another image than the api's (the pre-upgrade dump runs in the old release's database image). @default - the api image */
  readonly image?: { readonly repository: string; readonly tag: string };
  /** The shell that runs `script` (`/bin/sh` in Alpine images). @default '/bin/bash' */
  readonly shell?: string;
  /** The uid of `image`. @default - the api image's */
  readonly runAsUser?: number;
}

/**
 * A database Job in the api image, restricted like every pod. Its name carries a digest of its pod template, so a
 * changed template is a new Job instead of an immutable-field error, and an unchanged one is left alone by
 * `kubectl apply` and GitOps syncs.
 */
export function addDatabaseJob(scope: Construct, id: string, ctx: DatabaseJobContext, spec: DatabaseJobSpec): k8s.KubeJob {
  const init = ctx.contract;
  const labels = { ...spec.labels };
  const meta = (name: string) => ({ name, namespace: ctx.namespace, labels, annotations: { ...spec.annotations } });
  const sa = new k8s.KubeServiceAccount(scope, `${id}ServiceAccount`, { metadata: meta(spec.serviceAccountName ?? spec.name), automountServiceAccountToken: false });
  const options = ctx.podOptions ?? {};
  const writable = writableVolumes([...init.writablePaths, ...(options.extraWritablePaths ?? []).map((path) => ({ path, sizeLimit: '256Mi' }))]);
  const podSpec: k8s.PodSpec = {
    serviceAccountName: sa.name,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    // Never, with a backoff limit: a failed pod stays for inspection (OnFailure would replace it and lose the error).
    restartPolicy: 'Never',
    securityContext: hardenedPod(spec.runAsUser ?? init.runAsUser),
    ...schedulingFields(options, ctx.imagePullSecrets),
    initContainers: spec.initContainers,
    containers: [{
      name: spec.containerName,
      image: imageName(spec.image ?? init.image, ctx.imageRegistry),
      imagePullPolicy: ctx.imagePullPolicy,
      command: [spec.shell ?? '/bin/bash', '-c', spec.script],
      env: [...spec.env, ...Object.entries(options.extraEnv ?? {}).map(([name, value]) => ({ name, value }))],
      resources: resourceRequirements(DB_INIT_RESOURCES),
      // A crash's last log lines reach the pod status, where `kubectl describe` and `diagnose` show them.
      terminationMessagePolicy: 'FallbackToLogsOnError',
      securityContext: { ...hardenedContainer(spec.runAsUser ?? init.runAsUser), ...(options.writableRootFilesystem ? { readOnlyRootFilesystem: false } : {}) },
      volumeMounts: [...writable.mounts, ...(spec.mounts ?? [])],
    }],
    volumes: [...writable.volumes, ...(spec.volumes ?? [])],
  };
  const podAnnotations = Object.keys(options.podAnnotations ?? {}).length > 0 ? { ...options.podAnnotations } : undefined;
  return new k8s.KubeJob(scope, id, {
    // The digest covers everything in the immutable pod template (annotations only when set, so names stay stable).
    metadata: { ...meta(`${spec.name}-${digest(podAnnotations ? { podSpec, annotations: podAnnotations } : podSpec, 6)}`), labels },
    spec: {
      backoffLimit: spec.backoffLimit,
      template: { metadata: { labels: { ...labels }, ...(podAnnotations ? { annotations: podAnnotations } : {}) }, spec: podSpec },
    },
  });
}

/** Props of {@link DbInitJob}. */
export interface DbInitJobProps extends DatabaseJobContext {
  readonly version: string;
  /** The release with dots replaced ('1-18-1'), part of the Job name. */
  readonly versionSlug: string;
  /** Init containers that wait for the database. */
  readonly initContainers: k8s.Container[];
  /** Env beyond the contract's (the zone settings db-init writes after the seed). @default [] */
  readonly extraEnv?: k8s.EnvVar[];
}

/** Seeds the schema once. Re-running it changes nothing (it exits early when a zone row exists). */
export class DbInitJob extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: DbInitJobProps) {
    super(scope, id);
    const init = props.contract;
    const jobName = `${props.instance}-db-init`;
    const labels = { ...instanceLabels(props.instance, props.version), 'app.kubernetes.io/name': jobName, 'app.kubernetes.io/component': 'db-init' };
    const annotations = waveAnnotation(SyncWave.DB_INIT);
    const script = seedScript(init.mode, { untilMigrationHead: init.untilMigrationHead });
    const volumes: k8s.Volume[] = [];
    const mounts: k8s.VolumeMount[] = [];
    if (init.mode === DbInitMode.MOUNTED_SEED_SCRIPT) {
      const cm = new k8s.KubeConfigMap(this, 'Script', {
        metadata: { name: `${props.instance}-db-init-script`, namespace: props.namespace, labels, annotations }, data: { 'seed.sh': script.seedFile! },
      });
      volumes.push({ name: 'seed', configMap: { name: cm.name, defaultMode: 0o555 } });
      mounts.push({ name: 'seed', mountPath: '/opt/cdk8s-kasm', readOnly: true });
    }
    this.job = addDatabaseJob(this, 'Job', props, {
      name: `${jobName}-${props.versionSlug}`,
      serviceAccountName: jobName,
      labels,
      annotations,
      initContainers: props.initContainers,
      containerName: 'db-init',
      script: script.command,
      env: [...envVars(init.env, props.envContext), ...(props.extraEnv ?? [])],
      volumes,
      mounts,
      backoffLimit: 10,
    });
  }
}
