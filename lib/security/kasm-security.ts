import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyEncoding, CertificateSpecPrivateKeyRotationPolicy,
  CertificateSpecUsages,
} from '../../imports/certmanager-certificate-cert-manager.io';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetDeletionPolicy } from '../../imports/externalsecrets-externalsecret-external-secrets.io';
import { SealedSecret } from '../../imports/sealedsecrets-sealedsecret-bitnami.com';
import { ComponentId, ExternalPeer, SecretKey, TlsRole } from '../contract/types';
import { KasmControlPlane } from '../control-plane/control-plane';
import { KasmIngress } from '../ingress/kasm-ingress';
import { componentLabel, digest, instanceLabels, selectorLabels, SyncWave, waveAnnotation } from '../core/metadata';
import type { GeneratorPlan } from './generator/secret-generator';
import { hardenedContainer, hardenedPod, imageName, resourceRequirements, writableVolumes } from '../core/pod';
import { Flow, FlowEnd, KasmNetworkPolicies, NetworkPeer } from './network-policies';
import {
  assertCidr, assertDnsSubdomain, assertInteger, assertOneOf, assertWholeSeconds, fail, KasmConfigError, show,
} from '../core/validation';

/** Kind of secret store an ExternalSecret reads from. */
export enum ExternalSecretStoreKind {
  SECRET_STORE = 'SecretStore',
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',
}

/** Options of {@link CredentialSource.externalSecrets}. */
export interface ExternalSecretsOptions {
  /** Name of the SecretStore or ClusterSecretStore. */
  readonly storeName: string;
  /** Kind of the store. @default ExternalSecretStoreKind.SECRET_STORE */
  readonly storeKind?: ExternalSecretStoreKind;
  /** Key of the remote secret that holds every credential (e.g. a Vault path or an AWS secret name). */
  readonly remoteKey: string;
  /** Property of the remote secret per contract key. @default - the contract key itself (e.g. 'db-password') */
  readonly remoteProperties?: { readonly [K in SecretKey]?: string };
  /** How often ESO re-reads the store. @default Duration.hours(1) */
  readonly refreshInterval?: Duration;
}

/** Options of {@link CredentialSource.sealedSecrets}. */
export interface SealedSecretsOptions {
  /** `kubeseal` ciphertext per contract key; every key the release needs must be present. */
  readonly encryptedData: { readonly [K in SecretKey]?: string };
  /** The scope the data was sealed with (`kubeseal --scope`). @default SealedSecretScope.STRICT */
  readonly scope?: SealedSecretScope;
}

/** `kubeseal --scope` values. */
export enum SealedSecretScope {
  STRICT = 'strict',
  NAMESPACE_WIDE = 'namespace-wide',
  CLUSTER_WIDE = 'cluster-wide',
}

/** Where the credentials Secret (`<name>-secrets`) comes from. */
export class CredentialSource {
  /** Generated in the cluster, once, by a Job that never overwrites an existing value (the default). */
  public static generated(): CredentialSource {
    return new CredentialSource('generated');
  }

  /** An existing Secret you create yourself (see the README for the kubectl command). */
  public static existing(): CredentialSource {
    return new CredentialSource('existing');
  }

  /** External Secrets Operator: an `ExternalSecret` that syncs the keys from a secret store. */
  public static externalSecrets(options: ExternalSecretsOptions): CredentialSource {
    return new CredentialSource('externalSecrets', options);
  }

  /** Sealed Secrets: a `SealedSecret` whose ciphertext is safe to keep in git. */
  public static sealedSecrets(options: SealedSecretsOptions): CredentialSource {
    return new CredentialSource('sealedSecrets', undefined, options);
  }

  private constructor(
    public readonly kind: 'generated' | 'existing' | 'externalSecrets' | 'sealedSecrets',
    public readonly externalSecrets?: ExternalSecretsOptions,
    public readonly sealedSecrets?: SealedSecretsOptions,
  ) {}
}

/** Kind of cert-manager issuer. */
export enum CertManagerIssuerKind {
  ISSUER = 'Issuer',
  CLUSTER_ISSUER = 'ClusterIssuer',
}

