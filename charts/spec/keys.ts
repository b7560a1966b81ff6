/**
 * The install spec's keys: each setting declared once, with its doc, its shape and check, each variant's default and
 * the variant prop it becomes. The one source of truth for the spec's TypeScript type, `values.schema.json`,
 * `cdk8s-kasm synth --values`, `--print-defaults`, docs/configuration.md and the spec -> props mapping. A key exists
 * only in the variants whose chart has the prop; accepted values come from the contract and the library's enums, so a
 * new Kasm release or preset flows through.
 */
import { ClusterProfile } from '../../lib/cluster/profile';
import { ComponentId, ScalingMode, SecretKey, SizePreset } from '../../lib/contract/types';
import { KasmVersion } from '../../lib/contract/version';
import {
  assertCidr, assertCpu, assertCron, assertDnsLabel, assertDnsSubdomain, assertHostname, assertInstanceName, assertIpv4,
  assertKasmNamespace, assertLabels, assertMemory, assertRegistry, assertZoneName, fail, MAX_INSTANCE_NAME_LENGTH,
} from '../../lib/core/validation';
import { CnpgBackupMethod } from '../../lib/database/cnpg-backup';
import { EgressProtocol } from '../../lib/security/egress';
import { IdentityProviderKind } from '../../lib/security/identity-providers';
import { RdpExposureKind } from '../../lib/ingress/rdp-exposure';
import { GatewayImplementationId } from '../../lib/ingress/gateway/implementations';
import { checkUpstreamAuth } from '../../lib/control-plane/upstream-auth';
import { assertNoCredentials } from '../../lib/gitops/gitops-manifests';
import { CertManagerIssuerKind, CredentialSourceKind, ExternalSecretStoreKind, SealedSecretScope, TlsSourceKind } from '../../lib/security/sources';
import {
  toBackendVerification, toCluster, toCredentials, toDuration, toEgress, toFrontDoor, toK3sBackup, toSize, toTls, toUpgradeBackup,
  toUpgradeFrom, toVersion,
} from './convert';
import { defaultOf, Field, KeyMeta, ObjectSpec, ValueSpec, ValuesVariant } from './language';

const K3S = ['k3s-dev', 'k3s-prod'] as const satisfies readonly ValuesVariant[];
const PROD = ['k3s-prod', 'rke2-cnpg'] as const satisfies readonly ValuesVariant[];
const RKE2 = ['rke2-cnpg'] as const satisfies readonly ValuesVariant[];

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dnsLabel = { kind: 'string', accepted: 'a Kubernetes name (lowercase letters, digits and \'-\', at most 63 characters)', pattern: `^${LABEL}$`, maxLength: 63, check: assertDnsLabel } as const satisfies ValueSpec;
const namespace = { ...dnsLabel, accepted: 'a namespace name that is not one of the cluster\'s own, e.g. \'kasm\'', check: assertKasmNamespace } as const satisfies ValueSpec;
const subdomain = { kind: 'string', accepted: 'a Kubernetes name (lowercase letters, digits, \'-\' and \'.\')', pattern: `^${LABEL}(\\.${LABEL})*$`, maxLength: 253, check: assertDnsSubdomain } as const satisfies ValueSpec;
const hostname = { kind: 'string', accepted: 'a host name such as \'kasm.example.com\'', pattern: `^${LABEL}(\\.${LABEL})*$`, maxLength: 253, check: assertHostname } as const satisfies ValueSpec;
const cidr = { kind: 'string', accepted: 'an IPv4 CIDR such as \'192.168.10.0/24\'', pattern: '^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$', check: assertCidr } as const satisfies ValueSpec;
const text = { kind: 'string', accepted: 'a sentence of 1 to 200 characters', pattern: '^[\\s\\S]{1,200}$' } as const satisfies ValueSpec;
const cpu = { kind: 'string', numeric: true, accepted: 'a CPU quantity such as \'4\' or \'3500m\'', pattern: '^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)m?$', check: assertCpu } as const satisfies ValueSpec;
const memory = { kind: 'string', numeric: true, accepted: 'a memory quantity such as \'8Gi\'', pattern: '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$', check: assertMemory } as const satisfies ValueSpec;
/** Sizes: whole mebi-, gibi- or tebibytes (cdk8s's Size). */
export const SIZE_PATTERN = '^[1-9][0-9]{0,6}(Mi|Gi|Ti)$';
const size = { kind: 'string', accepted: 'a size in whole Mi, Gi or Ti, e.g. \'10Gi\'', pattern: SIZE_PATTERN } as const satisfies ValueSpec;
/** Durations: a whole number of seconds, minutes, hours or days (cdk8s's Duration). */
export const DURATION_PATTERN = '^[1-9][0-9]{0,6}(s|m|h|d)$';
const duration = { kind: 'string', accepted: 'a duration in whole s, m, h or d, e.g. \'30m\'', pattern: DURATION_PATTERN } as const satisfies ValueSpec;
const cron = { kind: 'string', accepted: 'five cron fields, e.g. \'0 2 * * *\', or a macro such as \'@daily\'', check: assertCron } as const satisfies ValueSpec;
const labels = {
  kind: 'map', accepted: 'a mapping of label keys to label values, e.g. { workload-type: database }',
  values: { kind: 'string', accepted: 'a label value (at most 63 letters, digits, \'-\', \'_\' or \'.\')', pattern: '^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$' },
  keyPattern: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$',
  check: assertLabels,
} as const satisfies ValueSpec;
// The builders keep each key's literal shape, so the spec's TypeScript type (PlainValue) is read off the tree.
const enumOf = <const E extends string>(values: readonly E[]) => ({ kind: 'string', accepted: '', enum: values }) as const;
const release = enumOf(KasmVersion.ALL.map((v) => v.version));
const list = <const I extends ValueSpec>(items: I, minItems?: number) => ({ kind: 'list', items, ...(minItems ? { minItems } : {}) }) as const;
const obj = <const F extends Record<string, Field>>(fields: F, check?: ObjectSpec['check']) => ({ kind: 'object', fields, ...(check ? { check } : {}) }) as const;
const f = <const S extends ValueSpec, const M extends KeyMeta>(spec: S, meta: M): S & M => ({ ...spec, ...meta });
/** Per-component keys, typed by component id (the tree builds them from the contract). */
const perComponent = <T>(ids: readonly string[], field: (id: string) => T) => Object.fromEntries(ids.map((id) => [id, field(id)])) as Partial<Record<`${ComponentId}`, T>>;

