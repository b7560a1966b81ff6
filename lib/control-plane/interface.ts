/**
 * What security, scaling and the front door need from a control plane, so they depend on this shape rather than
 * on the `KasmControlPlane` class (a variant may bring another implementation).
 */
import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { ClusterProfile } from '../cluster/profile';
import { ComponentContract, ComponentId, DependencyEdge, ExternalPeer } from '../contract/types';
import { KasmVersion } from '../contract/version';
import { IKasmDatabase } from '../database/interface';
import { IKasmSecrets } from '../security/secrets';
import type { UpstreamAuth } from './upstream-auth';

/** An edge of the dependency graph with both ends resolved to this deployment. */
export interface ResolvedEdge {
  readonly edge: DependencyEdge;
  /** Pod labels of the source, or the external peer. */
  readonly from: Readonly<Record<string, string>> | ExternalPeer;
  /** Pod labels of the destination, or the external peer (or the database outside the cluster). */
  readonly to: Readonly<Record<string, string>> | ExternalPeer;
  /**
   * The zone (slug) whose per-zone components this edge wires, for the zones beyond the first.
   * @default - the first zone, or no zone at all
   */
  readonly zone?: string;
}

/** What KasmScaling decides for one workload after it exists. */
export interface WorkloadScaling {
  /** An HPA owns the replica count: the Deployment leaves `spec.replicas` out, so GitOps does not fight it. */
  readonly autoscaled: boolean;
  readonly topologySpreadConstraints: k8s.TopologySpreadConstraint[];
  /** Required anti-affinity against the workload's own pods, merged into any user affinity. */
  readonly podAntiAffinity?: k8s.PodAntiAffinity;
  /**
   * The most pods the workload may run (the HPA's maximum), for the database connection budget.
   * @default - the workload's replicas
   */
  readonly maxReplicas?: number;
}

/** What KasmScaling may change on a component's workload. */
export interface IScalableWorkload {
  /** Name of the Deployment (or StatefulSet). */
  readonly workloadName: string;
  /**
   * The workload's kind, which an HPA's `scaleTargetRef` names.
   * @default 'Deployment'
   */
  readonly kind?: 'Deployment' | 'StatefulSet';
  /** Replicas the size preset or the component options set. */
  readonly replicas: number;
  /** Labels of the pods, and the subset that selects them. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  /** Hand replicas to an HPA and add spread and anti-affinity (once). */
  configureScaling(scaling: WorkloadScaling): void;
}

/** A deployed Kasm control plane, as the constructs around it see it. */
export interface IKasmControlPlane extends IConstruct {
  /** Instance name: prefixes object names and labels. */
  readonly name: string;
  readonly namespace: string;
  readonly version: KasmVersion;
  /** The cluster the control plane targets. */
  readonly cluster: ClusterProfile;
  /** Components this control plane deploys (the database is the {@link database}'s). */
  readonly components: readonly ComponentId[];
  /** The dependency graph of this deployment, for NetworkPolicies, the doctor and diagnose. */
  readonly edges: readonly ResolvedEdge[];
  readonly secrets: IKasmSecrets;
  readonly database: IKasmDatabase;
  /** Registry mirror prefix applied to every image, if any. */
  readonly imageRegistry?: string;
  /** Service name of the proxy, where front doors send traffic. */
  readonly proxyServiceName: string;
  /** The proxy's plain-HTTP port (TLS terminated at the ingress controller). */
  readonly proxyHttpPort: number;
  /** The proxy's HTTPS port (TLS to the proxy, for front doors that verify it and for agents). */
  readonly proxyHttpsPort: number;
  /** The zone this control plane serves. @default 'default' */
  readonly zoneName?: string;
  /** Where the zone's agents reach Kasm to authenticate (the zone's Upstream Auth address). @default - the proxy Service's FQDN on 8443 */
  readonly upstreamAuth?: UpstreamAuth;
  /** Whether the address is written into the zone by db-init (releases that support seeding it). @default false */
  readonly seedsUpstreamAuth?: boolean;
  /** Every zone served, the first one first, with its address. @default - one zone, {@link zoneName} */
  readonly zones?: readonly { readonly name: string; readonly slug: string; readonly upstreamAuth: UpstreamAuth }[];
  /** Every Service name of a component, one per zone for per-zone components. @default - the contract's one name */
  serviceNamesOf?(id: ComponentId): string[];
  /** The Service name of a component in one zone (by slug). @default - the first zone's */
  serviceNameOf?(id: ComponentId, zone?: string): string;
  /** Pod labels that select one component's pods. */
  selectorOf(id: ComponentId): Record<string, string>;
  /** The contract entry of a deployed component. */
  contractOf(id: ComponentId): ComponentContract;
  /** The workload of a deployed component, for KasmScaling. */
  workloadOf(id: ComponentId): IScalableWorkload;
  /**
   * Tell the RDP gateway the host name native RDP clients reach it at (KasmRdpExposure's `hostname`), which 1.19
   * registers with the api as `SERVER_HOSTNAME`.
   * @default - not supported: the gateway registers its Service name
   */
  advertiseRdpHostname?(owner: string, hostname: string): void;
}