/** Options of {@link TlsSource.certManager}. */
export interface CertManagerOptions {
  /** Name of the Issuer or ClusterIssuer. */
  readonly issuerName: string;
  /** Kind of the issuer. @default CertManagerIssuerKind.ISSUER */
  readonly issuerKind?: CertManagerIssuerKind;
  /** Certificate lifetime. @default Duration.days(90) */
  readonly duration?: Duration;
  /** Renew this long before expiry. @default Duration.days(30) */
  readonly renewBefore?: Duration;
}

/** Where TLS certificates come from. */
export class TlsSource {
  /** A self-signed internal CA and leaf certificates created in the cluster by the generator Job (the default). */
  public static generated(): TlsSource {
    return new TlsSource('generated');
  }

  /** `kubernetes.io/tls` Secrets you create yourself. */
  public static existing(): TlsSource {
    return new TlsSource('existing');
  }

  /** cert-manager `Certificate`s issued by an Issuer or ClusterIssuer. */
  public static certManager(options: CertManagerOptions): TlsSource {
    return new TlsSource('certManager', options);
  }

  private constructor(public readonly kind: 'generated' | 'existing' | 'certManager', public readonly certManager?: CertManagerOptions) {}
}

/** Props for {@link KasmSecurity}. */
export interface KasmSecurityProps {
  /** The control plane to secure; its Secret names and dependency graph drive everything here. */
  readonly controlPlane: KasmControlPlane;
  /** The ingress, whose host names the ingress certificate and the proxy certificate carry. @default - no ingress certificate */
  readonly ingress?: KasmIngress;
  /** Source of the credentials Secret. @default CredentialSource.generated() */
  readonly credentials?: CredentialSource;
  /** Source of the internal TLS certificates (database, proxy, RDP gateways). @default TlsSource.generated() */
  readonly tls?: TlsSource;
  /** Source of the ingress certificate. @default - the same as `tls` */
  readonly ingressTls?: TlsSource;
  /** Write the NetworkPolicies. @default true */
  readonly networkPolicies?: boolean;
  /** Pods allowed to reach the proxy's HTTP port (the ingress controller). @default NetworkPeer.k3sTraefik() */
  readonly ingressController?: NetworkPeer;
  /** The cluster DNS pods every pod may query on port 53. @default NetworkPeer.kubeDns() */
  readonly dns?: NetworkPeer;
  /** Address ranges of the Kasm agents (outside the cluster); empty keeps agent traffic closed. @default [] */
  readonly agentCidrs?: readonly string[];
  /** Address ranges of the RDP/VNC/SSH servers users connect to through guac and the RDP gateways; empty keeps them closed. @default [] */
  readonly serverCidrs?: readonly string[];
  /** Ranges removed from `agentCidrs` and `serverCidrs`, e.g. the cluster's pod and Service CIDRs. @default ['10.42.0.0/16', '10.43.0.0/16'] (K3s and RKE2) */
  readonly clusterCidrs?: readonly string[];
  /** Ports of the Kubernetes API server the generator Job may reach (any address). @default [443, 6443] */
  readonly apiServerPorts?: readonly number[];
  /** Cluster DNS domain, for the certificates' fully qualified names. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Lifetime of generated certificates. @default Duration.days(3650) */
  readonly generatedCertificateValidity?: Duration;
}

/** The image of the generator Job: Docker's official Node.js image, pinned; the script uses only Node built-ins. */
export const GENERATOR_IMAGE = { repository: 'node', tag: '24.21.0-alpine' };
/** The official Node.js image's unprivileged `node` user. */
const GENERATOR_UID = 1000;
const GENERATOR_DIR = '/opt/kasm-generator';

/** The generator script, shipped beside this module (copied into `build/` by `npm run build`). */
function generatorScript(): string {
  return fs.readFileSync(path.join(__dirname, 'generator', 'secret-generator.js'), 'utf8');
}

