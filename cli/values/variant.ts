/**
 * A checked values file onto a published variant's chart props, so `cdk8s-kasm synth --values` builds exactly what
 * `new K3sProd(app, 'k3s-prod', props)` would. Keys left out stay unset (the chart's default, which is the printed
 * default); a KasmConfigError the chart raises about a prop is re-expressed with the values key path.
 */
import { Duration, Size } from 'cdk8s';
import { FrontDoorChoice, K3sDev, K3sProd, Rke2Cnpg } from '../../charts';
import { ClusterProfile } from '../../lib/cluster/profile';
import { KasmVersion } from '../../lib/contract/version';
import { KasmConfigError } from '../../lib/core/validation';
import { BackendVerification } from '../../lib/ingress/ingress-route';
import { GitOpsSourceProps } from '../../lib/gitops/gitops-manifests';
import { Variant } from '../../lib/gitops/dist-writer';
import { EgressRule } from '../../lib/security/egress';
import { NetworkPeer } from '../../lib/security/network-peer';
import { CredentialSource, TlsSource } from '../../lib/security/sources';
import { VALUES } from './keys';
import { defaultOf, ValuesVariant } from './spec';
import { Values } from './values-file';

const UNITS = { Mi: Size.mebibytes, Gi: Size.gibibytes, Ti: Size.tebibytes } as const;
const size = (v?: string): Size | undefined => (v === undefined ? undefined : UNITS[v.slice(-2) as keyof typeof UNITS](Number(v.slice(0, -2))));
const DURATIONS = { s: Duration.seconds, m: Duration.minutes, h: Duration.hours, d: Duration.days } as const;
const duration = (v?: string): Duration | undefined => (v === undefined ? undefined : DURATIONS[v.slice(-1) as keyof typeof DURATIONS](Number(v.slice(0, -1))));

function cluster(variant: ValuesVariant, v?: Values): ClusterProfile | undefined {
  if (v === undefined) return undefined;
  const storageClass = defaultOf((VALUES.fields.cluster as any).fields.defaultStorageClass, variant) as string;
  const overrides = { defaultStorageClass: storageClass, ...v };
  return variant === 'rke2-cnpg' ? ClusterProfile.rke2(overrides) : ClusterProfile.k3s(overrides);
}

function egress(rules?: readonly Values[]): EgressRule[] | undefined {
  return rules?.map((r) => ({
    from: r.from,
    to: r.to.cidrs !== undefined ? NetworkPeer.cidrs(r.to.cidrs, r.to.except ?? []) : NetworkPeer.pods(r.to.namespace, r.to.podLabels),
    ports: r.ports,
    protocol: r.protocol,
    purpose: r.purpose,
  }));
}

function credentials(v?: Values): CredentialSource | undefined {
  switch (v?.source) {
    case 'existing': return CredentialSource.existing();
    case 'externalSecrets': {
      const o = v.externalSecrets;
      return CredentialSource.externalSecrets({ ...o, refreshInterval: duration(o.refreshInterval) });
    }
    case 'sealedSecrets': return CredentialSource.sealedSecrets(v.sealedSecrets);
    case 'generated': return CredentialSource.generated();
    default: return undefined;
  }
}

function tls(v?: Values): TlsSource | undefined {
  switch (v?.source) {
    case 'existing': return TlsSource.existing();
    case 'certManager': {
      const o = v.certManager;
      return TlsSource.certManager({ ...o, duration: duration(o.duration), renewBefore: duration(o.renewBefore) });
    }
    case 'generated': return TlsSource.generated();
    default: return undefined;
  }
}

function backendVerification(v?: Values): BackendVerification | undefined {
  if (v?.skipVerifyReason !== undefined) return BackendVerification.skipVerifyAcknowledgingRisk(v.skipVerifyReason);
  return v?.caSecretName !== undefined ? BackendVerification.verify(v.caSecretName) : undefined;
}

function frontDoor(v?: Values): FrontDoorChoice | undefined {
  if (v === undefined) return undefined;
  if (v.kind !== 'gateway') return { kind: 'ingress' };
  const g = v.gateway;
  return {
    kind: 'gateway',
    gateway: {
      implementation: g.implementation,
      parentRefs: g.parentRefs,
      create: g.create,
      backendCa: g.backendCa,
      gatewayPods: g.gatewayPods === undefined ? undefined : NetworkPeer.pods(g.gatewayPods.namespace, g.gatewayPods.podLabels, 'gateway'),
    },
  };
}

