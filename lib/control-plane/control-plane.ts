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
import { componentLabels, instanceLabels, selectorLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { IKasmDatabase } from '../database/interface';
import { attachDoctor } from '../doctor/app-doctor';
import { DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { checkControlPlane } from '../doctor/edges';
import { rememberWhileUnchanged } from '../core/validation-memo';
import { assertSecrets, IKasmSecrets, KasmSecrets } from '../security/secrets';
import { ComponentWorkload } from './component';
import { databaseHostFor } from './database-alias';
import { DatabaseJobContext, DbInitJob } from './db-init';
import { IKasmControlPlane, IScalableWorkload, ResolvedEdge } from './interface';
import { renderProxyConfig } from './proxy-config';
import { addProxyConfigMap, ProxyConfigMount } from './proxy-config-map';
import { enabledComponents } from './enabled-components';
import { ImagePullPolicy, KasmComponentOptions, KasmControlPlaneProps, TrustedCaBundle } from './props';
import { resolveSettings } from './settings';
import { connectionBudgetProblem } from './connection-budget';
import { checkTrustedCaBundle, trustedCaParts, TrustedCaParts } from './trusted-ca';
import { checkUpgrade, checkUpgradeBackup, UpgradeJobs } from './upgrade';
import { checkUpstreamAuth, defaultUpstreamAuthUrl, UpstreamAuth, zoneSettingsEnv } from './upstream-auth';
import { checkZones, perZoneComponents, ResolvedZone, zoneContract, zoneEdges, zoneSlug } from './zones';
import { resolveEdges, waitTargetsOf } from './graph';
import { waitContainer } from './wait';

export { ImagePullPolicy } from './props';
export type { KasmComponentOptions, KasmControlPlaneProps, TrustedCaBundle } from './props';

/** Components that make outbound TLS calls to identity providers, LDAP and agents, so they get the trusted CA bundle. */
const TRUSTING_COMPONENTS: readonly ComponentId[] = [ComponentId.API, ComponentId.MANAGER];

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
  private readonly services = new Map<ComponentId, k8s.KubeService>();
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
  /** Each extra zone's view of the contract (its per-zone components under the zone's names). */
  private readonly zoneContracts = new Map<string, KasmContract>();
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
    };
    this.upgradeFrom = checkUpgrade(owner, this.version, props.upgradeFrom);
    this.upgradeBackup = checkUpgradeBackup(owner, props.upgradeBackup);
    if (props.upgradeBackup !== undefined && !this.upgradeFrom) fail(owner, 'upgradeBackup', props.upgradeBackup, 'is set without upgradeFrom: it configures the pre-upgrade dump, which only an upgrade takes');
    this.upstreamAuth = checkUpstreamAuth(owner, 'upstreamAuthAddress', props.upstreamAuthAddress
      ?? defaultUpstreamAuthUrl(this.contractOf(ComponentId.PROXY).serviceName, this.namespace, this.cluster.clusterDomain, this.contract.proxy.httpsPort));
    const zoneProxy = this.contract.components[ComponentId.PROXY]?.zoneServiceName;
    this.zones = checkZones(owner, 'zones', props.zones, this.version, { name: this.zoneName, slug: zoneSlug(this.zoneName), upstreamAuth: this.upstreamAuth },
      (slug) => defaultUpstreamAuthUrl((zoneProxy ?? '').replace('{zone}', slug), this.namespace, this.cluster.clusterDomain, this.contract.proxy.httpsPort));
    for (const zone of this.zones.slice(1)) this.zoneContracts.set(zone.slug, zoneContract(this.contract, zone));
    this.edges = this.resolveEdges();
    this.seedsUpstreamAuth = this.contract.seedsZoneSettings === true;
    this.trustedCaBundle = checkTrustedCaBundle(owner, 'trustedCaBundle', props.trustedCaBundle);

    for (const component of this.components) {
      this.addComponent(owner, component, props.components?.[component], { dnsResolver, sessionTimeoutSeconds });
    }
    for (const zone of this.zones.slice(1)) {
      for (const component of perZoneComponents(this.contract).filter((c) => this.components.includes(c))) {
        this.addComponent(owner, component, props.components?.[component], { dnsResolver, sessionTimeoutSeconds }, zone);
      }
    }
    this.addDbInitJob();
    this.node.addValidation({ validate: () => rememberWhileUnchanged(this, Chart.of(this), () => checkControlPlane(this)) });
    // Read at synth, after KasmScaling set the HPA maxima.
    this.node.addValidation({
      validate: () => [connectionBudgetProblem(this.allWorkloads.map(({ workload, contract }) => ({ workloadName: workload.workloadName, pods: workload.maxReplicas, env: contract.env })),
        this.database.maxConnections)].filter((p): p is string => p !== undefined),
    });
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
    const ca = this.trustedCaBundle;
    if (ca) {
      doctor.declare({
        kind: ca.configMapName !== undefined ? ReferencedKind.CONFIG_MAP : ReferencedKind.SECRET,
        namespace: this.namespace, name: (ca.configMapName ?? ca.secretName)!, reason: 'KasmControlPlane trustedCaBundle (yours: PEM certificates of your private CAs)',
      });
    }
  }

  /** The Service of a component, e.g. to point an ingress at the proxy. */
  public serviceOf(id: ComponentId): k8s.KubeService {
    const svc = this.services.get(id);
    if (!svc) throw new KasmConfigError(`KasmControlPlane: component ${show(id)} is not deployed; deployed: ${this.components.map(show).join(', ')}`);
    return svc;
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
    if (!w) throw new KasmConfigError(`KasmControlPlane: component ${show(id)} is not deployed; deployed: ${this.components.map(show).join(', ')}`);
    return w.workload;
  }

  /** The workload of a deployed component, for KasmScaling. */
  public workloadOf(id: ComponentId): IScalableWorkload {
    const w = this.workloads.get(id);
    if (!w) throw new KasmConfigError(`KasmControlPlane: component ${show(id)} is not deployed; deployed: ${this.components.map(show).join(', ')}`);
    return w;
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
    const edges = resolveEdges(this.contract, (id) => this.selectorOf(id), deployed);
    for (const zone of this.zones.slice(1)) {
      const contract = this.zoneContracts.get(zone.slug)!;
      const selector = (id: ComponentId) => (contract.components[id]?.zoneServiceName !== undefined ? selectorLabels(this.name, contract.components[id]!.workloadName) : this.selectorOf(id));
      edges.push(...resolveEdges({ ...contract, edges: zoneEdges(contract) }, selector, deployed).map((e) => ({ ...e, zone: zone.slug })));
    }
    return edges;
  }

  /**
   * The Service name of a component in a zone (by slug); shared components have one name for every zone.
   * @default - the first zone
   */
  public serviceNameOf(id: ComponentId, zone?: string): string {
    const contract = zone === undefined || zone === this.zones[0].slug ? this.contract : this.zoneContracts.get(zone);
    if (!contract) throw new KasmConfigError(`KasmControlPlane: no zone ${show(zone)}; zones: ${this.zones.map((z) => show(z.slug)).join(', ')}`);
    const c = contract.components[id];
    if (!c) throw new KasmConfigError(`Kasm ${this.version.version} has no component ${show(id)}`);
    return c.serviceName;
  }

  /** Every Service name a component has, one per zone for a per-zone component (certificates carry them all). */
  public serviceNamesOf(id: ComponentId): string[] {
    return [...new Set(this.zones.map((z) => this.serviceNameOf(id, z.slug)))];
  }

  private waitContainers(id: ComponentId, uid: number, zone?: ResolvedZone): k8s.Container[] {
    const contract = zone ? this.zoneContracts.get(zone.slug)! : this.contract;
    const edges = this.edges.filter((e) => e.zone === zone?.slug);
    return waitTargetsOf(edges, id, (c) => contract.components[c] ?? this.contractOf(c), { host: this.databaseHost, port: this.database.port }).map((t) => {
      const image = this.contract.waitImages[t.check];
      if (!image) throw new Error(`Kasm ${this.version.version} contract has no wait image for ${t.check}`);
      return waitContainer(t, imageName(image, this.imageRegistry), uid, this.envContext, this.pullPolicy);
    });
  }

  private addComponent(owner: string, id: ComponentId, opts: KasmComponentOptions | undefined,
    proxy: { dnsResolver: string; sessionTimeoutSeconds: number }, zone?: ResolvedZone): void {
    const contract = zone ? this.zoneContracts.get(zone.slug)! : this.contract;
    const c = contract.components[id] ?? this.contractOf(id);
    const envContext: EnvContext = zone
      ? { ...this.envContext, derived: { ...this.envContext.derived, [DerivedValue.ZONE_NAME]: zone.name, [DerivedValue.ZONE_SLUG]: zone.slug } }
      : this.envContext;
    const sizing = this.contract.sizing[this.size][id];
    if (!sizing) throw new Error(`Kasm ${this.version.version} contract has no ${this.size} sizing for ${id}`);
    const resources = resolveResources(owner, `components.${id}.resources`, sizing.resources, opts?.resources);
    let config: ProxyConfigMount | undefined;
    if (id === ComponentId.PROXY) {
      const files = renderProxyConfig({
        contract,
        enabled: new Set(this.components),
        workerProcesses: this.contract.proxyWorkers[this.size],
        dnsResolver: proxy.dnsResolver,
        sessionTimeoutSeconds: proxy.sessionTimeoutSeconds,
      });
      config = addProxyConfigMap(this, zone ? `ProxyConfig-${zone.slug}` : 'ProxyConfig', {
        name: zone ? `${this.name}-proxy-${zone.slug}-config` : `${this.name}-proxy-config`,
        namespace: this.namespace,
        labels: componentLabels(this.name, this.version.version, c.workloadName, id),
        annotations: waveAnnotation(SyncWave.CONTROL_PLANE),
      }, files);
    }
    const trust: TrustedCaParts | undefined = this.trustedCaBundle && TRUSTING_COMPONENTS.includes(id)
      ? trustedCaParts({ ...this.trustedCaBundle, key: this.trustedCaBundle.key ?? 'ca.crt' }, imageName(c.image, this.imageRegistry), c.runAsUser, this.pullPolicy)
      : undefined;
    const workload = new ComponentWorkload(this, zone ? `${id}-${zone.slug}` : id, {
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
      initContainers: [...(trust ? [trust.initContainer] : []), ...this.waitContainers(id, c.runAsUser, zone)],
      extraVolumes: [...(config?.volumes ?? []), ...(trust?.volumes ?? [])],
      extraMounts: [...(config?.mounts ?? []), ...(trust?.mounts ?? [])],
      extraEnv: trust?.env,
      podAnnotations: config?.podAnnotations,
      podOptions: mergePodOptions(this.podDefaults, opts),
      imagePullSecrets: this.imagePullSecrets,
    });
    this.allWorkloads.push({ workload, contract: c });
    // The accessors below serve the first zone; a further zone's objects are reached by their names.
    if (zone) return;
    this.workloads.set(id, workload);
    this.services.set(id, workload.service);
  }

  private addDbInitJob(): void {
    const init = this.contract.dbInit;
    const context: DatabaseJobContext = {
      contract: init,
      instance: this.name,
      namespace: this.namespace,
      imageRegistry: this.imageRegistry,
      imagePullPolicy: this.pullPolicy,
      envContext: this.envContext,
      podOptions: this.dbInitOptions,
      imagePullSecrets: this.imagePullSecrets,
    };
    if (!this.upgradeFrom) {
      new DbInitJob(this, 'DbInit', {
        ...context, version: this.version.version, versionSlug: this.version.slug, initContainers: this.waitContainers(ComponentId.DB_INIT, init.runAsUser),
        extraEnv: this.seedsUpstreamAuth ? zoneSettingsEnv(this.zones) : [],
      });
      return;
    }
    // An upgrade never seeds: the migration takes db-init's place (and its labels, so its policy and waits).
    const labelsOf = (id: ComponentId, component: string) => ({ ...instanceLabels(this.name, this.version.version), ...this.selectorOf(id), 'app.kubernetes.io/component': component });
    new UpgradeJobs(this, 'Upgrade', {
      ...context,
      ...this.upgradeBackup,
      from: this.upgradeFrom,
      to: this.version,
      backupLabels: labelsOf(ComponentId.DB_UPGRADE, 'pre-upgrade'),
      migrationLabels: labelsOf(ComponentId.DB_INIT, 'db-upgrade'),
      backupWaits: this.waitContainers(ComponentId.DB_UPGRADE, init.runAsUser),
      migrationWaits: this.waitContainers(ComponentId.DB_INIT, init.runAsUser),
    });
  }

  /** The proxy Deployment as an escape hatch. */
  public get apiObject(): ApiObject {
    return this.deploymentOf(ComponentId.PROXY);
  }
}