/**
 * Security by default for one control plane: its Secrets filled from a chosen source (generated in the cluster by
 * default, so nothing secret is ever in git), NetworkPolicies derived from the contract's dependency graph
 * (default deny, then exactly the edges), and the Pod Security "restricted" profile, which every Kasm pod meets.
 *
 * The generator Job is the one pod that mounts a ServiceAccount token: it needs the API to create Secrets, and its
 * Role allows only `create` on Secrets (Kubernetes cannot restrict `create` by name) and `get`/`patch` on the
 * named ones.
 */
export class KasmSecurity extends Construct {
  public readonly credentials: CredentialSource;
  public readonly tls: TlsSource;
  public readonly ingressTls: TlsSource;
  /** Secret holding the internal CA, when certificates are generated. */
  public readonly caSecretName: string;
  /** The flows the NetworkPolicies allow, for tests and the doctor. */
  public readonly flows: readonly Flow[];
  private readonly cp: KasmControlPlane;

  constructor(scope: Construct, id: string, props: KasmSecurityProps) {
    super(scope, id);
    const owner = 'KasmSecurity';
    if (!props?.controlPlane) fail(owner, 'controlPlane', undefined, 'is required; pass the KasmControlPlane to secure');
    const cp = props.controlPlane;
    this.cp = cp;
    this.credentials = props.credentials ?? CredentialSource.generated();
    this.tls = props.tls ?? TlsSource.generated();
    this.ingressTls = props.ingressTls ?? this.tls;
    this.checkSources(owner, props);
    this.caSecretName = `${cp.name}-internal-ca`;
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    assertDnsSubdomain(owner, 'clusterDomain', clusterDomain);
    const validityDays = (props.generatedCertificateValidity ?? Duration.days(3650)).toDays({ integral: false });
    if (!Number.isInteger(validityDays) || validityDays < 30 || validityDays > 36500) {
      fail(owner, 'generatedCertificateValidity', `${validityDays} days`, 'is not accepted; pass whole days from 30 to 36500');
    }
    const agentCidrs = props.agentCidrs ?? [];
    agentCidrs.forEach((c, i) => assertCidr(owner, `agentCidrs[${i}]`, c));
    const serverCidrs = props.serverCidrs ?? [];
    serverCidrs.forEach((c, i) => assertCidr(owner, `serverCidrs[${i}]`, c));
    const clusterCidrs = props.clusterCidrs ?? ['10.42.0.0/16', '10.43.0.0/16'];
    clusterCidrs.forEach((c, i) => assertCidr(owner, `clusterCidrs[${i}]`, c));
    const apiServerPorts = props.apiServerPorts ?? [443, 6443];
    if (apiServerPorts.length === 0) fail(owner, 'apiServerPorts', apiServerPorts, 'is empty; the generator Job needs the API server (K3s and RKE2: 6443, through the Service: 443)');
    apiServerPorts.forEach((p, i) => assertInteger(owner, `apiServerPorts[${i}]`, p, 1, 65535));

    const labels = { ...instanceLabels(cp.name, cp.version.version), 'app.kubernetes.io/component': 'security' };
    const certificates = this.certificatePlan(clusterDomain, props.ingress);

    const generatesCredentials = this.credentials.kind === 'generated';
    const generatesTls = this.tls.kind === 'generated' || (this.ingressTls.kind === 'generated' && props.ingress !== undefined);
    const generatorFlows: Flow[] = [];
    if (generatesCredentials || generatesTls) {
      const plan: GeneratorPlan = {
        namespace: cp.namespace,
        labels: instanceLabels(cp.name, cp.version.version),
        credentials: generatesCredentials
          ? { secretName: cp.secrets.credentialsSecretName, keys: [...cp.version.contract.secretKeys] }
          : null,
        ca: generatesTls ? { secretName: this.caSecretName, commonName: `${cp.name}-internal-ca`, validityDays } : null,
        certificates: certificates
          .filter((c) => (c.role === 'ingress' ? this.ingressTls.kind === 'generated' : this.tls.kind === 'generated'))
          .map((c) => ({ secretName: c.secretName, commonName: c.commonName, dnsNames: c.dnsNames, validityDays })),
      };
      const generator = this.addGenerator(plan, labels, cp);
      generatorFlows.push(...apiServerPorts.map((port): Flow => ({
        from: generator, to: { kind: 'anywhere', name: 'kube-apiserver' }, port, protocol: 'TCP', purpose: 'creates the Secrets',
      })));
    }
    if (this.credentials.kind === 'externalSecrets') this.addExternalSecret(owner, labels);
    if (this.credentials.kind === 'sealedSecrets') this.addSealedSecret(labels);
    for (const c of certificates) {
      const source = c.role === 'ingress' ? this.ingressTls : this.tls;
      if (source.kind === 'certManager') this.addCertificate(c, source.certManager!, labels);
    }

    this.flows = [...this.graphFlows(props, agentCidrs, serverCidrs, clusterCidrs), ...generatorFlows];
    if (props.networkPolicies ?? true) {
      new KasmNetworkPolicies(this, 'NetworkPolicies', { namespace: cp.namespace, name: cp.name, labels, flows: this.flows });
    }
  }