/** The props every variant shares (same prop names in K3sDev, K3sProd and Rke2Cnpg). */
function shared(variant: ValuesVariant, v: Values) {
  return {
    version: v.version === undefined ? undefined : KasmVersion.of(v.version),
    upgradeFrom: v.upgradeFrom === undefined ? undefined : KasmVersion.of(v.upgradeFrom, 'KasmControlPlane', 'upgradeFrom'),
    upgradeBackup: v.upgradeBackup === undefined ? undefined : { storage: size(v.upgradeBackup.size), storageClassName: v.upgradeBackup.className },
    namespace: v.namespace,
    hostname: v.hostname,
    alternativeHostnames: v.alternativeHostnames,
    size: v.size,
    sessionTimeout: duration(v.sessionTimeout),
    configureTraefikTimeouts: v.configureTraefikTimeouts,
    cluster: cluster(variant, v.cluster),
    agentCidrs: v.network?.agentCidrs,
    serverCidrs: v.network?.serverCidrs,
    egress: egress(v.network?.egress),
    identityProviders: v.network?.identityProviders,
    upstreamAuthAddress: v.upstreamAuthAddress,
    trustedCaBundle: v.trustedCaBundle,
    rdp: v.rdp,
    zones: v.zones,
    databaseMaxConnections: v.database?.maxConnections,
    alerts: v.alerts,
    components: v.components,
    frontDoor: frontDoor(v.frontDoor),
  };
}

function k3sProps(variant: ValuesVariant, v: Values) {
  // k3s-prod always backs up (its chart has no off switch); in k3s-dev, giving `backup:` turns them on unless enabled: false.
  const backupOn = v.backup?.enabled ?? true;
  return {
    ...shared(variant, v),
    name: v.name,
    imageRegistry: v.images?.registry,
    imagePullSecrets: v.images?.pullSecrets,
    storageClassName: v.database?.storage?.className,
    databaseStorage: size(v.database?.storage?.size),
    credentials: credentials(v.secrets?.credentials),
    tls: tls(v.secrets?.tls),
    nodes: v.nodes,
    checkCapacity: v.checkCapacity,
    backup: v.backup !== undefined && backupOn ? {
      schedule: v.backup.schedule,
      retention: v.backup.retention,
      storage: size(v.backup.storage?.size),
      storageClassName: v.backup.storage?.className,
    } : undefined,
  };
}

const prodProps = (v: Values) => ({
  ingressIssuerName: v.ingress?.issuerName,
  ingressIssuerKind: v.ingress?.issuerKind,
  scaling: v.scaling,
});

/** The variant built from checked values (chart ids as in VARIANTS, so object names and paths match dist/). */
export function variantFromValues(variant: ValuesVariant, v: Values, file: string): Variant {
  return {
    name: variant,
    valuesFile: file,
    build: (app) => reexpress(variant, file, () => {
      switch (variant) {
        case 'k3s-dev': new K3sDev(app, variant, k3sProps(variant, v)); break;
        case 'k3s-prod': new K3sProd(app, variant, { ...k3sProps(variant, v), ...prodProps(v) }); break;
        case 'rke2-cnpg': new Rke2Cnpg(app, variant, {
          ...shared(variant, v),
          ...prodProps(v),
          databaseNamespace: v.database?.namespace,
          databaseClusterName: v.database?.clusterName,
          databaseInstances: v.database?.instances,
          databaseStorage: size(v.database?.storage?.size),
          databaseNodeSelector: v.database?.nodeSelector,
          databaseBackup: v.backup,
          backendVerification: backendVerification(v.ingress?.backend),
        });
      }
    }),
  };
}

/** The GitOps source props from `gitops:` (repository, revision, folder, namespaces). */
export function gitopsFromValues(v: Values): GitOpsSourceProps {
  const g = v.gitops ?? {};
  return { repoUrl: g.repoUrl, revision: g.revision, basePath: g.path, argoNamespace: g.argoNamespace, fluxNamespace: g.fluxNamespace };
}