/** Components in any release's contract; `scaling.components` takes the horizontal ones. */
const contractComponents = (mode?: ScalingMode): string[] => Object.values(ComponentId).filter((id) => KasmVersion.ALL.some((v) => {
  const c = v.contract.components[id];
  return c !== undefined && (mode === undefined || c.scaling === mode);
}));

const autoscaling = obj({
  minReplicas: f({ kind: 'integer', min: 1, max: 100 }, { doc: 'Fewest pods.', defaultDoc: 'the size preset\'s replicas' }),
  maxReplicas: f({ kind: 'integer', min: 1, max: 300 }, { doc: 'Most pods.', defaultDoc: 'three times minReplicas' }),
  cpuUtilization: f({ kind: 'integer', min: 1, max: 100 }, { doc: 'Average CPU utilization the HPA aims for, in percent of requests.', default: 70 }),
  memoryUtilization: f({ kind: 'integer', min: 1, max: 100 }, { doc: 'Average memory utilization the HPA aims for, in percent of requests.', default: 80 }),
});

/** One of a set of alternatives, each a key of its own: say which is chosen by `source`, give only its options. */
function sourceCheck(options: Readonly<Record<string, readonly string[]>>) {
  return (owner: string, path: string, value: Record<string, unknown>) => {
    const source = value.source as string;
    for (const [key, required] of Object.entries(options)) {
      const at = path ? `${path}.${key}` : key;
      if (value[key] !== undefined && source !== key) fail(owner, at, value[key], `is set but ${path}.source is ${JSON.stringify(source ?? 'generated')}; set source: ${key} or remove it`);
      if (source === key && value[key] === undefined) fail(owner, at, undefined, `is required when ${path}.source is ${key}; pass ${required.join(', ')}`);
      const given = (value[key] ?? {}) as Record<string, unknown>;
      if (source === key) for (const r of required) if (given[r] === undefined) fail(owner, `${at}.${r}`, undefined, `is required when ${path}.source is ${key}`);
    }
  };
}

const defaultStorageClass = f(subdomain, { doc: 'StorageClass of volumes no other key names.', defaults: { 'k3s-dev': ClusterProfile.k3s().defaultStorageClass, 'k3s-prod': 'longhorn', 'rke2-cnpg': ClusterProfile.rke2().defaultStorageClass }, feeds: [{ owner: 'CnpgDatabase', prop: 'storageClassName' }] });

