import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  ComponentContract, ComponentId, DbInitMode, DependencyEdge, DerivedValue, ExternalPeer, KasmContract, SizePreset,
} from '../contract/types';
import { IKasmDatabase, KasmDatabase } from '../database/kasm-database';
import { seedScript } from './db-init';
import { checkControlPlane } from '../doctor/edges';
import {
  componentLabels, digest, instanceLabels, selectorLabels, SyncWave, waveAnnotation,
} from '../core/metadata';
import {
  EnvContext, envVars, hardenedContainer, hardenedPod, imageName, probes, resourceRequirements, waitContainer, WaitTarget,
  writableVolumes,
} from '../core/pod';
import { PROXY_CONFIG_PATHS, renderProxyConfig } from './proxy-config';
import { ResourceOverrides, resolveResources } from '../core/resources';
import { IKasmSecrets, KasmSecrets } from '../security/secrets';
import {
  assertDnsLabel, assertInstanceName, assertInteger, assertIpv4, assertOneOf, assertRegistry, assertWholeSeconds, assertZoneName, fail,
  KasmConfigError, show,
} from '../core/validation';
import { KasmVersion } from '../contract/version';
import { DB_INIT_RESOURCES } from '../contract/sizing';

/** Per-component settings of the control plane. */
export interface KasmComponentOptions {
  /** Pods of this component. @default - the size preset's replica count */
  readonly replicas?: number;
  /** Requests and limits that replace parts of the size preset. @default - the size preset's figures */
  readonly resources?: ResourceOverrides;
}

/** How Kubernetes pulls the images. */
export enum ImagePullPolicy {
  IF_NOT_PRESENT = 'IfNotPresent',
  ALWAYS = 'Always',
  NEVER = 'Never',
}

/** Props for {@link KasmControlPlane}. */
export interface KasmControlPlaneProps {
  /** The database the control plane connects to; its version and namespace become the defaults here. */
  readonly database: IKasmDatabase;
  /** Kasm release whose contract decides every image, name, port and env var. @default - the database's version */
  readonly version?: KasmVersion;
  /** Namespace of every object. @default - the database's namespace */
  readonly namespace?: string;
  /** Instance name; prefixes ConfigMaps, Jobs and default Secret names, and labels every object. @default - the KasmDatabase's name, else 'kasm' */
  readonly name?: string;
  /** Where credentials and certificates come from. @default - the KasmDatabase's secrets, else KasmSecrets.fromExisting({ name }) */
  readonly secrets?: IKasmSecrets;
  /** Replica and resource preset. @default SizePreset.SMALL */
  readonly size?: SizePreset;
  /** Per-component replicas and resources, keyed by component ('api', 'proxy', ...). @default - the preset for every component */
  readonly components?: { readonly [K in ComponentId]?: KasmComponentOptions };
  /** Deploy the Guacamole connection proxy (RDP/VNC/SSH to servers). @default true */
  readonly enableGuac?: boolean;
  /** Deploy the native RDP gateway. @default true */
  readonly enableRdpGateway?: boolean;
  /** Deploy the RDP-over-HTTPS gateway. @default true */
  readonly enableRdpHttpsGateway?: boolean;
  /** Deploy Kasm Share and its Redis (1.16.0 only). @default - true where the release ships it */
  readonly enableShare?: boolean;
  /** Kasm zone these components serve. @default 'default' */
  readonly zoneName?: string;
  /** Registry mirror prefix for air-gapped clusters, e.g. 'registry.example.com'. @default - Docker Hub */
  readonly imageRegistry?: string;
  /** Pull policy of every container. @default ImagePullPolicy.IF_NOT_PRESENT */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * Cluster DNS Service IP nginx uses for agent host names. K3s and RKE2 both default to 10.43.0.10.
   * @default '10.43.0.10'
   */
  readonly dnsResolver?: string;
  /** Idle timeout of desktop, Guacamole and RDP streams at the proxy. @default Duration.minutes(30) */
  readonly sessionTimeout?: Duration;
}

/** An edge of the dependency graph with both ends resolved to this deployment. */
export interface ResolvedEdge {
  readonly edge: DependencyEdge;
  /** Pod labels of the source, or the external peer. */
  readonly from: Readonly<Record<string, string>> | ExternalPeer;
  /** Pod labels of the destination, or the external peer (or the database outside the cluster). */
  readonly to: Readonly<Record<string, string>> | ExternalPeer;
}

