/**
 * KasmSecurity: security by default for one control plane, composed from the secret sources, the generator, the
 * certificates and the NetworkPolicies derived from the dependency graph.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { IKasmControlPlane } from '../control-plane/interface';
import { k8s } from 'cdk8s-plus-27';
import { instanceLabels, runtimeLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { assertCidr, assertDuration, assertPlainObject, assertStringList, fail } from '../core/validation';
import { assertFrontDoor, IKasmFrontDoor } from '../ingress/interface';
import type { IKasmExposure } from '../ingress/rdp-exposure';
import { addNetworkNotes } from './network-notes';
import { addCertManagerCertificate, certificatePlan } from './certificates';
import { SecretGenerator } from './generator';
import type { GeneratorPlan } from './generator/plan';
import { Flow, NetworkPeer } from './network-peer';
import { expectedConnections, graphFlows, SecurityReach } from './security-flows';
import { EgressRule, egressRuleFlows } from './egress';
import { KasmEgressPolicy, KasmNetworkPolicies } from './network-policies';
import { assertSources, CredentialSource, TlsSource } from './sources';
import { attachDoctor } from '../doctor/app-doctor';
import { DeclaredBy, DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { SecretKey } from '../contract/types';

/** Props for {@link KasmSecurity}. */
export interface KasmSecurityProps {
  /** The control plane to secure; its Secret names and dependency graph drive everything here. */
  readonly controlPlane: IKasmControlPlane;
  /** The front door, whose controller reaches the proxy and whose host names the ingress certificate carries. @default - no front door: nothing outside the namespace reaches the proxy */
  readonly frontDoor?: IKasmFrontDoor;
  /** Source of the credentials Secret. @default CredentialSource.generated() */
  readonly credentials?: CredentialSource;
  /** Source of the internal TLS certificates (database, proxy, RDP gateways). @default TlsSource.generated() */
  readonly tls?: TlsSource;
  /** Source of the ingress certificate. @default - the same as `tls` */
  readonly ingressTls?: TlsSource;
  /** Write the NetworkPolicies. @default true */
  readonly networkPolicies?: boolean;
  /** Address ranges of the Kasm agents (outside the cluster); empty keeps agent traffic closed. @default [] */
  readonly agentCidrs?: readonly string[];
  /** Address ranges of the RDP/VNC/SSH servers users connect to through guac and the RDP gateways; empty keeps them closed. @default [] */
  readonly serverCidrs?: readonly string[];
  /** Lifetime of generated certificates. @default Duration.days(3650) */
  readonly generatedCertificateValidity?: Duration;
  /** Outbound traffic beyond the dependency graph (identity providers, SMTP, registries, cloud APIs); see {@link KasmSecurity.allowEgress}. @default [] */
  readonly egress?: readonly EgressRule[];
  /** Entrances besides the front door (KasmRdpExposure): the policies admit exactly their inbound flows. @default [] */
  readonly exposures?: readonly IKasmExposure[];
}

/**
 * The ExternalSecret and SealedSecret builders, loaded when a credentials source needs them: their generated
 * bindings are ~100 KB of JavaScript to compile, and most deployments generate the Secret in the cluster instead.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const syncedCredentials = () => require('./synced-credentials') as typeof import('./synced-credentials');

/**
 * Security by default for one control plane: its Secrets filled from a chosen source (generated in the cluster by
 * default, so nothing secret is ever in git), NetworkPolicies derived from the contract's dependency graph
 * (default deny, then exactly the edges), and the Pod Security "restricted" profile, which every Kasm pod meets.
 *
 * The cluster's DNS, CIDRs and API server ports come from the control plane's {@link ClusterProfile}.
 */
