/**
 * One control-plane component as Kubernetes objects: its ServiceAccount, workload (a Deployment, or a StatefulSet
 * with per-pod addresses) and Service, built from the component's contract entry (private to the control plane).
 */
import { ApiObject, Lazy } from 'cdk8s';
import { podPorts } from '../contract/pod';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  ComponentContract, ComponentId, ResourceContract, SidecarContract, TlsMountContract, TlsRole, WorkloadKind,
} from '../contract/types';
import { componentLabels, selectorLabels, SyncWave, waveAnnotation } from '../core/metadata';
import {
  EnvContext, envVars, hardenedContainer, hardenedPod, imageName, probes, resourceRequirements, writableVolumes,
} from '../core/pod';
import { KasmPodOptions, schedulingFields } from '../core/pod-options';
import type { IScalableWorkload, WorkloadScaling } from './interface';

/** Everything a component workload needs besides its contract entry. */
export interface ComponentWorkloadProps {
  readonly id: ComponentId;
  readonly contract: ComponentContract;
  readonly instance: string;
  readonly version: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly resources: ResourceContract;
  /** Registry mirror prefix. @default - Docker Hub */
  readonly imageRegistry?: string;
  readonly imagePullPolicy: string;
  readonly envContext: EnvContext;
  /** Secret name of each TLS role the component mounts. */
  readonly tlsSecretName: (role: TlsRole) => string;
  /** Init containers that wait for the component's dependencies. */
  readonly initContainers: k8s.Container[];
  /** Extra volumes (the proxy's generated nginx configuration). @default [] */
  readonly extraVolumes?: k8s.Volume[];
  /** Extra mounts of the main container. @default [] */
  readonly extraMounts?: k8s.VolumeMount[];
  /** Volumes and mounts of each sidecar beyond its contract's (its generated nginx configuration), by name. @default {} */
  readonly sidecarMounts?: Readonly<Record<string, { readonly volumes: k8s.Volume[]; readonly mounts: k8s.VolumeMount[] }>>;
  /** Env of the main container beyond the contract's (e.g. the trusted CA bundle's). @default [] */
  readonly extraEnv?: k8s.EnvVar[];
  /** Pod annotations, e.g. a configuration digest that rolls the pods. @default {} */
  readonly podAnnotations?: Record<string, string>;
  /** The user's escape valves: scheduling, extra env, annotations, writable paths. @default {} */
  readonly podOptions?: KasmPodOptions;
  /** Secrets for pulling from a private registry mirror. @default [] */
  readonly imagePullSecrets?: readonly string[];
}

/**
 * A Deployment (or StatefulSet) with the hardened pod every Kasm component gets, its own ServiceAccount without a
 * token, and a Service under the exact name Kasm's images call: ClusterIP, or headless for a StatefulSet so each pod
 * has its own DNS name.
 */
export class ComponentWorkload extends Construct implements IScalableWorkload {
  /** The Deployment or StatefulSet. */
  public readonly workload: ApiObject;
  public readonly kind: WorkloadKind;
  public readonly service: k8s.KubeService;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** Replicas without autoscaling, and the pod labels, for KasmScaling. */
  public readonly replicas: number;
  public readonly workloadName: string;
  public readonly podLabels: Readonly<Record<string, string>>;
  public readonly selector: Readonly<Record<string, string>>;
  private scaling?: WorkloadScaling;

