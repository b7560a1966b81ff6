import { ApiObject, Chart, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ClusterProfile } from '../cluster/profile';
import {
  ComponentContract, ComponentId, DerivedValue, KasmContract, SizePreset, TlsRole,
} from '../contract/types';
import { KasmVersion } from '../contract/version';
import { EnvContext, imageName } from '../core/pod';
import { KasmPodOptions, mergePodOptions } from '../core/pod-options';
import { resolveResources } from '../core/resources';
import { fail, KasmConfigError, show } from '../core/validation';
import { instanceLabels, selectorLabels } from '../core/metadata';
import { IKasmDatabase } from '../database/interface';
import { attachDoctor } from '../doctor/app-doctor';
import { DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { checkControlPlane } from '../doctor/edges';
import { rememberWhileUnchanged } from '../core/validation-memo';
import { addFindingCheck } from '../core/findings';
import { assertSecrets, IKasmSecrets, KasmSecrets } from '../security/secrets';
import { ComponentWorkload } from './component';
import { databaseHostFor } from './database-alias';
import { addDatabaseJobs } from './database-jobs';
import { IKasmControlPlane, IScalableWorkload, ResolvedEdge } from './interface';
import { addComponentConfigs } from './component-configs';
import { enabledComponents } from './enabled-components';
import { ImagePullPolicy, KasmComponentOptions, KasmControlPlaneProps, TrustedCaBundle } from './props';
import { resolveSettings } from './settings';
import { addConnectionBudgetCheck } from './connection-budget';
import { checkTrustedCaBundle, declareTrustedCaBundle, trustedCaFor } from './trusted-ca';
import { checkUpgrade, checkUpgradeBackup } from './upgrade';
import { checkUpstreamAuth, defaultUpstreamAuthUrl, UpstreamAuth, zoneSettingsEnv } from './upstream-auth';
import { checkZones, perZoneComponents, ResolvedZone, resolveZonedEdges, zoneSlug, ZoneView, zoneViews } from './zones';
import { waitTargetsOf } from './graph';
import { waitContainer } from './wait';

export { ImagePullPolicy } from './props';
export type { KasmComponentOptions, KasmControlPlaneProps, TrustedCaBundle } from './props';

/**
 * Every Kasm control-plane component of the chosen release, wired to a database: Deployments, Services,
 * per-component ServiceAccounts, the proxy's generated nginx configuration and the idempotent db-init Job.
 *
 * Differs from the official charts on purpose: wait loops fail on HTTP errors and time out each attempt (the
 * chart's accept any answer, even a 500, and can hang for minutes); no container runs as root (fsGroup and
 * emptyDirs replace the chart's chown init containers); probes ask the real health paths, with startup probes
 * instead of fixed delays; credentials are Secret references, never values.
 */
export class KasmControlPlane extends Construct implements IKasmControlPlane {
  public readonly version: KasmVersion;
  /** The release this synth upgrades from, when it is an upgrade. */
  public readonly upgradeFrom?: KasmVersion;
  public readonly namespace: string;
  public readonly name: string;
  public readonly size: SizePreset;
  public readonly zoneName: string;
  public readonly cluster: ClusterProfile;
  /** The database host as the pods address it (a FQDN across namespaces; the alias `db` on Kasm 1.16.0). */
  public readonly databaseHost: string;
  public readonly secrets: IKasmSecrets;
  public readonly database: IKasmDatabase;
  /** Components this control plane deploys (the database is the {@link database}'s). */
  public readonly components: readonly ComponentId[];
  /** The dependency graph of this deployment, for NetworkPolicies and the doctor. */
  public readonly edges: readonly ResolvedEdge[];
  private readonly workloads = new Map<ComponentId, ComponentWorkload>();
  private readonly contract: KasmContract;
  /** Registry mirror prefix applied to every image, if any. */
  public readonly imageRegistry?: string;
  /** Secrets every pod pulls its images with. */
  public readonly imagePullSecrets: readonly string[];
  private readonly podDefaults: KasmPodOptions;
  private readonly dbInitOptions: KasmPodOptions;
  private readonly upgradeBackup: { storage: Size; storageClassName?: string };
  private readonly pullPolicy: ImagePullPolicy;
  private readonly envContext: EnvContext;
  /** The zone's Upstream Auth address: where agents reach Kasm (see the `upstreamAuthAddress` prop). */
  public readonly upstreamAuth: UpstreamAuth;
  /** Whether db-init writes {@link upstreamAuth} into the zone (releases that support seeding it). */
  public readonly seedsUpstreamAuth: boolean;
  /** The private CA bundle the api and manager trust, if any. */
  public readonly trustedCaBundle?: TrustedCaBundle;
  /** The zones this control plane serves, the seeded first zone first. */
  public readonly zones: readonly ResolvedZone[];
  /** Every zone's view of the contract, the first zone first. */
  private readonly zoneViews: readonly ZoneView[];
  /** The host name native RDP clients reach the RDP gateway at, once a KasmRdpExposure names it. */
  private rdpHostname?: string;
  /** Every component workload of every zone, with its contract entry (for the connection budget). */
  private readonly allWorkloads: { workload: ComponentWorkload; contract: ComponentContract }[] = [];

  constructor(scope: Construct, id: string, props: KasmControlPlaneProps) {
    super(scope, id);
    const owner = 'KasmControlPlane';
    const settings = resolveSettings(owner, props);
    const { ownDatabase, dnsResolver, sessionTimeoutSeconds } = settings;
    this.database = settings.database;
    this.version = settings.version;
    this.contract = settings.version.contract;
    this.namespace = settings.namespace;
    this.name = settings.name;
    this.size = settings.size;
    this.zoneName = settings.zoneName;
    this.pullPolicy = settings.pullPolicy;
    this.imageRegistry = settings.imageRegistry;
    this.imagePullSecrets = settings.imagePullSecrets;
    this.podDefaults = settings.podDefaults;
    this.dbInitOptions = settings.dbInitOptions;
    this.cluster = settings.cluster;
    this.databaseHost = databaseHostFor(this, props.database, { namespace: this.namespace, instance: this.name, version: this.version, cluster: this.cluster });
    if (props.secrets !== undefined) assertSecrets(owner, 'secrets', props.secrets);
    this.secrets = props.secrets ?? (ownDatabase && ownDatabase.name === this.name ? ownDatabase.secrets : KasmSecrets.fromExisting({ name: this.name }));
    this.components = enabledComponents(owner, this.version, props);
    this.envContext = {
      credentialsSecretName: this.secrets.credentialsSecretName,
      dbPasswordSecret: props.database.passwordSecret,
      derived: {
        [DerivedValue.DB_HOST]: this.databaseHost,
        [DerivedValue.DB_PORT]: String(props.database.port),
        [DerivedValue.DB_NAME]: props.database.databaseName,
        [DerivedValue.DB_USER]: props.database.user,
        [DerivedValue.ZONE_NAME]: this.zoneName,
        [DerivedValue.CLUSTER_DOMAIN]: this.cluster.clusterDomain,
        [DerivedValue.ZONE_SLUG]: zoneSlug(this.zoneName),
      },
      late: { [DerivedValue.RDP_ACCESS_HOSTNAME]: () => this.rdpHostname ?? this.contract.components[ComponentId.RDP_GATEWAY]?.serviceName ?? '' },
    };
    this.upgradeFrom = checkUpgrade(owner, this.version, props.upgradeFrom);
    this.upgradeBackup = checkUpgradeBackup(owner, props.upgradeBackup);
    if (props.upgradeBackup !== undefined && !this.upgradeFrom) fail(owner, 'upgradeBackup', props.upgradeBackup, 'is set without upgradeFrom: it configures the pre-upgrade dump, which only an upgrade takes');
    this.upstreamAuth = checkUpstreamAuth(owner, 'upstreamAuthAddress', props.upstreamAuthAddress
      ?? defaultUpstreamAuthUrl(this.contractOf(ComponentId.PROXY).serviceName, this.namespace, this.cluster.clusterDomain, this.contract.proxy.httpsPort));
    const zoneProxy = this.contract.components[ComponentId.PROXY]?.zoneServiceName;
    this.zones = checkZones(owner, 'zones', props.zones, this.version, { name: this.zoneName, slug: zoneSlug(this.zoneName), upstreamAuth: this.upstreamAuth },
      (slug) => defaultUpstreamAuthUrl((zoneProxy ?? '').replace('{zone}', slug), this.namespace, this.cluster.clusterDomain, this.contract.proxy.httpsPort));
    this.zoneViews = zoneViews(this.contract, this.zones);
    this.edges = this.resolveEdges();
    this.seedsUpstreamAuth = this.contract.seedsZoneSettings === true;
    this.trustedCaBundle = checkTrustedCaBundle(owner, 'trustedCaBundle', props.trustedCaBundle);

    // The first zone gets every component; each further zone its own instance of the per-zone ones.
    for (const view of this.zoneViews) {
      const ids = view.tag === undefined ? this.components : perZoneComponents(this.contract).filter((c) => this.components.includes(c));
      for (const component of ids) this.addComponent(owner, component, props.components?.[component], { dnsResolver, sessionTimeoutSeconds }, view);
    }
    this.addDbInitJob();
    addFindingCheck(this, () => rememberWhileUnchanged(this, Chart.of(this), () => checkControlPlane(this)));
    // Read at synth, after KasmScaling set the HPA maxima.
    addConnectionBudgetCheck(this, () => this.allWorkloads.map(({ workload, contract }) => ({ workloadName: workload.workloadName, pods: workload.maxReplicas, env: contract.env })),
      this.database.maxConnections);
    this.declareSecrets();
    attachDoctor(this);
  }

  /** The `secrets` prop names Secrets that exist (KasmSecrets.fromExisting by default, or filled by KasmSecurity). */
  private declareSecrets(): void {
    const doctor = DoctorDeclarations.of(this);
    const reason = 'KasmControlPlane secrets (KasmSecrets.fromExisting unless KasmSecurity fills them)';
    for (const name of this.imagePullSecrets) doctor.declare({ kind: ReferencedKind.SECRET, namespace: this.namespace, name, reason: 'KasmControlPlane imagePullSecrets' });
    const names = [this.secrets.credentialsSecretName, this.secrets.ingressTlsSecretName, this.database.passwordSecret.name, ...Object.values(TlsRole).map((r) => this.secrets.tlsSecretName(r))];
    for (const name of new Set(names)) doctor.declare({ kind: ReferencedKind.SECRET, namespace: this.namespace, name, reason });
    if (this.trustedCaBundle) declareTrustedCaBundle(this, this.namespace, this.trustedCaBundle);
  }

  /**
   * The host name native RDP clients reach the RDP gateway at (KasmRdpExposure's `hostname`): 1.19's gateway registers
   * it as `SERVER_HOSTNAME`, as the official chart does with `rdpAccessURL`; one control plane has one.
   */
  public advertiseRdpHostname(owner: string, hostname: string): void {
    if (this.rdpHostname !== undefined && this.rdpHostname !== hostname) {
      fail(owner, 'hostname', hostname, `differs from ${show(this.rdpHostname)}, which another exposure already gave the RDP gateway of ${this.node.path}; the gateway registers one address`);
    }
    this.rdpHostname = hostname;
  }

  /** The Service of a component, e.g. to point an ingress at the proxy. */
  public serviceOf(id: ComponentId): k8s.KubeService {
    const w = this.workloads.get(id);
    if (!w) throw this.notDeployed(id);
    return w.service;
  }

  /** The Deployment of a component (a component the contract runs as a StatefulSet has none: see {@link workloadObjectOf}). */
  public deploymentOf(id: ComponentId): k8s.KubeDeployment {
    const workload = this.workloadObjectOf(id);
    if (workload.kind !== 'Deployment') {
      throw new KasmConfigError(`KasmControlPlane: component ${show(id)} runs as a ${workload.kind} in Kasm ${this.version.version}, not a Deployment; use workloadObjectOf(${show(id)})`);
    }
    return workload as k8s.KubeDeployment;
  }

  /** The Deployment or StatefulSet of a component, whichever the release runs it as. */
  public workloadObjectOf(id: ComponentId): ApiObject {
    const w = this.workloads.get(id);
    if (!w) throw this.notDeployed(id);
    return w.workload;
  }

  /** The workload of a deployed component, for KasmScaling. */
  public workloadOf(id: ComponentId): IScalableWorkload {
    const w = this.workloads.get(id);
    if (!w) throw this.notDeployed(id);
    return w;
  }

  private notDeployed(id: ComponentId): KasmConfigError {
    return new KasmConfigError(`KasmControlPlane: component ${show(id)} is not deployed; deployed: ${this.components.map(show).join(', ')}`);
  }

  /** Pod labels that select one component's pods. */
  public selectorOf(id: ComponentId): Record<string, string> {
    if (id === ComponentId.DB_INIT) return selectorLabels(this.name, `${this.name}-db-init`);
    if (id === ComponentId.DB_BACKUP) return { ...(this.database.backupPodSelector ?? {}) };
    if (id === ComponentId.DB_UPGRADE) return selectorLabels(this.name, `${this.name}-pre-upgrade`);
    if (id === ComponentId.DB) return this.database.peer.end.kind === 'pods' ? { ...this.database.peer.end.selector } : {};
    return selectorLabels(this.name, this.contractOf(id).workloadName);
  }

  /** Service name of the proxy, where front doors send traffic. */
  public get proxyServiceName(): string {
    return this.contractOf(ComponentId.PROXY).serviceName;
  }

  /** The proxy's HTTPS port (TLS to the proxy itself). */
  public get proxyHttpsPort(): number {
    return this.contract.proxy.httpsPort;
  }

  /** The proxy's Service, which ingresses route to. */
  public get proxyService(): k8s.KubeService {
    return this.serviceOf(ComponentId.PROXY);
  }

  /** The proxy's plain-HTTP port (TLS terminates at the ingress controller). */
  public get proxyHttpPort(): number {
    return this.contract.proxy.httpPort;
  }

  /** The contract entry of a component. */
  public contractOf(id: ComponentId): ComponentContract {
    const c = this.contract.components[id];
    if (!c) throw new KasmConfigError(`Kasm ${this.version.version} has no component ${show(id)}`);
    return c;
  }

  private resolveEdges(): ResolvedEdge[] {
    const deployed = (id: ComponentId) => {
      if (id === ComponentId.DB || id === ComponentId.DB_INIT) return true;
      if (id === ComponentId.DB_BACKUP) return this.database.backupPodSelector !== undefined;
      if (id === ComponentId.DB_UPGRADE) return this.upgradeFrom !== undefined;
      return this.components.includes(id);
    };
    return resolveZonedEdges(this.contract, this.zoneViews, this.name, (id) => this.selectorOf(id), deployed);
  }

  /**
   * The Service name of a component in a zone (by slug); shared components have one name for every zone.
   * @default - the first zone
   */
  public serviceNameOf(id: ComponentId, zone?: string): string {
    const view = zone === undefined ? this.zoneViews[0] : this.zoneViews.find((v) => v.zone.slug === zone);
    if (!view) throw new KasmConfigError(`KasmControlPlane: no zone ${show(zone)}; zones: ${this.zones.map((z) => show(z.slug)).join(', ')}`);
    const c = view.contract.components[id];
    if (!c) throw new KasmConfigError(`Kasm ${this.version.version} has no component ${show(id)}`);
    return c.serviceName;
  }

  /** Every Service name a component has, one per zone for a per-zone component (certificates carry them all). */
  public serviceNamesOf(id: ComponentId): string[] {
    return [...new Set(this.zones.map((z) => this.serviceNameOf(id, z.slug)))];
  }

  private waitContainers(id: ComponentId, uid: number, view = this.zoneViews[0]): k8s.Container[] {
    const edges = this.edges.filter((e) => e.zone === view.tag);
    return waitTargetsOf(edges, id, (c) => view.contract.components[c] ?? this.contractOf(c), { host: this.databaseHost, port: this.database.port }).map((t) => {
      const image = this.contract.waitImages[t.check];
      if (!image) throw new Error(`Kasm ${this.version.version} contract has no wait image for ${t.check}`);
      return waitContainer(t, imageName(image, this.imageRegistry), uid, this.envContext, this.pullPolicy);
    });
  }

  private addComponent(owner: string, id: ComponentId, opts: KasmComponentOptions | undefined,
    proxy: { dnsResolver: string; sessionTimeoutSeconds: number }, view: ZoneView): void {
    const { contract, zone, suffix } = view;
    const c = contract.components[id] ?? this.contractOf(id);
    const envContext: EnvContext = { ...this.envContext, derived: { ...this.envContext.derived, [DerivedValue.ZONE_NAME]: zone.name, [DerivedValue.ZONE_SLUG]: zone.slug } };
    const sizing = this.contract.sizing[this.size][id];
    if (!sizing) throw new Error(`Kasm ${this.version.version} contract has no ${this.size} sizing for ${id}`);
    const resources = resolveResources(owner, `components.${id}.resources`, sizing.resources, opts?.resources);
    const configs = addComponentConfigs(this, {
      id, contract, component: c, workerProcesses: this.contract.proxyWorkers[this.size], enabled: new Set(this.components),
      dnsResolver: proxy.dnsResolver, sessionTimeoutSeconds: proxy.sessionTimeoutSeconds,
      cluster: { namespace: this.namespace, clusterDomain: this.cluster.clusterDomain },
      instance: this.name, version: this.version.version, suffix,
    });
    const trust = trustedCaFor(id, this.trustedCaBundle, imageName(c.image, this.imageRegistry), c.runAsUser, this.pullPolicy);
    const workload = new ComponentWorkload(this, `${id}${suffix}`, {
      id,
      contract: c,
      instance: this.name,
      version: this.version.version,
      namespace: this.namespace,
      replicas: opts?.replicas ?? sizing.replicas,
      resources,
      imageRegistry: this.imageRegistry,
      imagePullPolicy: this.pullPolicy,
      envContext,
      tlsSecretName: (role) => this.secrets.tlsSecretName(role),
      initContainers: [...(trust ? [trust.initContainer] : []), ...this.waitContainers(id, c.runAsUser, view)],
      extraVolumes: [...configs.volumes, ...(trust?.volumes ?? [])],
      extraMounts: [...configs.mounts, ...(trust?.mounts ?? [])],
      extraEnv: trust?.env,
      sidecarMounts: configs.sidecarMounts,
      podAnnotations: configs.podAnnotations,
      podOptions: mergePodOptions(this.podDefaults, opts),
      imagePullSecrets: this.imagePullSecrets,
    });
    this.allWorkloads.push({ workload, contract: c });
    // The accessors below serve the first zone; a further zone's objects are reached by their names.
    if (view.tag !== undefined) return;
    this.workloads.set(id, workload);
  }

  private addDbInitJob(): void {
    addDatabaseJobs(this, {
      contract: this.contract.dbInit,
      instance: this.name,
      namespace: this.namespace,
      imageRegistry: this.imageRegistry,
      imagePullPolicy: this.pullPolicy,
      envContext: this.envContext,
      podOptions: this.dbInitOptions,
      imagePullSecrets: this.imagePullSecrets,
    }, {
      version: this.version,
      upgradeFrom: this.upgradeFrom,
      upgradeBackup: this.upgradeBackup,
      zoneSettings: this.seedsUpstreamAuth ? zoneSettingsEnv(this.zones) : [],
      waitsOf: (id) => this.waitContainers(id, this.contract.dbInit.runAsUser),
      labelsOf: (id, component) => ({ ...instanceLabels(this.name, this.version.version), ...this.selectorOf(id), 'app.kubernetes.io/component': component }),
    });
  }

  /** The proxy Deployment as an escape hatch. */
  public get apiObject(): ApiObject {
    return this.deploymentOf(ComponentId.PROXY);
  }
}