/**
 * Every Kasm control-plane component of the chosen release, wired to a database: Deployments, Services,
 * per-component ServiceAccounts, the proxy's generated nginx configuration and the idempotent db-init Job.
 *
 * Differs from the official charts on purpose: wait loops fail on HTTP errors and time out each attempt (the
 * chart's accept any answer, even a 500, and can hang for minutes); no container runs as root (fsGroup and
 * emptyDirs replace the chart's chown init containers); probes ask the real health paths, with startup probes
 * instead of fixed delays; credentials are Secret references, never values.
 */
export class KasmControlPlane extends Construct {
  public readonly version: KasmVersion;
  public readonly namespace: string;
  public readonly name: string;
  public readonly size: SizePreset;
  public readonly zoneName: string;
  public readonly secrets: IKasmSecrets;
  public readonly database: IKasmDatabase;
  /** Components this control plane deploys (the database is the {@link database}'s). */
  public readonly components: readonly ComponentId[];
  /** The dependency graph of this deployment, for NetworkPolicies and the doctor. */
  public readonly edges: readonly ResolvedEdge[];
  private readonly deployments = new Map<ComponentId, k8s.KubeDeployment>();
  private readonly services = new Map<ComponentId, k8s.KubeService>();
  private readonly contract: KasmContract;
  /** Registry mirror prefix applied to every image, if any. */
  public readonly imageRegistry?: string;
  private readonly pullPolicy: ImagePullPolicy;
  private readonly envContext: EnvContext;

  constructor(scope: Construct, id: string, props: KasmControlPlaneProps) {
    super(scope, id);
    const owner = 'KasmControlPlane';
    if (!props || !props.database) {
      throw new KasmConfigError(`${owner} database: undefined is not accepted; pass a KasmDatabase (or another IKasmDatabase)`);
    }
    this.database = props.database;
    if (props.version !== undefined && !(props.version instanceof KasmVersion)) {
      fail(owner, 'version', props.version, 'is not a KasmVersion; use KasmVersion.V1_18_1 or KasmVersion.of(\'1.18.1\')');
    }
    this.version = props.version ?? props.database.version;
    if (this.version.version !== props.database.version.version) {
      fail(owner, 'version', this.version.version, `does not match the database's version ${show(props.database.version.version)}; `
        + 'build both from the same KasmVersion');
    }
    this.contract = this.version.contract;
    this.namespace = props.namespace ?? props.database.namespace;
    const ownDatabase = props.database instanceof KasmDatabase ? props.database : undefined;
    this.name = props.name ?? ownDatabase?.name ?? 'kasm';
    this.size = props.size ?? SizePreset.SMALL;
    this.zoneName = props.zoneName ?? 'default';
    this.pullPolicy = props.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT;
    this.imageRegistry = props.imageRegistry;
    const dnsResolver = props.dnsResolver ?? '10.43.0.10';
    const sessionTimeoutSeconds = (props.sessionTimeout ?? Duration.minutes(30)).toSeconds({ integral: false });
    assertDnsLabel(owner, 'namespace', this.namespace);
    assertInstanceName(owner, 'name', this.name);
    if (this.imageRegistry !== undefined) assertRegistry(owner, 'imageRegistry', this.imageRegistry);
    assertOneOf(owner, 'size', this.size, Object.values(SizePreset));
    assertZoneName(owner, 'zoneName', this.zoneName);
    assertOneOf(owner, 'imagePullPolicy', this.pullPolicy, Object.values(ImagePullPolicy));
    assertIpv4(owner, 'dnsResolver', dnsResolver);
    assertWholeSeconds(owner, 'sessionTimeout', sessionTimeoutSeconds, 60, 86400);
    if (props.database.namespace !== this.namespace && props.database.podSelector) {
      fail(owner, 'namespace', this.namespace, `differs from the in-cluster database's namespace ${show(props.database.namespace)}; `
        + 'Kasm calls the database by its short Service name, so both must share a namespace');
    }
    this.secrets = props.secrets ?? (ownDatabase && ownDatabase.name === this.name ? ownDatabase.secrets : KasmSecrets.fromExisting({ name: this.name }));
    this.components = this.enabledComponents(owner, props);
    this.envContext = {
      credentialsSecretName: this.secrets.credentialsSecretName,
      dbPasswordSecret: props.database.passwordSecret,
      derived: {
        [DerivedValue.DB_HOST]: props.database.host,
        [DerivedValue.DB_PORT]: String(props.database.port),
        [DerivedValue.DB_NAME]: props.database.databaseName,
        [DerivedValue.DB_USER]: props.database.user,
        [DerivedValue.ZONE_NAME]: this.zoneName,
      },
    };
    this.edges = this.resolveEdges();

    for (const component of this.components) {
      this.addComponent(owner, component, props.components?.[component], { dnsResolver, sessionTimeoutSeconds });
    }
    this.addDbInitJob();
    this.node.addValidation({ validate: () => checkControlPlane(this) });
  }