  constructor(scope: Construct, id: string, props: ComponentWorkloadProps) {
    super(scope, id);
    const c = props.contract;
    const labels = componentLabels(props.instance, props.version, c.workloadName, props.id);
    const selector = selectorLabels(props.instance, c.workloadName);
    const meta = (name: string) => ({ name, namespace: props.namespace, labels, annotations: waveAnnotation(SyncWave.CONTROL_PLANE) });

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: meta(c.workloadName),
      automountServiceAccountToken: false,
    });

    const options = props.podOptions ?? {};
    const writable = writableVolumes([...c.writablePaths, ...(options.extraWritablePaths ?? []).map((path) => ({ path, sizeLimit: '256Mi' }))]);
    const volumes: k8s.Volume[] = [...writable.volumes];
    const mounts: k8s.VolumeMount[] = [...writable.mounts];
    const tlsMounts = (list: readonly TlsMountContract[]): k8s.VolumeMount[] => list.flatMap((tls) => {
      const vol = `tls-${tls.role}`;
      if (!volumes.some((v) => v.name === vol)) {
        volumes.push({ name: vol, secret: { secretName: props.tlsSecretName(tls.role), defaultMode: tls.mode } });
      }
      return [
        { name: vol, mountPath: tls.certPath, subPath: 'tls.crt', readOnly: true },
        { name: vol, mountPath: tls.keyPath, subPath: 'tls.key', readOnly: true },
        // The CA that issued the Secret, for the TLS hops this container verifies.
        ...(tls.caPath ? [{ name: vol, mountPath: tls.caPath, subPath: 'ca.crt', readOnly: true }] : []),
      ];
    });
    mounts.push(...tlsMounts(c.tlsMounts));
    volumes.push(...(props.extraVolumes ?? []));
    mounts.push(...(props.extraMounts ?? []));
    this.replicas = props.replicas;
    this.workloadName = c.workloadName;
    this.podLabels = labels;
    this.selector = selector;
    const podAnnotations = { ...(options.podAnnotations ?? {}), ...(props.podAnnotations ?? {}) };
    const env = [...(c.env.length > 0 ? envVars(c.env, props.envContext) : []), ...(props.extraEnv ?? []), ...Object.entries(options.extraEnv ?? {}).map(([name, value]) => ({ name, value }))];

    const securityContext = { ...hardenedContainer(c.runAsUser), ...(options.writableRootFilesystem ? { readOnlyRootFilesystem: false } : {}) };
    const sidecars = (c.sidecars ?? []).map((sidecar) => sidecarContainer(sidecar, props, securityContext, tlsMounts));
    volumes.push(...sidecars.flatMap((s) => s.volumes), ...Object.values(props.sidecarMounts ?? {}).flatMap((m) => m.volumes));
    const template: k8s.PodTemplateSpec = {
      metadata: { labels, ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}) },
      spec: {
        serviceAccountName: this.serviceAccount.name,
        automountServiceAccountToken: false,
        // Kasm finds its peers by DNS; service-link env vars (KASM_API_PORT=tcp://...) only risk collisions.
        enableServiceLinks: false,
        securityContext: hardenedPod(c.runAsUser),
        ...schedulingFields(options, props.imagePullSecrets),
        affinity: Lazy.any({ produce: () => mergeAntiAffinity(options.affinity, this.scaling?.podAntiAffinity) }) as unknown as k8s.Affinity,
        topologySpreadConstraints: Lazy.any({
          produce: () => (this.scaling && this.scaling.topologySpreadConstraints.length > 0 ? this.scaling.topologySpreadConstraints : undefined),
        }) as unknown as k8s.TopologySpreadConstraint[],
        initContainers: props.initContainers,
        containers: [{
          name: c.workloadName,
          image: imageName(c.image, props.imageRegistry),
          imagePullPolicy: props.imagePullPolicy,
          ...(c.args ? { args: [...c.args] } : {}),
          ports: c.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
          ...(env.length > 0 ? { env } : {}),
          ...probes(c),
          resources: resourceRequirements(props.resources),
          // A crash's last log lines reach the pod status, where `kubectl describe` and `diagnose` show them.
          terminationMessagePolicy: 'FallbackToLogsOnError',
          securityContext,
          volumeMounts: mounts,
        }, ...sidecars.map((s) => s.container)],
        volumes,
      },
    };
    this.kind = c.workloadKind ?? WorkloadKind.DEPLOYMENT;
    // Lazy: KasmScaling may hand the count to an HPA after construction.
    const replicas = Lazy.any({ produce: () => (this.scaling?.autoscaled ? undefined : props.replicas) }) as unknown as number;
    this.workload = this.kind === WorkloadKind.STATEFUL_SET
      ? new k8s.KubeStatefulSet(this, 'StatefulSet', {
        metadata: meta(c.workloadName),
        spec: {
          replicas,
          revisionHistoryLimit: 5,
          // The headless Service gives every pod `<pod>.<service>`; the pods start together, none waits for another.
          serviceName: c.serviceName,
          podManagementPolicy: 'Parallel',
          selector: { matchLabels: selector },
          updateStrategy: { type: 'RollingUpdate' },
          template,
        },
      })
      : new k8s.KubeDeployment(this, 'Deployment', {
        metadata: meta(c.workloadName),
        spec: {
          replicas,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
          template,
        },
      });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: meta(c.serviceName),
      spec: {
        type: 'ClusterIP',
        // Headless for a StatefulSet: DNS answers with every ready pod, and each pod gets its own name.
        ...(this.kind === WorkloadKind.STATEFUL_SET ? { clusterIp: 'None' } : {}),
        selector,
        ports: podPorts(c).filter((p) => p.exposed).map((p) => ({
          name: p.name, port: p.port, targetPort: k8s.IntOrString.fromNumber(p.port), protocol: 'TCP',
        })),
      },
    });
  }

  /** The most pods this workload may run: the HPA's maximum, or its replicas. */
  public get maxReplicas(): number {
    return this.scaling?.maxReplicas ?? this.replicas;
  }

  /** Hand replicas to an HPA and add spread and anti-affinity (called once, by KasmScaling). */
  public configureScaling(scaling: WorkloadScaling): void {
    if (this.scaling) throw new Error(`${this.node.path} is already scaled by another KasmScaling`);
    this.scaling = scaling;
  }
}