export class KasmSecurity extends Construct {
  public readonly credentials: CredentialSource;
  public readonly tls: TlsSource;
  public readonly ingressTls: TlsSource;
  /** Secret holding the internal CA, when certificates are generated. */
  public readonly caSecretName: string;
  /** The flows the NetworkPolicies allow, for tests and the doctor. */
  public get flows(): readonly Flow[] {
    return [...this.graphAndGeneratorFlows, ...this.extraEgress.flatMap((e) => e.flows)];
  }
  /** The agents' address ranges as a peer, when any are configured. */
  public readonly agents?: NetworkPeer;
  /** The servers' address ranges as a peer, when any are configured. */
  public readonly servers?: NetworkPeer;
  public readonly controlPlane: IKasmControlPlane;
  public readonly frontDoor?: IKasmFrontDoor;
  public readonly exposures: readonly IKasmExposure[];
  private readonly graphAndGeneratorFlows: readonly Flow[];
  private readonly extraEgress: { flows: Flow[]; rule: string }[] = [];
  private readonly policiesEnabled: boolean;
  /** The database's namespace when it is not the control plane's and this construct polices it too. */
  public readonly databaseNamespace?: string;
  private readonly policyLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: KasmSecurityProps) {
    super(scope, id);
    const owner = 'KasmSecurity';
    assertPlainObject(owner, 'props', props, true);
    if (!props.controlPlane) fail(owner, 'controlPlane', undefined, 'is required; pass the KasmControlPlane to secure');
    const cp = props.controlPlane;
    this.controlPlane = cp;
    if (props.frontDoor !== undefined) assertFrontDoor(owner, 'frontDoor', props.frontDoor);
    this.frontDoor = props.frontDoor;
    const cluster = cp.cluster;
    this.credentials = props.credentials ?? CredentialSource.generated();
    this.tls = props.tls ?? TlsSource.generated();
    this.ingressTls = props.ingressTls ?? this.tls;
    assertSources(owner, cp, this, props.ingressTls !== undefined && props.frontDoor === undefined);
    if (cp.database.tlsSecretName !== undefined && cp.database.namespace !== cp.namespace
      && (this.credentials.kind !== 'existing' || this.tls.kind !== 'existing')) {
      fail(owner, 'controlPlane.database', cp.database.namespace, `is not the control plane's namespace ${JSON.stringify(cp.namespace)}: `
        + 'KasmSecurity fills Secrets in the control plane\'s namespace only, and the database pods cannot read them from there. '
        + 'Create the database\'s Secrets in its namespace and use CredentialSource.existing() and TlsSource.existing(), '
        + 'or keep the database in the control plane\'s namespace');
    }
    this.caSecretName = `${cp.name}-internal-ca`;
    if (props.generatedCertificateValidity !== undefined) assertDuration(owner, 'generatedCertificateValidity', props.generatedCertificateValidity);
    const validityDays = (props.generatedCertificateValidity ?? Duration.days(3650)).toDays({ integral: false });
    if (!Number.isInteger(validityDays) || validityDays < 30 || validityDays > 36500) {
      fail(owner, 'generatedCertificateValidity', `${validityDays} days`, 'is not accepted; pass whole days from 30 to 36500');
    }
    const agentCidrs = props.agentCidrs ?? [];
    assertStringList(owner, 'agentCidrs', agentCidrs, assertCidr);
    const serverCidrs = props.serverCidrs ?? [];
    assertStringList(owner, 'serverCidrs', serverCidrs, assertCidr);
    if (props.exposures !== undefined && !Array.isArray(props.exposures)) fail(owner, 'exposures', props.exposures, 'is not a list; pass an array of exposures, e.g. [new KasmRdpExposure(...)]');
    this.exposures = [...(props.exposures ?? [])];
    this.exposures.forEach((e, i) => {
      if (!Array.isArray(e?.inbound) || e.inbound.some((f) => !cp.components.includes(f.component) || !(f.from instanceof NetworkPeer))) {
        fail(owner, `exposures[${i}]`, e?.node?.path ?? e, 'is not an exposure of this control plane; pass a KasmRdpExposure built for the same control plane');
      }
    });
    this.agents = agentCidrs.length > 0 ? NetworkPeer.outsideCluster(owner, 'agentCidrs', agentCidrs, cluster.clusterCidrs, 'agents') : undefined;
    this.servers = serverCidrs.length > 0 ? NetworkPeer.outsideCluster(owner, 'serverCidrs', serverCidrs, cluster.clusterCidrs, 'servers') : undefined;

    const labels = { ...instanceLabels(cp.name, cp.version.version), 'app.kubernetes.io/component': 'security' };
    const certificates = certificatePlan(cp, cluster.clusterDomain, props.frontDoor);

    const generatesCredentials = this.credentials.kind === 'generated';
    const generatesTls = this.tls.kind === 'generated' || (this.ingressTls.kind === 'generated' && props.frontDoor !== undefined);
    const generatorFlows: Flow[] = [];
    if (generatesCredentials || generatesTls) {
      const plan: GeneratorPlan = {
        namespace: cp.namespace,
        // The Secrets are created at runtime: no tracking label, or label-tracking GitOps would prune them.
        labels: runtimeLabels(instanceLabels(cp.name, cp.version.version)),
        credentials: generatesCredentials
          ? { secretName: cp.secrets.credentialsSecretName, keys: generatedCredentialKeys(cp) }
          : null,
        ca: generatesTls ? { secretName: this.caSecretName, commonName: `${cp.name}-internal-ca`, validityDays } : null,
        certificates: certificates
          .filter((c) => (c.role === 'ingress' ? this.ingressTls.kind === 'generated' : this.tls.kind === 'generated'))
          .map((c) => ({ secretName: c.secretName, commonName: c.commonName, dnsNames: c.dnsNames, validityDays })),
        ...(generatesCredentials && cp.database.passwordMirror ? {
          mirrors: [{ ...cp.database.passwordMirror, fromKey: cp.database.passwordSecret.key }],
        } : {}),
      };
      const generator = new SecretGenerator(this, 'Generator', { controlPlane: cp, plan, labels });
      generatorFlows.push(...cluster.apiServerPorts.map((port): Flow => ({
        from: generator.pods, to: { kind: 'anywhere', name: 'kube-apiserver' }, port, protocol: 'TCP', purpose: 'creates the Secrets',
      })));
    }
    if (this.credentials.kind === 'externalSecrets') syncedCredentials().addExternalSecret(this, cp, this.credentials.externalSecrets!, labels);
    if (this.credentials.kind === 'sealedSecrets') syncedCredentials().addSealedSecret(this, cp, this.credentials.sealedSecrets!, labels);
    for (const c of certificates) {
      const source = c.role === 'ingress' ? this.ingressTls : this.tls;
      if (source.kind === 'certManager') addCertManagerCertificate(this, c, source.certManager!, cp.namespace, labels);
    }

    this.graphAndGeneratorFlows = [...graphFlows(this.reach()), ...generatorFlows];
    this.databaseNamespace = this.databaseNamespacePolicies(props.networkPolicies ?? true, labels);
    this.policiesEnabled = props.networkPolicies ?? true;
    this.policyLabels = labels;
    if (this.policiesEnabled) {
      new KasmNetworkPolicies(this, 'NetworkPolicies', { namespace: cp.namespace, name: cp.name, labels, flows: this.graphAndGeneratorFlows });
    }
    if (props.egress !== undefined && !Array.isArray(props.egress)) fail(owner, 'egress', props.egress, 'is not a list; pass an array of egress rules');
    (props.egress ?? []).forEach((rule, i) => this.addEgress(`egress[${i}]`, rule));
    this.declareToDoctor(certificates.map((c) => ({ name: c.secretName, role: c.role })), generatesCredentials);
    addNetworkNotes(this, { agentCidrs, serverCidrs, enabled: this.policiesEnabled });
    attachDoctor(this);
  }

  /**
   * A database in a namespace of its own (CloudNativePG) gets that namespace's policies here too: default deny, its
   * clients from the control plane's dependency graph, and the flows the database declares for itself (replication,
   * its operator, the API server). Nothing else reaches the database pods.
   */
  private databaseNamespacePolicies(enabled: boolean, labels: Record<string, string>): string | undefined {
    const cp = this.controlPlane;
    const db = cp.database;
    if (db.namespace === cp.namespace || db.peer?.end.kind !== 'pods' || !db.ownFlows) return undefined;
    const dbEnd = db.peer.end;
    const clientFlows = this.graphAndGeneratorFlows.filter((f) => f.to === dbEnd || (f.to.kind === 'pods' && f.to.namespace === db.namespace));
    if (enabled) {
      // Named after both namespaces: object files are named kind.name, and the control plane's policies are `<name>-...`.
      new KasmNetworkPolicies(this, 'DatabaseNetworkPolicies', { namespace: db.namespace, name: `${cp.name}-${db.namespace}`, labels, flows: [...clientFlows, ...db.ownFlows] });
    }
    if (db.passwordMirror && this.credentials.kind === 'generated') {
      // The generator writes the password copy there: a Role in that namespace for exactly that Secret.
      const name = `${cp.name}-secret-generator`;
      const meta = { name: `${name}-${cp.namespace}`, namespace: db.namespace, labels, annotations: waveAnnotation(SyncWave.SECRETS) };
      const role = new k8s.KubeRole(this, 'GeneratorDatabaseRole', {
        metadata: meta,
        rules: [
          { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
          { apiGroups: [''], resources: ['secrets'], resourceNames: [db.passwordMirror.secretName], verbs: ['get'] },
        ],
      });
      new k8s.KubeRoleBinding(this, 'GeneratorDatabaseRoleBinding', {
        metadata: meta,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
        subjects: [{ kind: 'ServiceAccount', name, namespace: cp.namespace }],
      });
    }
    return db.namespace;
  }

  /**
   * Open outbound traffic the dependency graph does not know: exactly the components, peer and ports the rule names,
   * as one more egress-only NetworkPolicy (`<name>-extra-egress-<n>`). Address ranges never include the cluster's own
   * CIDRs. Typical: `{ from: [ComponentId.API], to: NetworkPeer.cidrs(['203.0.113.10/32'], [], 'oidc'), ports: [443] }`.
   */
  public allowEgress(rule: EgressRule): void {
    this.addEgress(`allowEgress(#${this.extraEgress.length})`, rule);
  }

  private addEgress(prop: string, rule: EgressRule): void {
    const cp = this.controlPlane;
    const { flows, podSelector } = egressRuleFlows('KasmSecurity', prop, rule, cp);
    const n = this.extraEgress.length + 1;
    this.extraEgress.push({ flows, rule: prop });
    if (this.policiesEnabled) {
      new KasmEgressPolicy(this, `ExtraEgress${n}`, { namespace: cp.namespace, name: `${cp.name}-extra-egress-${n}`, labels: this.policyLabels, podSelector, flows });
    }
  }

  /** The ends and entrances the flows connect. */
  private reach(): SecurityReach {
    return { controlPlane: this.controlPlane, agents: this.agents, servers: this.servers, frontDoor: this.frontDoor, exposures: this.exposures };
  }

  /**
   * Tell the doctor which Secrets exist without an object in the app, and which connections the policies must
   * admit: the contract's edges resolved to pods and sample addresses, independently of the flows above.
   */
  private declareToDoctor(certificates: { name: string; role: string }[], generatesCredentials: boolean): void {
    const cp = this.controlPlane;
    const doctor = DoctorDeclarations.of(this);
    const secret = (name: string, reason: string, runtime = false, keys?: readonly string[]) => doctor.declare({
      kind: ReferencedKind.SECRET, namespace: cp.namespace, name, reason, at: this.node.path,
      ...(runtime ? { createdBy: DeclaredBy.CLUSTER } : {}), ...(keys ? { keys, readElsewhere: READ_OUTSIDE_THE_CLUSTER } : {}),
    });
    if (generatesCredentials) secret(cp.secrets.credentialsSecretName, 'created at runtime by the secret generator', true, generatedCredentialKeys(cp));
    if (this.credentials.kind === 'existing') secret(cp.secrets.credentialsSecretName, 'KasmSecurity credentials: CredentialSource.existing()');
    for (const c of certificates) {
      const source = c.role === 'ingress' ? this.ingressTls : this.tls;
      if (source.kind === 'generated') secret(c.name, 'created at runtime by the secret generator', true);
      if (source.kind === 'existing') secret(c.name, `KasmSecurity ${c.role === 'ingress' ? 'ingressTls' : 'tls'}: TlsSource.existing()`);
    }
    if (this.tls.kind === 'generated') secret(this.caSecretName, 'created at runtime by the secret generator', true);
    const mirror = cp.database.passwordMirror;
    if (mirror) {
      doctor.declare({
        kind: ReferencedKind.SECRET, namespace: mirror.namespace, name: mirror.secretName,
        ...(generatesCredentials ? { createdBy: DeclaredBy.CLUSTER } : {}),
        reason: generatesCredentials ? 'created at runtime by the secret generator (a copy of the database password)'
          : 'the database password in the database\'s namespace, which you create with the same value (docs/variants.md, rke2-cnpg)',
      });
    }
    doctor.expectConnections(() => expectedConnections(this.reach(), this.node.path, this.extraEgress.flatMap((e) => e.flows)));
  }
}

/** Credential keys people (the first login) and agents (registration) read, besides any pod. */
const READ_OUTSIDE_THE_CLUSTER: readonly string[] = [SecretKey.ADMIN_PASSWORD, SecretKey.USER_PASSWORD, SecretKey.MANAGER_TOKEN];

/**
 * The credential keys the generator writes: the release's, without the database password when the database reads
 * it from a Secret of its own (an external database's): a generated password nothing reads is one more to guard.
 */
function generatedCredentialKeys(cp: IKasmControlPlane): string[] {
  const db = cp.database.passwordSecret;
  const readHere = db.name === cp.secrets.credentialsSecretName;
  return cp.version.contract.secretKeys.filter((k) => k !== SecretKey.DB_PASSWORD || (readHere && db.key === k));
}