  private checkSources(owner: string, props: KasmSecurityProps): void {
    const credentialKinds = ['generated', 'existing', 'externalSecrets', 'sealedSecrets'];
    if (!(this.credentials instanceof CredentialSource) || !credentialKinds.includes(this.credentials.kind)) {
      fail(owner, 'credentials', (this.credentials as any)?.kind ?? this.credentials, `is not a known secret source; use CredentialSource.${credentialKinds.join('(), CredentialSource.')}()`);
    }
    for (const [prop, source] of [['tls', this.tls], ['ingressTls', this.ingressTls]] as const) {
      if (!(source instanceof TlsSource) || !['generated', 'existing', 'certManager'].includes(source.kind)) {
        fail(owner, prop, (source as any)?.kind ?? source, 'is not a known TLS source; use TlsSource.generated(), TlsSource.existing() or TlsSource.certManager()');
      }
    }
    const eso = this.credentials.externalSecrets;
    if (this.credentials.kind === 'externalSecrets') {
      if (!eso?.storeName) fail(owner, 'credentials.storeName', eso?.storeName, 'is required for External Secrets: name the SecretStore or ClusterSecretStore');
      assertDnsSubdomain(owner, 'credentials.storeName', eso.storeName);
      assertOneOf(owner, 'credentials.storeKind', eso.storeKind ?? ExternalSecretStoreKind.SECRET_STORE, Object.values(ExternalSecretStoreKind));
      if (!eso.remoteKey || typeof eso.remoteKey !== 'string') fail(owner, 'credentials.remoteKey', eso.remoteKey, 'is required: the key of the remote secret holding the credentials');
      const unknown = Object.keys(eso.remoteProperties ?? {}).filter((k) => !this.cp.version.contract.secretKeys.includes(k as SecretKey));
      if (unknown.length > 0) fail(owner, 'credentials.remoteProperties', unknown[0], `is not a key Kasm ${this.cp.version.version} uses; accepted: ${this.cp.version.contract.secretKeys.map(show).join(', ')}`);
      assertWholeSeconds(owner, 'credentials.refreshInterval', (eso.refreshInterval ?? Duration.hours(1)).toSeconds({ integral: false }), 60, 31536000);
    }
    const sealed = this.credentials.sealedSecrets;
    if (this.credentials.kind === 'sealedSecrets') {
      const data = sealed?.encryptedData ?? {};
      const missing = this.cp.version.contract.secretKeys.filter((k) => !(k in data));
      if (missing.length > 0) fail(owner, 'credentials.encryptedData', Object.keys(data), `lacks ${missing.map(show).join(', ')}; seal every key Kasm ${this.cp.version.version} needs`);
      for (const [k, v] of Object.entries(data)) {
        if (!this.cp.version.contract.secretKeys.includes(k as SecretKey)) fail(owner, `credentials.encryptedData.${k}`, k, `is not a key Kasm ${this.cp.version.version} uses`);
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]{40,}={0,2}$/.test(v)) {
          fail(owner, `credentials.encryptedData.${k}`, typeof v === 'string' ? `${v.slice(0, 12)}...` : v, 'is not kubeseal ciphertext (base64, at least 40 characters); seal the value with `kubeseal --raw`');
        }
      }
      assertOneOf(owner, 'credentials.scope', sealed?.scope ?? SealedSecretScope.STRICT, Object.values(SealedSecretScope));
    }
    for (const [prop, source] of [['tls', this.tls], ['ingressTls', this.ingressTls]] as const) {
      if (source.kind !== 'certManager') continue;
      const cm = source.certManager;
      if (!cm?.issuerName) fail(owner, `${prop}.issuerName`, cm?.issuerName, 'is required for cert-manager: name the Issuer or ClusterIssuer');
      assertDnsSubdomain(owner, `${prop}.issuerName`, cm.issuerName);
      assertOneOf(owner, `${prop}.issuerKind`, cm.issuerKind ?? CertManagerIssuerKind.ISSUER, Object.values(CertManagerIssuerKind));
      const duration = (cm.duration ?? Duration.days(90)).toHours({ integral: false });
      const renew = (cm.renewBefore ?? Duration.days(30)).toHours({ integral: false });
      if (!(renew > 0 && renew < duration)) fail(owner, `${prop}.renewBefore`, `${renew}h`, `must be shorter than duration (${duration}h)`);
    }
    if (props.ingressTls && !props.ingress) {
      fail(owner, 'ingressTls', props.ingressTls.kind, 'is set but no ingress was passed; pass `ingress` so the certificate knows its host names');
    }
  }

  /** Each TLS Secret to fill: its role, name, common name and DNS names. */
  private certificatePlan(clusterDomain: string, ingress?: KasmIngress) {
    const cp = this.cp;
    const ns = cp.namespace;
    const names = (service: string) => [service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.${clusterDomain}`];
    const plan: { role: TlsRole | 'ingress'; secretName: string; commonName: string; dnsNames: string[] }[] = [];
    for (const role of Object.values(TlsRole)) {
      // An external database (no TLS Secret of ours) brings its own certificate.
      const components = (cp.version.contract.tlsRoles[role] ?? [])
        .filter((c) => (c === ComponentId.DB ? cp.database.tlsSecretName !== undefined : cp.components.includes(c)));
      if (components.length === 0) continue;
      const services = components.map((c) => (c === ComponentId.DB ? cp.database.host : cp.contractOf(c).serviceName));
      const dnsNames = services.flatMap(names);
      // Agents may reach the proxy's TLS listener under the public host names.
      if (role === TlsRole.PROXY && ingress) dnsNames.push(...ingress.hostnames);
      const secretName = role === TlsRole.DB ? cp.database.tlsSecretName ?? cp.secrets.tlsSecretName(role) : cp.secrets.tlsSecretName(role);
      plan.push({ role, secretName, commonName: services[0], dnsNames: [...new Set(dnsNames)] });
    }
    if (ingress) {
      plan.push({ role: 'ingress', secretName: ingress.tlsSecretName, commonName: ingress.hostnames[0], dnsNames: [...ingress.hostnames] });
    }
    return plan;
  }

  private addGenerator(plan: GeneratorPlan, labels: Record<string, string>, cp: KasmControlPlane): FlowEnd {
    const name = `${cp.name}-secret-generator`;
    const meta = (n: string) => ({ name: n, namespace: cp.namespace, labels, annotations: waveAnnotation(SyncWave.SECRETS) });
    const secretNames = [
      ...(plan.credentials ? [plan.credentials.secretName] : []),
      ...(plan.ca ? [plan.ca.secretName] : []),
      ...(plan.certificates ?? []).map((c) => c.secretName),
    ];
    const sa = new k8s.KubeServiceAccount(this, 'GeneratorServiceAccount', { metadata: meta(name) });
    const role = new k8s.KubeRole(this, 'GeneratorRole', {
      metadata: meta(name),
      rules: [
        // `create` cannot be limited to names (the name is not known at authorization time).
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: secretNames, verbs: ['get', 'patch'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'GeneratorRoleBinding', {
      metadata: meta(name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: cp.namespace }],
    });
    const files = { 'plan.json': `${JSON.stringify(plan, null, 2)}\n`, 'secret-generator.js': generatorScript() };
    const cm = new k8s.KubeConfigMap(this, 'GeneratorConfig', { metadata: meta(name), data: files });
    const selector = selectorLabels(cp.name, name);
    const podLabels = { ...labels, ...selector };
    const writable = writableVolumes([{ path: '/tmp', sizeLimit: '16Mi' }]);
    const podSpec: k8s.PodSpec = {
      serviceAccountName: sa.name,
      // The one pod with an API token: it creates the Secrets.
      automountServiceAccountToken: true,
      enableServiceLinks: false,
      restartPolicy: 'OnFailure',
      securityContext: hardenedPod(GENERATOR_UID),
      containers: [{
        name: 'secret-generator',
        image: imageName(GENERATOR_IMAGE, cp.imageRegistry),
        imagePullPolicy: 'IfNotPresent',
        command: ['node', `${GENERATOR_DIR}/secret-generator.js`, `${GENERATOR_DIR}/plan.json`],
        resources: resourceRequirements({
          cpuRequest: '50m', cpuLimit: '1000m', memoryRequest: '64Mi', memoryLimit: '256Mi',
          ephemeralStorageRequest: '10Mi', ephemeralStorageLimit: '64Mi',
        }),
        securityContext: hardenedContainer(GENERATOR_UID),
        volumeMounts: [{ name: 'generator', mountPath: GENERATOR_DIR, readOnly: true }, ...writable.mounts],
      }],
      volumes: [{ name: 'generator', configMap: { name: cm.name, defaultMode: 0o444 } }, ...writable.volumes],
    };
    new k8s.KubeJob(this, 'Generator', {
      // Named after its inputs: an unchanged plan is left alone by re-syncs, a changed one runs again (it only fills gaps).
      metadata: { ...meta(`${name}-${digest({ files, podSpec }, 6)}`) },
      spec: { backoffLimit: 6, template: { metadata: { labels: podLabels }, spec: podSpec } },
    });
    return { kind: 'pods', name: 'secret-generator', namespace: cp.namespace, selector };
  }

  private addExternalSecret(owner: string, labels: Record<string, string>): void {
    const cp = this.cp;
    const o = this.credentials.externalSecrets!;
    const interval = (o.refreshInterval ?? Duration.hours(1)).toSeconds({ integral: false });
    if (!Number.isInteger(interval)) fail(owner, 'credentials.refreshInterval', `${interval}s`, 'is not whole seconds');
    new ExternalSecret(this, 'Credentials', {
      metadata: { name: cp.secrets.credentialsSecretName, namespace: cp.namespace, labels, annotations: waveAnnotation(SyncWave.SECRETS) },
      spec: {
        refreshInterval: `${interval}s`,
        secretStoreRef: { name: o.storeName, kind: (o.storeKind ?? ExternalSecretStoreKind.SECRET_STORE) as unknown as ExternalSecretSpecSecretStoreRefKind },
        target: {
          name: cp.secrets.credentialsSecretName,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          // Keep the Secret if the store loses a key: the database still has the old password.
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        },
        data: cp.version.contract.secretKeys.map((key) => ({
          secretKey: key,
          remoteRef: { key: o.remoteKey, property: o.remoteProperties?.[key] ?? key },
        })),
      },
    });
  }

  private addSealedSecret(labels: Record<string, string>): void {
    const cp = this.cp;
    const o = this.credentials.sealedSecrets!;
    const scope = o.scope ?? SealedSecretScope.STRICT;
    const scopeAnnotation: Record<string, string> = scope === SealedSecretScope.NAMESPACE_WIDE
      ? { 'sealedsecrets.bitnami.com/namespace-wide': 'true' }
      : scope === SealedSecretScope.CLUSTER_WIDE ? { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } : {};
    const encryptedData = Object.fromEntries(cp.version.contract.secretKeys.map((k) => [k, o.encryptedData[k]!]));
    new SealedSecret(this, 'Credentials', {
      metadata: {
        name: cp.secrets.credentialsSecretName, namespace: cp.namespace, labels,
        annotations: { ...waveAnnotation(SyncWave.SECRETS), ...scopeAnnotation },
      },
      spec: {
        encryptedData,
        template: { metadata: { name: cp.secrets.credentialsSecretName, namespace: cp.namespace, labels }, type: 'Opaque' },
      },
    });
  }

  private addCertificate(c: { role: TlsRole | 'ingress'; secretName: string; commonName: string; dnsNames: string[] }, o: CertManagerOptions, labels: Record<string, string>): void {
    const cp = this.cp;
    new Certificate(this, `Certificate-${c.role}`, {
      metadata: { name: c.secretName, namespace: cp.namespace, labels, annotations: waveAnnotation(SyncWave.SECRETS) },
      spec: {
        secretName: c.secretName,
        commonName: c.commonName,
        dnsNames: c.dnsNames,
        issuerRef: { name: o.issuerName, kind: o.issuerKind ?? CertManagerIssuerKind.ISSUER, group: 'cert-manager.io' },
        duration: `${(o.duration ?? Duration.days(90)).toHours({ integral: false })}h`,
        renewBefore: `${(o.renewBefore ?? Duration.days(30)).toHours({ integral: false })}h`,
        // PKCS#1 RSA: the format PostgreSQL, nginx and rdpproxy all read.
        privateKey: {
          algorithm: CertificateSpecPrivateKeyAlgorithm.RSA,
          size: 2048,
          encoding: CertificateSpecPrivateKeyEncoding.PKCS1,
          rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
        },
        usages: [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.CLIENT_AUTH, CertificateSpecUsages.DIGITAL_SIGNATURE, CertificateSpecUsages.KEY_ENCIPHERMENT],
        secretTemplate: { labels },
      },
    });
  }

  /** The dependency graph as flows: every in-cluster edge, the ingress controller, agents and servers, and DNS. */
  private graphFlows(props: KasmSecurityProps, agentCidrs: readonly string[], serverCidrs: readonly string[], clusterCidrs: readonly string[]): Flow[] {
    const cp = this.cp;
    const ingressController = props.ingressController ?? NetworkPeer.k3sTraefik();
    const dns = props.dns ?? NetworkPeer.kubeDns();
    if (!(ingressController instanceof NetworkPeer)) throw new KasmConfigError(`KasmSecurity ingressController: ${show(ingressController)} is not a NetworkPeer; use NetworkPeer.pods(...) or NetworkPeer.k3sTraefik()`);
    const agents = agentCidrs.length > 0 ? NetworkPeer.cidrs(agentCidrs, clusterCidrs, 'agents').end : undefined;
    const servers = serverCidrs.length > 0 ? NetworkPeer.cidrs(serverCidrs, clusterCidrs, 'servers').end : undefined;
    const end = (e: ComponentId | ExternalPeer): FlowEnd | undefined => {
      if (e === ExternalPeer.AGENTS) return agents;
      if (e === ExternalPeer.SERVERS) return servers;
      if (e === ExternalPeer.INGRESS_CONTROLLER) return ingressController.end;
      const id = e as ComponentId;
      const namespace = id === ComponentId.DB ? cp.database.namespace : cp.namespace;
      if (id === ComponentId.DB && !cp.database.podSelector) return undefined;
      return { kind: 'pods', name: componentLabel(id), namespace, selector: cp.selectorOf(id) };
    };
    const flows: Flow[] = [];
    for (const { edge } of cp.edges) {
      const from = end(edge.from);
      const to = end(edge.to);
      if (!from || !to) continue;
      flows.push({ from, to, port: edge.port, protocol: 'TCP', purpose: edge.purpose });
    }
    const all: FlowEnd = { kind: 'pods', name: 'all-pods', namespace: cp.namespace, selector: {} };
    for (const protocol of ['UDP', 'TCP'] as const) {
      flows.push({ from: all, to: dns.end, port: 53, protocol, purpose: 'resolves Service and agent names' });
    }
    return flows;
  }
}