/** A sidecar container with the main container's hardening, its own writable paths and its contract's resources. */
function sidecarContainer(sidecar: SidecarContract, props: ComponentWorkloadProps, securityContext: k8s.SecurityContext,
  tlsMounts: (list: readonly TlsMountContract[]) => k8s.VolumeMount[]): { container: k8s.Container; volumes: k8s.Volume[] } {
  const writable = writableVolumes(sidecar.writablePaths);
  // Volume names are per pod: prefix the sidecar's so two containers may both write to /tmp.
  const volumes = writable.volumes.map((v) => ({ ...v, name: `${sidecar.name}-${v.name}`.slice(0, 63) }));
  const mounts = writable.mounts.map((m) => ({ ...m, name: `${sidecar.name}-${m.name}`.slice(0, 63) }));
  const env = sidecar.env.length > 0 ? envVars(sidecar.env, props.envContext) : [];
  return {
    volumes,
    container: {
      name: sidecar.name,
      image: imageName(sidecar.image, props.imageRegistry),
      imagePullPolicy: props.imagePullPolicy,
      ...(sidecar.args ? { args: [...sidecar.args] } : {}),
      ports: sidecar.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
      ...(env.length > 0 ? { env } : {}),
      ...probes(sidecar),
      resources: resourceRequirements(sidecar.resources),
      terminationMessagePolicy: 'FallbackToLogsOnError',
      securityContext,
      volumeMounts: [...mounts, ...tlsMounts(sidecar.tlsMounts), ...(props.sidecarMounts?.[sidecar.name]?.mounts ?? [])],
    },
  };
}

function mergeAntiAffinity(affinity: k8s.Affinity | undefined, anti: k8s.PodAntiAffinity | undefined): k8s.Affinity | undefined {
  if (!anti) return affinity;
  const own = affinity?.podAntiAffinity;
  return {
    ...(affinity ?? {}),
    podAntiAffinity: {
      ...(own ?? {}),
      requiredDuringSchedulingIgnoredDuringExecution: [
        ...(own?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []),
      ],
    },
  };
}
