/**
 * The db-init Job that seeds Kasm's schema once (private to the control plane).
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

/** Props of {@link DbInitJob}. */
export interface DbInitJobProps {
  readonly contract: DbInitContract;
  readonly instance: string;
  readonly version: string;
  /** The release with dots replaced ('1-18-1'), part of the Job name. */
  readonly versionSlug: string;
  readonly namespace: string;
  /** Registry mirror prefix. @default - Docker Hub */
  readonly imageRegistry?: string;
  readonly imagePullPolicy: string;
  readonly envContext: EnvContext;
  /** Init containers that wait for the database. */
  readonly initContainers: k8s.Container[];
  /** The user's escape valves for the Job's pod. @default {} */
  readonly podOptions?: KasmPodOptions;
  /** Secrets for pulling from a private registry mirror. @default [] */
  readonly imagePullSecrets?: readonly string[];
}

/**
 * Seeds the schema once. Re-running it changes nothing (it exits early when a zone row exists); its name carries a
 * digest of its pod template, so a changed template is a new Job instead of an immutable-field error, and an
 * unchanged one is left alone by `kubectl apply` and GitOps syncs.
 */
export class DbInitJob extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: DbInitJobProps) {
    super(scope, id);
    const init = props.contract;
    const jobName = `${props.instance}-db-init`;
    const labels = { ...instanceLabels(props.instance, props.version), 'app.kubernetes.io/name': jobName, 'app.kubernetes.io/component': 'db-init' };
    const meta = (name: string) => ({ name, namespace: props.namespace, labels, annotations: waveAnnotation(SyncWave.DB_INIT) });
    const sa = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(jobName), automountServiceAccountToken: false });
    const options = props.podOptions ?? {};
    const writable = writableVolumes([...init.writablePaths, ...(options.extraWritablePaths ?? []).map((path) => ({ path, sizeLimit: '256Mi' }))]);
    const volumes: k8s.Volume[] = [...writable.volumes];
    const mounts: k8s.VolumeMount[] = [...writable.mounts];
    const script = seedScript(init.mode);
    if (init.mode === DbInitMode.MOUNTED_SEED_SCRIPT) {
      const cm = new k8s.KubeConfigMap(this, 'Script', { metadata: meta(`${props.instance}-db-init-script`), data: { 'seed.sh': script.seedFile! } });
      volumes.push({ name: 'seed', configMap: { name: cm.name, defaultMode: 0o555 } });
      mounts.push({ name: 'seed', mountPath: '/opt/cdk8s-kasm', readOnly: true });
    }
    const podSpec: k8s.PodSpec = {
      serviceAccountName: sa.name,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      // Never, with a backoff limit: a failed pod stays for inspection (OnFailure would replace it and lose the error).
      restartPolicy: 'Never',
      securityContext: hardenedPod(init.runAsUser),
      ...schedulingFields(options, props.imagePullSecrets),
      initContainers: props.initContainers,
      containers: [{
        name: 'db-init',
        image: imageName(init.image, props.imageRegistry),
        imagePullPolicy: props.imagePullPolicy,
        command: ['/bin/bash', '-c', script.command],
        env: [...envVars(init.env, props.envContext), ...Object.entries(options.extraEnv ?? {}).map(([name, value]) => ({ name, value }))],
        resources: resourceRequirements(DB_INIT_RESOURCES),
        // A crash's last log lines reach the pod status, where `kubectl describe` and `diagnose` show them.
        terminationMessagePolicy: 'FallbackToLogsOnError',
        securityContext: { ...hardenedContainer(init.runAsUser), ...(options.writableRootFilesystem ? { readOnlyRootFilesystem: false } : {}) },
        volumeMounts: mounts,
      }],
      volumes,
    };
    this.job = new k8s.KubeJob(this, 'Job', {
      // The digest covers everything in the immutable pod template (annotations only when set, so names stay stable).
      metadata: { ...meta(`${jobName}-${props.versionSlug}-${digest(Object.keys(options.podAnnotations ?? {}).length > 0 ? { podSpec, annotations: options.podAnnotations } : podSpec, 6)}`), labels },
      spec: {
        backoffLimit: 10,
        template: {
          metadata: { labels: { ...labels }, ...(Object.keys(options.podAnnotations ?? {}).length > 0 ? { annotations: { ...options.podAnnotations } } : {}) },
          spec: podSpec,
        },
      },
    });
  }
}