/** Chart props (after the owner) onto values keys; the first matching prefix wins. */
const PROP_PATHS: readonly (readonly [owner: RegExp, prop: string, key: string])[] = [
  [/^K3s(Dev|Prod)$|^Rke2Cnpg$/, 'databaseStorage', 'database.storage.size'],
  [/^KasmDatabase$/, 'storage', 'database.storage.size'],
  [/^KasmDatabase$/, 'storageClassName', 'database.storage.className'],
  [/^KasmDatabase$/, 'backup.storageClassName', 'backup.storage.className'],
  [/^KasmDatabase$/, 'backup.storage', 'backup.storage.size'],
  [/^KasmDatabase$|^CnpgDatabase$/, 'backup', 'backup'],
  [/^CnpgDatabase$/, 'storage', 'database.storage.size'],
  [/^CnpgDatabase$/, 'storageClassName', 'cluster.defaultStorageClass'],
  [/^CnpgDatabase$/, 'instances', 'database.instances'],
  [/^CnpgDatabase$/, 'clusterName', 'database.clusterName'],
  [/^CnpgDatabase$/, 'nodeSelector', 'database.nodeSelector'],
  [/^CnpgDatabase$/, 'namespace', 'database.namespace'],
  [/^CnpgDatabase$/, 'controlPlaneNamespace', 'namespace'],
  [/^KasmControlPlane$/, 'upgradeBackup.storageClassName', 'upgradeBackup.className'],
  [/^KasmControlPlane$/, 'upgradeBackup.storage', 'upgradeBackup.size'],
  [/^KasmScaling$/, '', 'scaling'],
  [/^ClusterProfile\./, '', 'cluster'],
  [/^KasmSecurity$/, 'egress', 'network.egress'],
  [/./, 'identityProviders', 'network.identityProviders'],
  [/^KasmRdpExposure$/, '', 'rdp'],
  [/^KasmGateway$/, 'rdp', 'rdp'],
  [/^KasmGateway$/, '', 'frontDoor.gateway'],
  [/./, 'frontDoor', 'frontDoor'],
  [/^TraefikTimeouts$/, 'rdpEntryPoint.port', 'rdp.port'],
  [/^KasmControlPlane$/, 'upstreamAuthAddress', 'upstreamAuthAddress'],
  [/^KasmControlPlane$/, 'trustedCaBundle', 'trustedCaBundle'],
  [/^KasmControlPlane$/, 'zones', 'zones'],
  [/^KasmControlPlane$/, 'components', 'components'],
  [/^KasmDatabase$|^CnpgDatabase$/, 'maxConnections', 'database.maxConnections'],
  [/^KasmSecurity$/, 'agentCidrs', 'network.agentCidrs'],
  [/^KasmSecurity$/, 'serverCidrs', 'network.serverCidrs'],
  [/./, 'credentials.encryptedData', 'secrets.credentials.sealedSecrets.encryptedData'],
  [/./, 'credentials.scope', 'secrets.credentials.sealedSecrets.scope'],
  [/./, 'credentials', 'secrets.credentials.externalSecrets'],
  [/./, 'tls', 'secrets.tls.certManager'],
  [/./, 'ingressTls', 'ingress'],
  [/./, 'imageRegistry', 'images.registry'],
  [/./, 'imagePullSecrets', 'images.pullSecrets'],
  [/^ArgoCdApplications$|^FluxKustomizations$/, 'basePath', 'gitops.path'],
  [/^ArgoCdApplications$|^FluxKustomizations$/, '', 'gitops'],
  [/^KasmVersion$/, 'version', 'version'],
  [/./, 'nodes', 'nodes'],
  ...['namespace', 'name', 'hostname', 'alternativeHostnames', 'sessionTimeout', 'size', 'alerts', 'checkCapacity', 'upgradeFrom', 'upgradeBackup']
    .map((p) => [/./, p, p] as const),
];

/** The values key a chart error's prop comes from, when the mapping is direct. */
export function valuesKeyOf(owner: string, prop: string): string | undefined {
  for (const [who, from, to] of PROP_PATHS) {
    if (!who.test(owner)) continue;
    if (from === '') return `${to}.${prop}`;
    if (prop === from || prop.startsWith(`${from}.`) || prop.startsWith(`${from}[`) || prop.startsWith(`${from} `)) return to + prop.slice(from.length);
  }
  return undefined;
}

function reexpress(variant: ValuesVariant, file: string, build: () => void): void {
  try {
    build();
  } catch (err) {
    if (!(err instanceof KasmConfigError)) throw err;
    // The error's fields say which construct and prop; the table says which key fed that prop. No message is parsed.
    const key = err.fields === undefined ? undefined : valuesKeyOf(err.fields.owner, err.fields.prop);
    throw err.inValuesFile(file, key, variant);
  }
}
