/**
 * KasmScaling: how a control plane runs on several nodes. It reads each component's scaling mode from the contract
 * and adds, where the mode allows: an HPA (autoscaling/v2) for horizontal components, a PodDisruptionBudget for every
 * component with more than one pod, topology spread across nodes and zones, and optional required anti-affinity.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentId, ScalingMode } from '../contract/types';
import { IKasmControlPlane } from '../control-plane/interface';
import { SyncWave, waveAnnotation } from '../core/metadata';
import { assertBoolean, assertInteger, assertPlainObject, fail, show } from '../core/validation';

/** Autoscaling of one horizontal component. */
export interface ComponentAutoscaling {
  /** Fewest pods. @default - the replicas the control plane's size preset (or component options) set */
  readonly minReplicas?: number;
  /** Most pods. @default - three times minReplicas */
  readonly maxReplicas?: number;
  /** Average CPU utilization the HPA aims for, in percent of requests. @default 70 */
  readonly cpuUtilization?: number;
  /** Average memory utilization the HPA aims for, in percent of requests. @default 80 */
  readonly memoryUtilization?: number;
}

/** Everything about scaling but the control plane, for variants that pass it through. */
export interface KasmScalingOptions {
  /** Give horizontal components (api, manager, proxy) an HPA. @default true */
  readonly autoscaling?: boolean;
  /** Autoscaling per horizontal component, keyed by component id. @default - the defaults of ComponentAutoscaling */
  readonly components?: { readonly [K in ComponentId]?: ComponentAutoscaling };
  /** A PodDisruptionBudget (maxUnavailable 1) for every component that runs more than one pod. @default true */
  readonly podDisruptionBudgets?: boolean;
  /** Spread each component's pods over nodes, and over zones where nodes carry `topology.kubernetes.io/zone`. @default true */
  readonly spreadAcrossNodes?: boolean;
  /** Never put two pods of a component on one node (pods stay Pending when nodes run out). @default false */
  readonly requiredAntiAffinity?: boolean;
}

/** Props for {@link KasmScaling}. */
export interface KasmScalingProps extends KasmScalingOptions {
  /** The control plane to scale; its size preset gives the replica counts. */
  readonly controlPlane: IKasmControlPlane;
}

/** What KasmScaling decided for one component, for tests, the planner and the scaling table in docs/variants.md. */
export interface ComponentScalingPlan {
  readonly component: ComponentId;
  readonly mode: ScalingMode;
  readonly minReplicas: number;
  /** Equal to minReplicas when nothing autoscales the component. */
  readonly maxReplicas: number;
  readonly autoscaled: boolean;
  readonly disruptionBudget: boolean;
}

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

/** Scales a control plane across nodes without letting an autoscaler touch components that hold sessions. */
export class KasmScaling extends Construct {
  /** The decision per deployed component. */
  public readonly plan: readonly ComponentScalingPlan[];

  constructor(scope: Construct, id: string, props: KasmScalingProps) {
    super(scope, id);
    const owner = 'KasmScaling';
    assertPlainObject(owner, 'props', props, true);
    const cp = props.controlPlane;
    if (!cp || typeof cp.workloadOf !== 'function') fail(owner, 'controlPlane', cp, 'is required; pass the KasmControlPlane to scale');
    const autoscaling = props.autoscaling ?? true;
    const pdbs = props.podDisruptionBudgets ?? true;
    const spread = props.spreadAcrossNodes ?? true;
    const anti = props.requiredAntiAffinity ?? false;
    for (const [prop, value] of [['autoscaling', props.autoscaling], ['podDisruptionBudgets', props.podDisruptionBudgets],
      ['spreadAcrossNodes', props.spreadAcrossNodes], ['requiredAntiAffinity', props.requiredAntiAffinity]] as const) {
      assertBoolean(owner, prop, value);
    }
    assertPlainObject(owner, 'components', props.components);
    const horizontal = cp.components.filter((c) => cp.contractOf(c).scaling === ScalingMode.HORIZONTAL);
    for (const key of Object.keys(props.components ?? {})) {
      if (!horizontal.includes(key as ComponentId)) {
        const mode = cp.components.includes(key as ComponentId) ? cp.contractOf(key as ComponentId).scaling : undefined;
        fail(owner, `components.${key}`, key, mode
          ? `scales ${show(mode)}, not horizontally: an HPA would ${mode === ScalingMode.FIXED ? `run a second copy of a single-instance component (${cp.contractOf(key as ComponentId).singleReplicaReason ?? 'it keeps state in memory'})` : 'cut live sessions on scale-in'}; set its replicas on KasmControlPlane; autoscaled: ${horizontal.map(show).join(', ')}`
          : `is not a deployed component; autoscaled: ${horizontal.map(show).join(', ')}`);
      }
      if (!autoscaling) fail(owner, `components.${key}`, key, 'is set but autoscaling is false');
    }

    const plan: ComponentScalingPlan[] = [];
    for (const component of cp.components) {
      const workload = cp.workloadOf(component);
      const mode = cp.contractOf(component).scaling;
      const hpa = autoscaling && mode === ScalingMode.HORIZONTAL;
      const o = hpa ? props.components?.[component] ?? {} : {};
      const at = `components.${component}`;
      assertPlainObject(owner, at, o);
      const minReplicas = o.minReplicas ?? workload.replicas;
      assertInteger(owner, `${at}.minReplicas`, minReplicas, 1, 100);
      const maxReplicas = hpa ? o.maxReplicas ?? minReplicas * 3 : minReplicas;
      assertInteger(owner, `${at}.maxReplicas`, maxReplicas, 1, 300);
      if (maxReplicas < minReplicas) fail(owner, `${at}.maxReplicas`, maxReplicas, `is below minReplicas (${minReplicas}); pass at least ${minReplicas}`);
      const cpu = o.cpuUtilization ?? 70;
      const memory = o.memoryUtilization ?? 80;
      assertInteger(owner, `${at}.cpuUtilization`, cpu, 1, 100);
      assertInteger(owner, `${at}.memoryUtilization`, memory, 1, 100);
      const disruptionBudget = pdbs && minReplicas > 1;
      plan.push({ component, mode, minReplicas, maxReplicas, autoscaled: hpa, disruptionBudget });

      const selector = { ...workload.selector };
      workload.configureScaling({
        autoscaled: hpa,
        maxReplicas,
        topologySpreadConstraints: spread && maxReplicas > 1 ? [HOSTNAME, ZONE].map((topologyKey) => ({
          topologyKey,
          maxSkew: 1,
          // Prefer, not require: a node or zone short of room must not leave pods Pending.
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: selector },
        })) : [],
        podAntiAffinity: anti && maxReplicas > 1 ? {
          requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOSTNAME, labelSelector: { matchLabels: selector } }],
        } : undefined,
      });
      const meta = {
        name: workload.workloadName,
        namespace: cp.namespace,
        labels: { ...workload.podLabels },
        annotations: waveAnnotation(SyncWave.CONTROL_PLANE),
      };
      if (hpa) {
        new k8s.KubeHorizontalPodAutoscalerV2(this, `${component}Hpa`, {
          metadata: meta,
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: workload.kind ?? 'Deployment', name: workload.workloadName },
            minReplicas,
            maxReplicas,
            metrics: [
              { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } },
              { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: memory } } },
            ],
            // Scale in slowly: a desktop user's api and proxy calls should not bounce between pods that come and go.
            behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] } },
          },
        });
      }
      if (disruptionBudget) {
        new k8s.KubePodDisruptionBudget(this, `${component}Pdb`, {
          metadata: meta,
          spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
        });
      }
    }
    this.plan = plan;
  }
}