/** Every key of a values file; `validateValue(VALUES, variant, ...)` checks one, `toJsonSchema` describes it. */
export const VALUES = obj({
  version: f(release, { doc: 'Kasm release (its runtime contract); moving a synthesized folder to another one needs upgradeFrom.', default: KasmVersion.V1_19_0.version, prop: 'version', convert: toVersion, feeds: [{ owner: 'KasmVersion', prop: 'version' }] }),
  upgradeFrom: f(release, { doc: 'The release the running deployment has, while version upgrades it (docs/upgrades.md); remove it once the upgrade is done.', defaultDoc: 'no upgrade', prop: 'upgradeFrom', convert: toUpgradeFrom }),
  upgradeBackup: f(obj({
    size: f(size, { doc: 'Size of the pre-upgrade dump volume (kasm-upgrade-backup).', default: '20Gi', feeds: [{ owner: 'KasmControlPlane', prop: 'upgradeBackup.storage' }] }),
    className: f(subdomain, { doc: 'StorageClass of the pre-upgrade dump volume.', defaultDoc: 'the cluster\'s default StorageClass', feeds: [{ owner: 'KasmControlPlane', prop: 'upgradeBackup.storageClassName' }] }),
  }), { doc: 'The volume the pre-upgrade dump is kept on (needs upgradeFrom).', commented: true, prop: 'upgradeBackup', convert: toUpgradeBackup }),
  namespace: f(namespace, { doc: 'Namespace of the control plane.', default: 'kasm', prop: 'namespace', feeds: [{ owner: 'CnpgDatabase', prop: 'controlPlaneNamespace' }] }),
  name: f({ ...dnsLabel, maxLength: MAX_INSTANCE_NAME_LENGTH, check: assertInstanceName }, { doc: 'Instance name; prefixes Secret and ConfigMap names.', default: 'kasm', variants: K3S, prop: 'name' }),
  hostname: f(hostname, { doc: 'Host name users browse to.', defaults: { 'k3s-dev': 'kasm.local', 'k3s-prod': 'kasm.example.com', 'rke2-cnpg': 'kasm.example.com' }, required: PROD, prop: 'hostname' }),
  alternativeHostnames: f(list(hostname), { doc: 'More host names for the same deployment.', default: [], prop: 'alternativeHostnames' }),
  upstreamAuthAddress: f({ kind: 'string', accepted: 'an https URL with a host name and an optional port, e.g. \'https://kasm.example.com\'', pattern: '^https://[^/?#@\\s]+$', check: (owner, prop, value) => { checkUpstreamAuth(owner, prop, value); } },
    { doc: 'Where agents reach Kasm to authenticate session traffic (the zone\'s Upstream Auth address); seeded on 1.19.0, in NOTES.md always.', defaultDoc: 'https://<hostname>', prop: 'upstreamAuthAddress' }),
  zones: f(list(obj({
    name: f({ kind: 'string', accepted: 'a zone name of 1 to 63 letters, digits, spaces, \'-\', \'_\' or \'.\'', pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$', check: assertZoneName }, { doc: 'Zone name; the first is default.' }),
    upstreamAuthAddress: f({ kind: 'string', accepted: 'an https URL with a host name and an optional port', pattern: '^https://[^/?#@\\s]+$', check: (owner, prop, value) => { checkUpstreamAuth(owner, prop, value); } },
      { doc: 'Where this zone\'s agents reach Kasm.', defaultDoc: 'the zone proxy Service\'s FQDN on 8443' }),
  }, (owner, path, v) => { if (v.name === undefined) fail(owner, `${path}.name`, undefined, 'is required in a zone'); }), 1),
  { doc: 'Zones, each with its own api, manager and proxy (Kasm 1.19.0); the first is default and takes upstreamAuthAddress.', commented: true, prop: 'zones' }),
  trustedCaBundle: f(obj({
    configMapName: f(subdomain, { doc: 'ConfigMap in the namespace with the PEM certificates (set this or secretName).' }),
    secretName: f(subdomain, { doc: 'Secret in the namespace with the PEM certificates (set this or configMapName).' }),
    key: f({ kind: 'string', accepted: 'a key of letters, digits, \'-\', \'_\' or \'.\'', pattern: '^[-._a-zA-Z0-9]{1,253}$' }, { doc: 'Key holding the certificates.', default: 'ca.crt' }),
  }, (owner, path, v) => {
    if ((v.configMapName === undefined) === (v.secretName === undefined)) fail(owner, path, v, 'names no bundle or two; set exactly one of configMapName and secretName');
  }), { doc: 'Private CAs the api and manager trust (SSO or LDAP behind a corporate CA; without it the login answers HTTP 500).', commented: true, prop: 'trustedCaBundle' }),
  rdp: f(obj({
    kind: f(enumOf(Object.values(RdpExposureKind)), { doc: 'traefikTcp (an rdp entrypoint in the packaged Traefik) or loadBalancer (a Service of its own).', default: RdpExposureKind.TRAEFIK_TCP }),
    port: f({ kind: 'integer', min: 1, max: 65535 }, { doc: 'Port RDP clients connect to.', default: 3389, feeds: [{ owner: 'TraefikTimeouts', prop: 'rdpEntryPoint.port' }] }),
    clientCidrs: f(list(cidr, 1), { doc: 'Client ranges the load balancer and the policy admit (loadBalancer only).', default: ['0.0.0.0/0'] }),
    hostname: f(hostname, { doc: 'Host name RDP clients connect to, for NOTES.md.', defaultDoc: 'hostname' }),
  }), { doc: 'Publish native RDP on 3389 (RDP over HTTPS needs nothing: it goes through the front door).', commented: true, prop: 'rdp', feeds: [{ owner: 'KasmRdpExposure' }, { owner: 'KasmGateway', prop: 'rdp' }] }),
  frontDoor: f(obj({
    kind: f(enumOf(['ingress', 'gateway']), { doc: 'ingress (the variant\'s Traefik front door) or gateway (Gateway API: HTTPRoute, BackendTLSPolicy, TCPRoute for rdp; docs/gateway-api.md).', default: 'ingress' }),
    gateway: f(obj({
      implementation: f(enumOf(Object.values(GatewayImplementationId)), { doc: 'The Gateway API implementation; one that cannot verify the proxy\'s certificate or route RDP is refused.', default: GatewayImplementationId.TRAEFIK }),
      parentRefs: f(list(obj({
        name: f(subdomain, { doc: 'Name of the Gateway.' }),
        namespace: f(dnsLabel, { doc: 'Namespace of the Gateway.', defaultDoc: 'namespace' }),
        sectionName: f(dnsLabel, { doc: 'Listener the HTTPRoute attaches to.', defaultDoc: 'every listener that admits it' }),
      }, (owner, path, v) => { if (v.name === undefined) fail(owner, `${path}.name`, undefined, 'is required in a parentRef'); }), 1),
      { doc: 'Attach to these existing Gateways (set this or create).' }),
      create: f(obj({
        gatewayClassName: f(subdomain, { doc: 'GatewayClass of the Gateway.', defaultDoc: 'the implementation\'s usual class' }),
        name: f(dnsLabel, { doc: 'Name of the Gateway.', defaultDoc: 'the instance name' }),
        namespace: f(dnsLabel, { doc: 'Namespace of the Gateway (another one gets a ReferenceGrant for the certificate).', defaultDoc: 'namespace' }),
        httpsPort: f({ kind: 'integer', min: 1, max: 65535 }, { doc: 'Port of the HTTPS listener.', defaultDoc: '443; 8443 on Traefik (its websecure entrypoint)' }),
      }), { doc: 'Create a Gateway with an HTTPS listener and the front door\'s certificate (set this or parentRefs).' }),
      backendCa: f(obj({
        kind: f(enumOf(['ConfigMap', 'Secret']), { doc: 'Kind of the CA object (ConfigMap is core; Secret where the implementation reads it).' }),
        name: f(subdomain, { doc: 'Its name, in the namespace; PEM in key ca.crt.' }),
      }, (owner, path, v) => { for (const k of ['kind', 'name']) if (v[k] === undefined) fail(owner, `${path}.${k}`, undefined, 'is required in backendCa'); }),
      { doc: 'CA the gateway verifies the proxy\'s certificate against.', defaultDoc: '<name>-internal-ca, a Secret where the implementation reads Secrets, else a ConfigMap' }),
      gatewayPods: f(obj({
        namespace: f(dnsLabel, { doc: 'Namespace of the gateway\'s pods.' }),
        podLabels: f(labels, { doc: 'Labels of those pods.' }),
      }, (owner, path, v) => { for (const k of ['namespace', 'podLabels']) if (v[k] === undefined) fail(owner, `${path}.${k}`, undefined, 'is required in gatewayPods'); }),
      { doc: 'The pods the NetworkPolicies admit to the proxy and the RDP gateway.', defaultDoc: 'the implementation\'s gateway pods' }),
    }), { doc: 'The Gateway API front door (frontDoor.kind: gateway).', commented: true, feeds: [{ owner: 'KasmGateway' }] }),
  }, (owner, path, v) => {
    const at = path ? `${path}.gateway` : 'gateway';
    if (v.kind === 'gateway' && v.gateway === undefined) fail(owner, at, undefined, 'is required when frontDoor.kind is gateway; give parentRefs: [{ name, namespace }] or create: {}');
    if (v.kind !== 'gateway' && v.gateway !== undefined) fail(owner, at, v.gateway, 'is set but frontDoor.kind is not gateway; set kind: gateway or remove it');
  }), { doc: 'Which front door the variant builds.', prop: 'frontDoor', convert: toFrontDoor }),
  size: f(enumOf(Object.values(SizePreset)), { doc: 'Resource preset: replicas, requests and limits of every component.', defaults: { 'k3s-dev': SizePreset.DEV, 'k3s-prod': SizePreset.MEDIUM, 'rke2-cnpg': SizePreset.MEDIUM }, prop: 'size' }),
  sessionTimeout: f(duration, { doc: 'Idle timeout of desktop streams, at the proxy and at Traefik.', default: '30m', prop: 'sessionTimeout', convert: toDuration }),
  configureTraefikTimeouts: f({ kind: 'boolean' }, { doc: 'Write the HelmChartConfig that raises the packaged Traefik\'s timeouts (once per cluster).', default: true, prop: 'configureTraefikTimeouts' }),
  images: f(obj({
    registry: f({ kind: 'string', accepted: 'a registry host with optional port and path, e.g. \'registry.example.com:5000/kasm\'', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9._-]+)*$', check: assertRegistry }, { doc: 'Registry mirror for air-gapped clusters.', defaultDoc: 'Docker Hub', prop: 'imageRegistry' }),
    pullSecrets: f(list(dnsLabel), { doc: 'Secrets for pulling from that mirror, on every pod.', default: [], prop: 'imagePullSecrets' }),
  }), { doc: 'Where images come from.', variants: K3S }),
  cluster: f(obj({
    dnsServiceIp: f({ kind: 'string', accepted: 'an IPv4 address such as \'10.43.0.10\'', pattern: '^\\d{1,3}(\\.\\d{1,3}){3}$', check: assertIpv4 }, { doc: 'IP of the cluster DNS Service (nginx resolves agents through it).', default: ClusterProfile.k3s().dnsServiceIp }),
    clusterCidrs: f(list(cidr, 1), { doc: 'Pod and Service CIDRs; cut out of agent, server and egress ranges.', default: [...ClusterProfile.k3s().clusterCidrs] }),
    defaultStorageClass,
    clusterDomain: f(subdomain, { doc: 'Cluster DNS domain.', default: ClusterProfile.k3s().clusterDomain }),
  }), { doc: 'The cluster (K3s for k3s-*, RKE2 for rke2-cnpg) where it differs from the distribution\'s defaults.', prop: 'cluster', convert: toCluster((variant) => defaultOf(defaultStorageClass, variant) as string), feeds: [{ owner: 'ClusterProfile.' }] }),
  database: f(obj({
    storage: f(obj({
      size: f(size, { doc: 'Size of the database volume (of each instance on CloudNativePG).', defaults: { 'k3s-dev': '10Gi', 'k3s-prod': '50Gi', 'rke2-cnpg': '50Gi' }, prop: 'databaseStorage', convert: toSize, feeds: [{ owner: ['KasmDatabase', 'CnpgDatabase'], prop: 'storage' }] }),
      className: f(subdomain, { doc: 'StorageClass of the database volume.', defaultDoc: 'cluster.defaultStorageClass', variants: K3S, prop: 'storageClassName' }),
    }), { doc: 'The database volume.' }),
    maxConnections: f({ kind: 'integer', min: 10, max: 10000 }, { doc: 'PostgreSQL max_connections; synth says when the api and manager pools at the HPA maximum need more.', defaultDoc: 'the release\'s figure for the size preset times the zones (1.19.0: 200 / 400 / 600), else 100', prop: 'databaseMaxConnections', feeds: [{ owner: ['KasmDatabase', 'CnpgDatabase'], prop: 'maxConnections' }] }),
    namespace: f(namespace, { doc: 'Namespace of the CloudNativePG Cluster.', default: 'database', variants: RKE2, prop: 'databaseNamespace', feeds: [{ owner: 'CnpgDatabase', prop: 'namespace' }] }),
    clusterName: f({ ...dnsLabel, maxLength: 40 }, { doc: 'Name of the CloudNativePG Cluster (Services <name>-rw, <name>-ro).', default: 'kasm-db', variants: RKE2, prop: 'databaseClusterName', feeds: [{ owner: 'CnpgDatabase', prop: 'clusterName' }] }),
    instances: f({ kind: 'integer', min: 1, max: 9 }, { doc: 'PostgreSQL instances (an odd count).', default: 3, variants: RKE2, prop: 'databaseInstances', feeds: [{ owner: 'CnpgDatabase', prop: 'instances' }] }),
    nodeSelector: f(labels, { doc: 'Labels of the nodes the instances run on.', default: { 'workload-type': 'database' }, variants: RKE2, prop: 'databaseNodeSelector', feeds: [{ owner: 'CnpgDatabase', prop: 'nodeSelector' }] }),
  }), { doc: 'Kasm\'s PostgreSQL.' }),
  backup: f(obj({
    enabled: f({ kind: 'boolean' }, { doc: 'Nightly pg_dump CronJob with retention and a restore CronJob (true when backup is given without it); the keys below apply when true.', default: false, variants: ['k3s-dev'] }),
    schedule: f(cron, { doc: 'When to back up, in cron syntax (the cluster\'s time zone, usually UTC).', default: '0 2 * * *' }),
    retention: f({ kind: 'integer', min: 1, max: 1000 }, { doc: 'How many backups to keep.', default: 7 }),
    storage: f(obj({
      size: f(size, { doc: 'Size of the backup volume.', default: '20Gi', feeds: [{ owner: 'KasmDatabase', prop: 'backup.storage' }] }),
      className: f(subdomain, { doc: 'StorageClass of the backup volume.', defaultDoc: 'the database volume\'s', feeds: [{ owner: 'KasmDatabase', prop: 'backup.storageClassName' }] }),
    }), { doc: 'The volume the dumps are written to.', variants: K3S }),
    method: f(enumOf(Object.values(CnpgBackupMethod)), { doc: 'volumeSnapshot (CSI snapshots) or plugin (Barman Cloud to an ObjectStore).', default: CnpgBackupMethod.VOLUME_SNAPSHOT, variants: RKE2 }),
    objectStoreName: f(subdomain, { doc: 'The Barman Cloud ObjectStore (method plugin only).', defaultDoc: 'none; required for method plugin', variants: RKE2 }),
  }), {
    doc: 'Database backups.',
    prop: { 'k3s-dev': 'backup', 'k3s-prod': 'backup', 'rke2-cnpg': 'databaseBackup' },
    convert: (v, variant) => (variant === 'rke2-cnpg' ? v : toK3sBackup(v)),
    feeds: [{ owner: ['KasmDatabase', 'CnpgDatabase'], prop: 'backup' }],
  }),
  ingress: f(obj({
    issuerName: f(subdomain, { doc: 'cert-manager issuer of the public host names\' certificate.', defaults: { 'k3s-prod': 'letsencrypt-prod', 'rke2-cnpg': 'vault-issuer' }, prop: 'ingressIssuerName' }),
    issuerKind: f(enumOf(Object.values(CertManagerIssuerKind)), { doc: 'Kind of that issuer.', default: CertManagerIssuerKind.CLUSTER_ISSUER, prop: 'ingressIssuerKind' }),
    backend: f(obj({
      caSecretName: f(subdomain, { doc: 'Secret with ca.crt that Traefik verifies the proxy\'s certificate against.', defaultDoc: 'the internal CA\'s Secret' }),
      skipVerifyReason: f(text, { doc: 'Do not verify the proxy\'s certificate, and say why (visible in review).', defaultDoc: 'verify' }),
    }, (owner, path, v) => { if (v.caSecretName !== undefined && v.skipVerifyReason !== undefined) fail(owner, `${path}.skipVerifyReason`, v.skipVerifyReason, `is set together with ${path}.caSecretName; choose one`); }),
    { doc: 'How Traefik checks the proxy\'s certificate.', variants: RKE2, prop: 'backendVerification', convert: toBackendVerification }),
  }), { doc: 'The public certificate (cert-manager) and the front door.', variants: PROD, feeds: [{ prop: 'ingressTls' }] }),
  secrets: f(obj({
    credentials: f(obj({
      source: f(enumOf(Object.values(CredentialSourceKind)), { doc: 'Who fills the credentials Secret: generated in the cluster, existing, externalSecrets or sealedSecrets.', default: CredentialSourceKind.GENERATED }),
      externalSecrets: f(obj({
        storeName: f(subdomain, { doc: 'Name of the SecretStore or ClusterSecretStore.', defaultDoc: 'none; required' }),
        storeKind: f(enumOf(Object.values(ExternalSecretStoreKind)), { doc: 'Kind of the store.', default: ExternalSecretStoreKind.SECRET_STORE }),
        remoteKey: f({ kind: 'string', accepted: 'the remote secret\'s key, 1 to 253 characters', pattern: '^\\S{1,253}$' }, { doc: 'Key of the remote secret that holds every credential.', defaultDoc: 'none; required' }),
        remoteProperties: f({ kind: 'map', accepted: `a mapping from ${Object.values(SecretKey).join(', ')} to property names`, keys: Object.values(SecretKey), values: { kind: 'string', accepted: 'a property name', pattern: '^\\S{1,253}$' } }, { doc: 'Property of the remote secret per key.', defaultDoc: 'the key itself, e.g. db-password' }),
        refreshInterval: f(duration, { doc: 'How often External Secrets re-reads the store.', default: '1h' }),
      }), { doc: 'Options of source externalSecrets.', commented: true, feeds: [{ prop: 'credentials' }] }),
      sealedSecrets: f(obj({
        encryptedData: f({ kind: 'map', accepted: `a mapping from ${Object.values(SecretKey).join(', ')} to kubeseal ciphertext`, keys: Object.values(SecretKey), values: { kind: 'string', accepted: 'kubeseal ciphertext', pattern: '^\\S+$' } }, { doc: 'kubeseal ciphertext per key; every key the release needs.', defaultDoc: 'none; required', feeds: [{ prop: 'credentials.encryptedData' }] }),
        scope: f(enumOf(Object.values(SealedSecretScope)), { doc: 'The scope the data was sealed with (kubeseal --scope).', default: SealedSecretScope.STRICT, feeds: [{ prop: 'credentials.scope' }] }),
      }), { doc: 'Options of source sealedSecrets.', commented: true }),
    }, sourceCheck({ externalSecrets: ['storeName', 'remoteKey'], sealedSecrets: ['encryptedData'] })), { doc: 'The credentials Secret (passwords and tokens).', prop: 'credentials', convert: toCredentials }),
    tls: f(obj({
      source: f(enumOf(Object.values(TlsSourceKind)), { doc: 'Who makes the internal certificates: generated in the cluster, existing, or certManager.', default: TlsSourceKind.GENERATED }),
      certManager: f(obj({
        issuerName: f(subdomain, { doc: 'Name of the Issuer or ClusterIssuer (a private CA: internal names).', defaultDoc: 'none; required' }),
        issuerKind: f(enumOf(Object.values(CertManagerIssuerKind)), { doc: 'Kind of that issuer.', default: CertManagerIssuerKind.ISSUER }),
        duration: f(duration, { doc: 'Certificate lifetime.', default: '90d' }),
        renewBefore: f(duration, { doc: 'Renew this long before expiry.', default: '30d' }),
      }), { doc: 'Options of source certManager.', commented: true, feeds: [{ prop: 'tls' }] }),
    }, sourceCheck({ certManager: ['issuerName'] })), { doc: 'The internal TLS certificates.', prop: 'tls', convert: toTls }),
  }), { doc: 'Where credentials and certificates come from; nothing secret is written.', variants: K3S }),
  network: f(obj({
    agentCidrs: f(list(cidr), { doc: 'Address ranges of the Kasm agents (the cluster\'s CIDRs are cut out).', default: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], prop: 'agentCidrs' }),
    serverCidrs: f(list(cidr), { doc: 'Address ranges of the RDP/VNC/SSH servers users connect to.', default: [], prop: 'serverCidrs' }),
    egress: f(list(obj({
      from: f(list(enumOf(contractComponents()), 1), { doc: 'Components that open the connections.' }),
      to: f(obj({
        cidrs: f(list(cidr, 1), { doc: 'Address ranges outside the cluster.' }),
        except: f(list(cidr), { doc: 'Ranges cut out of cidrs.', default: [] }),
        namespace: f(dnsLabel, { doc: 'Namespace of pods inside the cluster (with podLabels).' }),
        podLabels: f(labels, { doc: 'Labels of those pods.' }),
      }, (owner, path, v) => {
        const pods = v.namespace !== undefined || v.podLabels !== undefined;
        if (v.cidrs !== undefined && pods) fail(owner, path, v, 'names both cidrs and pods; give either cidrs (and except) or namespace and podLabels');
        if (v.cidrs === undefined && !(v.namespace !== undefined && v.podLabels !== undefined)) fail(owner, path, v, 'is not accepted; give cidrs, or namespace and podLabels');
        if (v.except !== undefined && v.cidrs === undefined) fail(owner, `${path}.except`, v.except, 'is set without cidrs');
      }), { doc: 'Where they go.' }),
      ports: f(list({ kind: 'integer', min: 1, max: 65535 }, 1), { doc: 'Destination ports.' }),
      protocol: f(enumOf(Object.values(EgressProtocol)), { doc: 'L4 protocol.', default: EgressProtocol.TCP }),
      purpose: f(text, { doc: 'Why the traffic is needed (shown in the policy\'s annotation).' }),
    }, (owner, path, v) => { for (const k of ['from', 'to', 'ports']) if (v[k] === undefined) fail(owner, `${path}.${k}`, undefined, 'is required in an egress rule'); })),
    { doc: 'Outbound traffic beyond the dependency graph (identity providers, SMTP, registries).', default: [], prop: 'egress', convert: toEgress }),
    identityProviders: f(list(obj({
      name: f(dnsLabel, { doc: 'Short name, shown in the policy and NOTES.md.' }),
      kind: f(enumOf(Object.values(IdentityProviderKind)), { doc: 'oidc, saml or ldap (sets the default ports).' }),
      cidrs: f(list(cidr, 1), { doc: 'The provider\'s address ranges.' }),
      ports: f(list({ kind: 'integer', min: 1, max: 65535 }, 1), { doc: 'Destination ports.', defaultDoc: '443 for oidc and saml, 636 for ldap' }),
    }, (owner, path, v) => { for (const k of ['name', 'kind', 'cidrs']) if (v[k] === undefined) fail(owner, `${path}.${k}`, undefined, 'is required in an identity provider'); })),
    { doc: 'Identity providers the api signs users in with; each opens api -> provider only (secrets stay in Kasm\'s database).', default: [], prop: 'identityProviders' }),
  }), { doc: 'NetworkPolicy openings beyond the dependency graph.' }),
  nodes: f(list(obj({
    count: f({ kind: 'integer', min: 1, max: 1000 }, { doc: 'How many nodes.' }),
    cpu: f(cpu, { doc: 'CPU of each node.' }),
    memory: f(memory, { doc: 'Memory of each node.' }),
  }, (owner, path, v) => { for (const k of ['count', 'cpu', 'memory']) if (v[k] === undefined) fail(owner, `${path}.${k}`, undefined, 'is required in a node pool'); }), 1),
  { doc: 'Node pools; synth fails when the pods at maximum replicas do not fit.', defaults: { 'k3s-dev': [{ count: 1, cpu: '2', memory: '4Gi' }], 'k3s-prod': [{ count: 3, cpu: '8', memory: '16Gi' }] }, variants: K3S, prop: 'nodes' }),
  checkCapacity: f({ kind: 'boolean' }, { doc: 'Run the capacity check at synth.', default: true, variants: K3S, prop: 'checkCapacity' }),
  alerts: f({ kind: 'boolean' }, { doc: 'A PrometheusRule alerting on the stuck states diagnose explains.', defaults: { 'k3s-dev': false, 'k3s-prod': true, 'rke2-cnpg': true }, prop: 'alerts' }),
  components: f(obj(perComponent(contractComponents().filter((id) => id !== ComponentId.DB), (id) => f(obj({
    replicas: f({ kind: 'integer', min: 1, max: 100 }, { doc: `Pods of ${id}.`, defaultDoc: 'the size preset\'s' }),
    resources: f(obj({
      cpuRequest: f(cpu, { doc: 'CPU the scheduler reserves.', defaultDoc: 'the size preset\'s' }),
      cpuLimit: f(cpu, { doc: 'CPU the container may burst to.', defaultDoc: 'the size preset\'s' }),
      memoryRequest: f(memory, { doc: 'Memory the scheduler reserves.', defaultDoc: 'the size preset\'s' }),
      memoryLimit: f(memory, { doc: 'Memory above which the container is OOM-killed.', defaultDoc: 'the size preset\'s' }),
    }), { doc: `Requests and limits of ${id} over the size preset.` }),
  }), { doc: `Replicas and resources of ${id}.` }))), { doc: 'Per-component replicas and resources over the size preset (a component the release does not run is refused).', commented: true, prop: 'components' }),
  scaling: f(obj({
    autoscaling: f({ kind: 'boolean' }, { doc: 'An HPA for each horizontal component.', default: true }),
    podDisruptionBudgets: f({ kind: 'boolean' }, { doc: 'A PodDisruptionBudget for every component with more than one pod.', default: true }),
    spreadAcrossNodes: f({ kind: 'boolean' }, { doc: 'Spread pods over nodes and zones.', default: true }),
    requiredAntiAffinity: f({ kind: 'boolean' }, { doc: 'Never put two pods of a component on one node.', default: false }),
    components: f(obj(perComponent(contractComponents(ScalingMode.HORIZONTAL), (id) => f(autoscaling, { doc: `Autoscaling of ${id}.` }))),
      { doc: 'HPA bounds and targets per horizontal component (needs autoscaling: true).', commented: true }),
  }), { doc: 'HPAs, PodDisruptionBudgets and spread.', variants: PROD, prop: 'scaling', feeds: [{ owner: 'KasmScaling' }] }),
  gitops: f(obj({
    repoUrl: f({ kind: 'string', accepted: 'a Git URL: https://..., ssh://... or git@host:path', pattern: '^(https://|ssh://|git@)\\S+$', check: assertNoCredentials }, { doc: 'Git URL Argo CD and Flux clone.', default: 'https://github.com/cdk8s-kasm/cdk8s-kasm.git' }),
    revision: f({ kind: 'string', accepted: 'a branch, tag or commit', pattern: '^[\\w./-]+$' }, { doc: 'Branch, tag or commit.', default: 'main' }),
    path: f({ kind: 'string', accepted: 'a relative folder without \'..\', e.g. \'deploy/kasm\'', pattern: '^(?!.*(^|/)\\.\\.(/|$))[\\w.-]+(/[\\w.-]+)*$' }, { doc: 'Folder of the synthesized variants in that repository (what --out is there).', default: 'dist', feeds: [{ owner: ['ArgoCdApplications', 'FluxKustomizations'], prop: 'basePath' }] }),
    argoNamespace: f(dnsLabel, { doc: 'Namespace of the Argo CD Application.', default: 'argocd' }),
    fluxNamespace: f(dnsLabel, { doc: 'Namespace of the Flux objects.', default: 'flux-system' }),
  }), { doc: 'Where Argo CD and Flux find the output (<out>/gitops/).', prop: false, feeds: [{ owner: ['ArgoCdApplications', 'FluxKustomizations'] }] }),
}, (owner, _path, v) => {
  if (v.upgradeBackup !== undefined && v.upgradeFrom === undefined) {
    fail(owner, 'upgradeBackup', v.upgradeBackup, 'is set without upgradeFrom: it configures the pre-upgrade dump, which only an upgrade takes; add upgradeFrom or remove upgradeBackup');
  }
});