  /** The Service of a component, e.g. to point an ingress at the proxy. */
  public serviceOf(id: ComponentId): k8s.KubeService {
    const svc = this.services.get(id);
    if (!svc) throw new KasmConfigError(`KasmControlPlane: component ${show(id)} is not deployed; deployed: ${this.components.map(show).join(', ')}`);
    return svc;
  }

  /** The Deployment of a component. */
  public deploymentOf(id: ComponentId): k8s.KubeDeployment {
    const d = this.deployments.get(id);
    if (!d) throw new KasmConfigError(`KasmControlPlane: component ${show(id)} is not deployed; deployed: ${this.components.map(show).join(', ')}`);
    return d;
  }

  /** Pod labels that select one component's pods. */
  public selectorOf(id: ComponentId): Record<string, string> {
    if (id === ComponentId.DB_INIT) return selectorLabels(this.name, `${this.name}-db-init`);
    if (id === ComponentId.DB) return { ...(this.database.podSelector ?? {}) };
    return selectorLabels(this.name, this.contractOf(id).workloadName);
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

  private enabledComponents(owner: string, props: KasmControlPlaneProps): ComponentId[] {
    const available = Object.keys(this.contract.components).filter((c) => c !== ComponentId.DB) as ComponentId[];
    const hasShare = available.includes(ComponentId.SHARE);
    if (props.enableShare === true && !hasShare) {
      fail(owner, 'enableShare', true, `is not possible: Kasm ${this.version.version} does not ship Kasm Share (1.16.0 does)`);
    }
    const off = new Set<ComponentId>();
    if (props.enableGuac === false) off.add(ComponentId.GUAC);
    if (props.enableRdpGateway === false) off.add(ComponentId.RDP_GATEWAY);
    if (props.enableRdpHttpsGateway === false) off.add(ComponentId.RDP_HTTPS_GATEWAY);
    if (props.enableShare === false) {
      off.add(ComponentId.SHARE);
      // Redis exists only for Share; the 1.16 chart could leave the proxy waiting for a Share without Redis.
      off.add(ComponentId.REDIS);
    }
    for (const [key, opts] of Object.entries(props.components ?? {})) {
      const id = key as ComponentId;
      if (!available.includes(id)) {
        fail(owner, `components.${key}`, key, `is not a control-plane component of Kasm ${this.version.version}; accepted: `
          + `${available.map(show).join(', ')} (the database is sized on KasmDatabase)`);
      }
      if (off.has(id)) fail(owner, `components.${key}`, key, 'is configured but the component is disabled');
      if (opts?.replicas !== undefined) {
        assertInteger(owner, `components.${key}.replicas`, opts.replicas, 1, 100);
        if (!this.contractOf(id).scalable && opts.replicas !== 1) {
          fail(owner, `components.${key}.replicas`, opts.replicas, 'is not accepted: this component keeps state in memory and runs as exactly 1 replica');
        }
      }
    }
    return available.filter((c) => !off.has(c));
  }

  private isDeployed(end: ComponentId | ExternalPeer): boolean {
    if (Object.values(ExternalPeer).includes(end as ExternalPeer)) return true;
    if (end === ComponentId.DB || end === ComponentId.DB_INIT) return true;
    return this.components.includes(end as ComponentId);
  }

  private resolveEdges(): ResolvedEdge[] {
    const resolve = (end: ComponentId | ExternalPeer) =>
      (Object.values(ExternalPeer).includes(end as ExternalPeer) ? end as ExternalPeer : this.selectorOf(end as ComponentId));
    return this.contract.edges
      .filter((e) => this.isDeployed(e.from) && this.isDeployed(e.to))
      .map((edge) => ({ edge, from: resolve(edge.from), to: resolve(edge.to) }));
  }

  /** The wait targets of a component, in the contract's order. */
  private waitTargetsOf(id: ComponentId): WaitTarget[] {
    return this.edges
      .filter((e) => e.edge.from === id && e.edge.waitFor !== undefined)
      .map(({ edge }) => {
        const check = edge.waitFor!;
        if (edge.to === ComponentId.DB) {
          return { check, targetName: 'database', host: this.database.host, port: this.database.port };
        }
        const target = this.contractOf(edge.to as ComponentId);
        const health = target.readiness;
        return {
          check,
          targetName: target.workloadName,
          host: target.serviceName,
          port: edge.port,
          ...(health.kind === 'http' ? { path: health.path, scheme: health.scheme } : {}),
        };
      });
  }

  private waitContainers(id: ComponentId, uid: number): k8s.Container[] {
    return this.waitTargetsOf(id).map((t) => {
      const image = this.contract.waitImages[t.check];
      if (!image) throw new Error(`Kasm ${this.version.version} contract has no wait image for ${t.check}`);
      return waitContainer(t, imageName(image, this.imageRegistry), uid, this.envContext, this.pullPolicy);
    });
  }

  private addComponent(owner: string, id: ComponentId, opts: KasmComponentOptions | undefined,
    proxy: { dnsResolver: string; sessionTimeoutSeconds: number }): void {
    const c = this.contractOf(id);
    const sizing = this.contract.sizing[this.size][id];
    if (!sizing) throw new Error(`Kasm ${this.version.version} contract has no ${this.size} sizing for ${id}`);
    const res = resolveResources(owner, `components.${id}.resources`, sizing.resources, opts?.resources);
    const labels = componentLabels(this.name, this.version.version, c.workloadName, id);
    const selector = selectorLabels(this.name, c.workloadName);
    const meta = (name: string) => ({ name, namespace: this.namespace, labels, annotations: waveAnnotation(SyncWave.CONTROL_PLANE) });

    const sa = new k8s.KubeServiceAccount(this, `${id}ServiceAccount`, {
      metadata: meta(c.workloadName),
      automountServiceAccountToken: false,
    });

    const writable = writableVolumes(c.writablePaths);
    const volumes: k8s.Volume[] = [...writable.volumes];
    const mounts: k8s.VolumeMount[] = [...writable.mounts];
    for (const tls of c.tlsMounts) {
      const vol = `tls-${tls.role}`;
      if (!volumes.some((v) => v.name === vol)) {
        volumes.push({ name: vol, secret: { secretName: this.secrets.tlsSecretName(tls.role), defaultMode: tls.mode } });
      }
      mounts.push({ name: vol, mountPath: tls.certPath, subPath: 'tls.crt', readOnly: true });
      mounts.push({ name: vol, mountPath: tls.keyPath, subPath: 'tls.key', readOnly: true });
    }
    const podAnnotations: Record<string, string> = {};
    if (id === ComponentId.PROXY) {
      const files = renderProxyConfig({
        contract: this.contract,
        enabled: new Set(this.components),
        workerProcesses: this.contract.proxyWorkers[this.size],
        dnsResolver: proxy.dnsResolver,
        sessionTimeoutSeconds: proxy.sessionTimeoutSeconds,
      });
      const cm = new k8s.KubeConfigMap(this, 'ProxyConfig', { metadata: meta(`${this.name}-proxy-config`), data: { ...files } });
      // conf.d is replaced as a whole, so no configuration baked into the image is included by accident.
      volumes.push(
        { name: 'nginx-conf', configMap: { name: cm.name, defaultMode: 0o444, items: [{ key: 'nginx.conf', path: 'nginx.conf' }] } },
        {
          name: 'nginx-conf-d',
          configMap: {
            name: cm.name,
            defaultMode: 0o444,
            items: [{ key: 'kasm.conf', path: 'kasm.conf' }, { key: 'kasm-locations.inc', path: 'kasm-locations.inc' }],
          },
        },
      );
      mounts.push(
        { name: 'nginx-conf', mountPath: PROXY_CONFIG_PATHS.nginxConf, subPath: 'nginx.conf', readOnly: true },
        { name: 'nginx-conf-d', mountPath: PROXY_CONFIG_PATHS.confDir, readOnly: true },
      );
      // subPath mounts never see ConfigMap updates, so a configuration change rolls the pods.
      podAnnotations['kasm.cdk8s.io/config-digest'] = digest(files);
    }

    const replicas = opts?.replicas ?? sizing.replicas;
    const deployment = new k8s.KubeDeployment(this, id, {
      metadata: meta(c.workloadName),
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels, ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}) },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            // Kasm finds its peers by DNS; service-link env vars (KASM_API_PORT=tcp://...) only risk collisions.
            enableServiceLinks: false,
            securityContext: hardenedPod(c.runAsUser),
            initContainers: this.waitContainers(id, c.runAsUser),
            containers: [{
              name: c.workloadName,
              image: imageName(c.image, this.imageRegistry),
              imagePullPolicy: this.pullPolicy,
              ...(c.args ? { args: [...c.args] } : {}),
              ports: c.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
              ...(c.env.length > 0 ? { env: envVars(c.env, this.envContext) } : {}),
              ...probes(c),
              resources: resourceRequirements(res),
              securityContext: hardenedContainer(c.runAsUser),
              volumeMounts: mounts,
            }],
            volumes,
          },
        },
      },
    });
    this.deployments.set(id, deployment);

    const service = new k8s.KubeService(this, `${id}Service`, {
      metadata: meta(c.serviceName),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: c.ports.filter((p) => p.exposed).map((p) => ({
          name: p.name, port: p.port, targetPort: k8s.IntOrString.fromNumber(p.port), protocol: 'TCP',
        })),
      },
    });
    this.services.set(id, service);
  }

  /**
   * The db-init Job: seeds the schema once. Re-running it changes nothing (it exits early when a zone row exists);
   * its name carries a digest of its pod template, so a changed template is a new Job instead of an immutable-field
   * error, and an unchanged one is left alone by `kubectl apply` and GitOps syncs.
   */
  private addDbInitJob(): void {
    const init = this.contract.dbInit;
    const jobName = `${this.name}-db-init`;
    const labels = { ...instanceLabels(this.name, this.version.version), 'app.kubernetes.io/name': jobName, 'app.kubernetes.io/component': 'db-init' };
    const meta = (name: string) => ({ name, namespace: this.namespace, labels, annotations: waveAnnotation(SyncWave.DB_INIT) });
    const sa = new k8s.KubeServiceAccount(this, 'DbInitServiceAccount', { metadata: meta(jobName), automountServiceAccountToken: false });
    const writable = writableVolumes(init.writablePaths);
    const volumes: k8s.Volume[] = [...writable.volumes];
    const mounts: k8s.VolumeMount[] = [...writable.mounts];
    const script = seedScript(init.mode);
    if (init.mode === DbInitMode.MOUNTED_SEED_SCRIPT) {
      const cm = new k8s.KubeConfigMap(this, 'DbInitScript', { metadata: meta(`${this.name}-db-init-script`), data: { 'seed.sh': script.seedFile! } });
      volumes.push({ name: 'seed', configMap: { name: cm.name, defaultMode: 0o555 } });
      mounts.push({ name: 'seed', mountPath: '/opt/cdk8s-kasm', readOnly: true });
    }
    const waits = this.waitContainers(ComponentId.DB_INIT, init.runAsUser);
    const podSpec: k8s.PodSpec = {
      serviceAccountName: sa.name,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'OnFailure',
      securityContext: hardenedPod(init.runAsUser),
      initContainers: waits,
      containers: [{
        name: 'db-init',
        image: imageName(init.image, this.imageRegistry),
        imagePullPolicy: this.pullPolicy,
        command: ['/bin/bash', '-c', script.command],
        env: envVars(init.env, this.envContext),
        resources: resourceRequirements(DB_INIT_RESOURCES),
        securityContext: hardenedContainer(init.runAsUser),
        volumeMounts: mounts,
      }],
      volumes,
    };
    new k8s.KubeJob(this, 'DbInit', {
      metadata: { ...meta(`${jobName}-${this.version.slug}-${digest(podSpec, 6)}`), labels },
      spec: {
        backoffLimit: 10,
        template: { metadata: { labels: { ...labels } }, spec: podSpec },
      },
    });
  }

  /** The proxy Deployment as an escape hatch. */
  public get apiObject(): ApiObject {
    return this.deploymentOf(ComponentId.PROXY);
  }
}

