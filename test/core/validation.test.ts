/**
 * Synth-time validation of user input: every bad prop must stop synth with a `KasmConfigError` whose message names
 * the construct, the prop, the value received and what is accepted (`<Owner> <prop>: <value> <problem>`).
 *
 * Each case builds its objects in a fresh chart (or app), so one failing construction never leaks into another.
 */
import { Duration, Size, Testing } from 'cdk8s';
import { K3sDev } from '../../charts/k3s-dev';
import { ComponentId, SizePreset } from '../../lib/contract/types';
import { ImagePullPolicy, KasmControlPlane, KasmControlPlaneProps } from '../../lib/control-plane/control-plane';
import { KasmDatabase, KasmDatabaseProps } from '../../lib/database/kasm-database';
import { KasmIngress, KasmIngressProps } from '../../lib/ingress/kasm-ingress';
import { KasmNamespace } from '../../lib/security/namespace';
import { KasmSecrets } from '../../lib/security/secrets';
import { NetworkPeer } from '../../lib/security/network-peer';
import { KasmSecurity, KasmSecurityProps } from '../../lib/security/kasm-security';
import { CertManagerIssuerKind, CredentialSource, TlsSource } from '../../lib/security/sources';
import { ClusterProfile } from '../../lib/cluster/profile';
import { TraefikTimeouts } from '../../lib/ingress/traefik-timeouts';
import { KasmConfigError } from '../../lib/core/validation';
import { KasmVersion } from '../../lib/contract/version';

// ---------------------------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------------------------

/** A KasmDatabase in a fresh chart. */
function database(props: KasmDatabaseProps = {}): KasmDatabase {
  return new KasmDatabase(Testing.chart(), 'Database', props);
}

/** A KasmControlPlane wired to a KasmDatabase of the same version, in a fresh chart. */
function controlPlane(props: Partial<Omit<KasmControlPlaneProps, 'database'>> = {}, dbProps: KasmDatabaseProps = {}): KasmControlPlane {
  const chart = Testing.chart();
  const db = new KasmDatabase(chart, 'Database', { version: props.version, ...dbProps });
  return new KasmControlPlane(chart, 'ControlPlane', { database: db, ...props });
}

/** A KasmIngress in front of a default control plane, in a fresh chart. */
function ingress(props: Partial<Omit<KasmIngressProps, 'controlPlane'>>): KasmIngress {
  const chart = Testing.chart();
  const db = new KasmDatabase(chart, 'Database');
  const cp = new KasmControlPlane(chart, 'ControlPlane', { database: db });
  return new KasmIngress(chart, 'Ingress', { controlPlane: cp, hostname: 'kasm.example.com', ...props });
}

/** A KasmSecurity for a default control plane (with an ingress), in a fresh chart. */
function security(props: Partial<Omit<KasmSecurityProps, 'controlPlane'>>, withIngress = true): KasmSecurity {
  const chart = Testing.chart();
  const db = new KasmDatabase(chart, 'Database');
  const cp = new KasmControlPlane(chart, 'ControlPlane', { database: db });
  const ing = withIngress ? new KasmIngress(chart, 'Ingress', { controlPlane: cp, hostname: 'kasm.example.com' }) : undefined;
  return new KasmSecurity(chart, 'Security', { controlPlane: cp, frontDoor: ing, ...props });
}

const CIPHER = `AgB${'x'.repeat(60)}==`;

/** The K3s development chart in a fresh app. */
function k3sDev(props: ConstructorParameters<typeof K3sDev>[2]): K3sDev {
  return new K3sDev(Testing.app(), 'x', props);
}

/** Run `build` and return the KasmConfigError it throws; fail the test when it throws nothing or something else. */
function thrown(build: () => unknown): KasmConfigError {
  try {
    build();
  } catch (e) {
    expect(e).toBeInstanceOf(KasmConfigError);
    expect((e as Error).name).toBe('KasmConfigError');
    return e as KasmConfigError;
  }
  throw new Error('expected a KasmConfigError, but nothing was thrown');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------------------------------------------------------
// What the messages say is accepted
// ---------------------------------------------------------------------------------------------------------------

const DNS_LABEL = 'is not a valid Kubernetes name (lowercase letters, digits and \'-\', starting and ending with a letter '
  + 'or digit, at most 63 characters)';
const DNS_SUBDOMAIN = 'is not a valid Kubernetes name (lowercase letters, digits, \'-\' and \'.\', each part starting and '
  + 'ending with a letter or digit, at most 253 characters)';
const HOSTNAME = 'is not a valid host name (lowercase DNS labels of letters, digits and \'-\' separated by dots, each label '
  + 'at most 63 and the whole name at most 253 characters, no scheme, port, path or wildcard), e.g. \'kasm.example.com\'';
const CPU = 'is not a CPU quantity; pass millicores like \'250m\' or cores like \'1\' or \'1.5\'';
const MEMORY = 'is not a memory quantity; pass bytes with a binary suffix like \'512Mi\' or \'2Gi\'';
const REGISTRY = 'is not a registry host; pass a lowercase host name with optional port and path and no scheme, '
  + 'e.g. \'registry.example.com:5000/kasm\'';
const SHARED_BUFFERS = 'is not accepted; pass whole mebibytes or gibibytes like \'128Mi\' or \'1Gi\'';
const ZONE = 'is not a zone name (1 to 63 letters, digits, spaces, \'_\', \'.\' or \'-\', starting with a letter or digit)';
const IPV4 = 'is not an IPv4 address; pass the cluster DNS Service IP, e.g. \'10.43.0.10\'';
const SIZES = 'is not one of \'dev\', \'small\', \'medium\', \'large\'';
const VERSIONS = 'is not a supported Kasm version; accepted: \'1.19.0\', \'1.18.1\', \'1.16.0\'';

const LONG_LABEL = 'a'.repeat(64);

/**
 * One bad input: how to build it, the exact start of the message (`<Owner> <prop>: <value>`) and the phrases that
 * tell the user what is accepted instead.
 */
interface BadInput {
  readonly name: string;
  readonly build: () => unknown;
  readonly starts: string;
  readonly says: readonly string[];
}

const CASES: BadInput[] = [
  // --- host names -------------------------------------------------------------------------------------------------
  {
    name: 'K3sDev hostname \'\' (empty)',
    build: () => k3sDev({ hostname: '' }),
    starts: 'K3sDev hostname: \'\'',
    says: ['is empty; pass the host name users type in the browser, e.g. \'kasm.example.com\''],
  },
  {
    name: 'KasmIngress hostname \'\' (empty)',
    build: () => ingress({ hostname: '' }),
    starts: 'KasmIngress hostname: \'\'',
    says: ['is empty', 'e.g. \'kasm.example.com\''],
  },
  {
    name: 'KasmIngress hostname with uppercase letters',
    build: () => ingress({ hostname: 'Kasm.Example.com' }),
    starts: 'KasmIngress hostname: \'Kasm.Example.com\'',
    says: [HOSTNAME],
  },
  {
    name: 'K3sDev hostname with uppercase letters',
    build: () => k3sDev({ hostname: 'Kasm.Example.com' }),
    starts: 'K3sDev hostname: \'Kasm.Example.com\'',
    says: [HOSTNAME],
  },
  {
    name: 'KasmIngress hostname with a scheme',
    build: () => ingress({ hostname: 'https://kasm.example.com' }),
    starts: 'KasmIngress hostname: \'https://kasm.example.com\'',
    says: [HOSTNAME, 'no scheme'],
  },
  {
    name: 'KasmIngress hostname with a port',
    build: () => ingress({ hostname: 'kasm.example.com:443' }),
    starts: 'KasmIngress hostname: \'kasm.example.com:443\'',
    says: [HOSTNAME, 'port'],
  },
  {
    name: 'KasmIngress hostname with a wildcard',
    build: () => ingress({ hostname: '*.example.com' }),
    starts: 'KasmIngress hostname: \'*.example.com\'',
    says: [HOSTNAME, 'wildcard'],
  },
  {
    name: 'KasmIngress hostname with a label longer than 63 characters',
    build: () => ingress({ hostname: `${LONG_LABEL}.example.com` }),
    starts: `KasmIngress hostname: '${LONG_LABEL}.example.com'`,
    says: [HOSTNAME],
  },
  {
    name: 'KasmIngress hostname with an underscore',
    build: () => ingress({ hostname: 'bad_host.example.com' }),
    starts: 'KasmIngress hostname: \'bad_host.example.com\'',
    says: [HOSTNAME],
  },
  {
    name: 'KasmIngress hostname that is an IP address',
    build: () => ingress({ hostname: '10.0.0.1' }),
    starts: 'KasmIngress hostname: \'10.0.0.1\'',
    says: [HOSTNAME],
  },
  {
    name: 'KasmIngress alternativeHostnames with an invalid second entry',
    build: () => ingress({ alternativeHostnames: ['www.example.com', 'Bad_Host.example.com'] }),
    starts: 'KasmIngress alternativeHostnames[1]: \'Bad_Host.example.com\'',
    says: [HOSTNAME],
  },
  {
    name: 'K3sDev alternativeHostnames with an invalid second entry',
    build: () => k3sDev({ hostname: 'kasm.example.com', alternativeHostnames: ['www.example.com', 'kasm.example.com:8443'] }),
    starts: 'KasmIngress alternativeHostnames[1]: \'kasm.example.com:8443\'',
    says: [HOSTNAME],
  },
  {
    name: 'KasmIngress alternativeHostnames repeating the main hostname',
    build: () => ingress({ hostname: 'kasm.example.com', alternativeHostnames: ['kasm.example.com'] }),
    starts: 'KasmIngress hostname/alternativeHostnames: \'kasm.example.com\'',
    says: ['appears more than once'],
  },
  {
    name: 'K3sDev alternativeHostnames repeating the main hostname',
    build: () => k3sDev({ hostname: 'kasm.example.com', alternativeHostnames: ['www.example.com', 'kasm.example.com'] }),
    starts: 'KasmIngress hostname/alternativeHostnames: \'kasm.example.com\'',
    says: ['appears more than once'],
  },

  // --- versions ---------------------------------------------------------------------------------------------------
  {
    name: 'KasmVersion.of(\'1.17.0\') (unknown release)',
    build: () => KasmVersion.of('1.17.0'),
    starts: 'KasmVersion version: \'1.17.0\'',
    says: [VERSIONS],
  },
  {
    name: 'KasmVersion.of(\'latest\')',
    build: () => KasmVersion.of('latest'),
    starts: 'KasmVersion version: \'latest\'',
    says: [VERSIONS],
  },
  {
    name: 'KasmDatabase version that is a string, not a KasmVersion',
    build: () => database({ version: '1.18.1' as any }),
    starts: 'KasmDatabase version: \'1.18.1\'',
    says: ['is not a KasmVersion; use KasmVersion.of(\'1.18.1\')'],
  },
  {
    name: 'KasmControlPlane version 1.16.0 with a 1.18.1 database',
    build: () => controlPlane({ version: KasmVersion.V1_16_0 }, { version: KasmVersion.V1_18_1 }),
    starts: 'KasmControlPlane version: \'1.16.0\'',
    says: ['does not match the database\'s version \'1.18.1\'', 'build both from the same KasmVersion'],
  },

  // --- replicas and components ------------------------------------------------------------------------------------
  ...([0, -1, 1.5] as const).map((replicas): BadInput => ({
    name: `components.api.replicas ${replicas}`,
    build: () => controlPlane({ components: { api: { replicas } } }),
    starts: `KasmControlPlane components.api.replicas: ${replicas}`,
    says: ['is not accepted; pass a whole number from 1 to 100'],
  })),
  {
    name: 'components.api.replicas 101',
    build: () => controlPlane({ components: { api: { replicas: 101 } } }),
    starts: 'KasmControlPlane components.api.replicas: 101',
    says: ['pass a whole number from 1 to 100'],
  },
  {
    name: 'replicas 2 for 1.16.0 redis, which cannot scale',
    build: () => controlPlane({ version: KasmVersion.V1_16_0, components: { redis: { replicas: 2 } } }),
    starts: 'KasmControlPlane components.redis.replicas: 2',
    says: ['is not accepted: this component keeps state in memory and runs as exactly 1 replica'],
  },
  {
    name: 'components.share on 1.18.1, which does not ship Share',
    build: () => controlPlane({ components: { share: { replicas: 1 } } }),
    starts: 'KasmControlPlane components.share: \'share\'',
    says: ['is not a control-plane component of Kasm 1.18.1; accepted: ', '\'proxy\'', '\'api\'', '\'manager\''],
  },
  {
    name: 'components.db (the database is not a control-plane component)',
    build: () => controlPlane({ components: { db: { replicas: 1 } } }),
    starts: 'KasmControlPlane components.db: \'db\'',
    says: ['is not a control-plane component of Kasm 1.18.1; accepted: ', '\'api\'', '(the database is sized on KasmDatabase)'],
  },
  {
    name: 'components.guac when enableGuac is false',
    build: () => controlPlane({ enableGuac: false, components: { guac: { replicas: 2 } } }),
    starts: 'KasmControlPlane components.guac: \'guac\'',
    says: ['is configured but the component is disabled'],
  },
  {
    name: 'enableShare true on 1.18.1',
    build: () => controlPlane({ enableShare: true }),
    starts: 'KasmControlPlane enableShare: true',
    says: ['is not possible: Kasm 1.18.1 does not ship Kasm Share (1.16.0 does)'],
  },

  // --- CPU and memory ---------------------------------------------------------------------------------------------
  ...(['lots', '-100m', '0'] as const).map((cpuRequest): BadInput => ({
    name: `components.api.resources.cpuRequest '${cpuRequest}'`,
    build: () => controlPlane({ components: { api: { resources: { cpuRequest } } } }),
    starts: `KasmControlPlane components.api.resources.cpuRequest: '${cpuRequest}'`,
    says: [CPU],
  })),
  {
    name: 'components.proxy.resources.cpuLimit \'0.0001\' (below 1m)',
    build: () => controlPlane({ components: { proxy: { resources: { cpuLimit: '0.0001' } } } }),
    starts: 'KasmControlPlane components.proxy.resources.cpuLimit: \'0.0001\'',
    says: ['is below 1m, the smallest CPU amount Kubernetes schedules'],
  },
  {
    name: 'components.api.resources.memoryLimit \'512m\' (milli-bytes)',
    build: () => controlPlane({ components: { api: { resources: { memoryLimit: '512m' } } } }),
    starts: 'KasmControlPlane components.api.resources.memoryLimit: \'512m\'',
    says: ['means 0.512 bytes (\'m\' is milli); did you mean \'512Mi\'?'],
  },
  {
    name: 'components.api.resources.memoryLimit \'1GB\' (not a Kubernetes suffix)',
    build: () => controlPlane({ components: { api: { resources: { memoryLimit: '1GB' } } } }),
    starts: 'KasmControlPlane components.api.resources.memoryLimit: \'1GB\'',
    says: [MEMORY],
  },
  {
    name: 'components.manager.resources.memoryRequest \'abc\'',
    build: () => controlPlane({ components: { manager: { resources: { memoryRequest: 'abc' } } } }),
    starts: 'KasmControlPlane components.manager.resources.memoryRequest: \'abc\'',
    says: [MEMORY],
  },
  {
    name: 'components.api.resources.memoryRequest \'512\' (below 1Mi)',
    build: () => controlPlane({ components: { api: { resources: { memoryRequest: '512' } } } }),
    starts: 'KasmControlPlane components.api.resources.memoryRequest: \'512\'',
    says: ['is below 1Mi; pass bytes with a binary suffix like \'512Mi\' or \'2Gi\''],
  },
  {
    name: 'components.api.resources cpuRequest \'2\' above cpuLimit \'1\'',
    build: () => controlPlane({ components: { api: { resources: { cpuRequest: '2', cpuLimit: '1' } } } }),
    starts: 'KasmControlPlane components.api.resources.cpuRequest/cpuLimit: \'2 > 1\'',
    says: ['is not accepted: the request must not exceed the limit'],
  },
  {
    name: 'components.api.resources memoryRequest \'2Gi\' above memoryLimit \'1Gi\'',
    build: () => controlPlane({ components: { api: { resources: { memoryRequest: '2Gi', memoryLimit: '1Gi' } } } }),
    starts: 'KasmControlPlane components.api.resources.memoryRequest/memoryLimit: \'2Gi > 1Gi\'',
    says: ['is not accepted: the request must not exceed the limit'],
  },
  {
    name: 'KasmDatabase resources.cpuRequest \'lots\'',
    build: () => database({ resources: { cpuRequest: 'lots' } }),
    starts: 'KasmDatabase resources.cpuRequest: \'lots\'',
    says: [CPU],
  },
  {
    name: 'KasmDatabase resources.memoryLimit \'512m\'',
    build: () => database({ resources: { memoryLimit: '512m' } }),
    starts: 'KasmDatabase resources.memoryLimit: \'512m\'',
    says: ['did you mean \'512Mi\'?'],
  },
  {
    name: 'KasmDatabase resources cpuRequest \'2\' above cpuLimit \'1\'',
    build: () => database({ resources: { cpuRequest: '2', cpuLimit: '1' } }),
    starts: 'KasmDatabase resources.cpuRequest/cpuLimit: \'2 > 1\'',
    says: ['the request must not exceed the limit'],
  },
  {
    name: 'KasmDatabase sharedBuffers \'128MB\' (PostgreSQL spelling, not a Kubernetes quantity)',
    build: () => database({ sharedBuffers: '128MB' }),
    starts: 'KasmDatabase sharedBuffers: \'128MB\'',
    says: [SHARED_BUFFERS],
  },
  {
    name: 'KasmDatabase sharedBuffers \'128m\'',
    build: () => database({ sharedBuffers: '128m' }),
    starts: 'KasmDatabase sharedBuffers: \'128m\'',
    says: [SHARED_BUFFERS],
  },
  ...(['2048Ki', '2048k', '134217728', '1e9'] as const).map((sharedBuffers): BadInput => ({
    name: `KasmDatabase sharedBuffers '${sharedBuffers}' (PostgreSQL would misread it)`,
    build: () => database({ sharedBuffers }),
    starts: `KasmDatabase sharedBuffers: '${sharedBuffers}'`,
    says: [SHARED_BUFFERS],
  })),
  {
    name: 'KasmDatabase sharedBuffers above half the memory limit',
    build: () => database({ sharedBuffers: '8Gi' }),
    starts: 'KasmDatabase sharedBuffers: \'8Gi\'',
    says: ['is more than half the memory limit \'512Mi\''],
  },

  // --- StorageClass -----------------------------------------------------------------------------------------------
  ...(['Local_Path', '', 'local path', 'a'.repeat(254)] as const).map((storageClassName): BadInput => ({
    name: `KasmDatabase storageClassName '${storageClassName.length > 20 ? `${storageClassName.slice(0, 8)}... (${storageClassName.length} chars)` : storageClassName}'`,
    build: () => database({ storageClassName }),
    starts: `KasmDatabase storageClassName: '${storageClassName}'`,
    says: [DNS_SUBDOMAIN],
  })),
  {
    name: 'K3sDev storageClassName \'Local_Path\'',
    build: () => k3sDev({ storageClassName: 'Local_Path' }),
    starts: 'KasmDatabase storageClassName: \'Local_Path\'',
    says: [DNS_SUBDOMAIN],
  },

  // --- namespaces -------------------------------------------------------------------------------------------------
  ...(['Kasm', 'kasm_ns', '-kasm', 'a'.repeat(64), ''] as const).flatMap((namespace): BadInput[] => {
    const shown = namespace.length > 20 ? `${namespace.slice(0, 8)}... (${namespace.length} chars)` : namespace;
    return [
      // K3sDev creates the namespace first, so KasmNamespace is the construct that reports it.
      { name: `K3sDev namespace '${shown}'`, build: () => k3sDev({ namespace }), starts: `KasmNamespace namespace: '${namespace}'`, says: [DNS_LABEL] },
      { name: `KasmNamespace namespace '${shown}'`, build: () => new KasmNamespace(Testing.chart(), 'Namespace', { namespace }), starts: `KasmNamespace namespace: '${namespace}'`, says: [DNS_LABEL] },
      { name: `KasmDatabase namespace '${shown}'`, build: () => database({ namespace }), starts: `KasmDatabase namespace: '${namespace}'`, says: [DNS_LABEL] },
      { name: `KasmControlPlane namespace '${shown}'`, build: () => controlPlane({ namespace }), starts: `KasmControlPlane namespace: '${namespace}'`, says: [DNS_LABEL] },
    ];
  }),
  ...(['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const).map((namespace): BadInput => ({
    name: `K3sDev in the reserved namespace '${namespace}'`,
    build: () => k3sDev({ namespace }),
    starts: `KasmNamespace namespace: '${namespace}'`,
    says: ['is reserved for the cluster', 'Kasm gets a namespace of its own'],
  })),
  {
    name: 'KasmControlPlane in kube-system',
    build: () => controlPlane({ namespace: 'kube-system' }),
    starts: 'KasmControlPlane namespace: \'kube-system\'',
    says: ['is reserved for the cluster'],
  },
  {
    name: 'KasmNamespace labels that would override Pod Security',
    build: () => new KasmNamespace(Testing.chart(), 'Ns', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }),
    starts: 'KasmNamespace labels: \'pod-security.kubernetes.io/enforce\'',
    says: ['is set by the podSecurity prop', 'cannot override the Pod Security admission labels'],
  },
  {
    name: 'KasmDatabase.fromEndpoint without a peer',
    build: () => KasmDatabase.fromEndpoint(Testing.chart(), 'Db', { host: 'db.example.com', passwordSecretName: 'db' } as any),
    starts: 'KasmDatabase.fromEndpoint peer: undefined',
    says: ['is required and must be a NetworkPeer', 'default deny drops every database connection'],
  },
  {
    name: 'KasmDatabase.fromEndpoint with a URL for a host',
    build: () => KasmDatabase.fromEndpoint(Testing.chart(), 'Db', { host: 'postgres://db.example.com', passwordSecretName: 'db', peer: NetworkPeer.cidrs(['192.168.5.0/24']) }),
    starts: 'KasmDatabase.fromEndpoint host: \'postgres://db.example.com\'',
    says: [DNS_SUBDOMAIN],
  },
  {
    name: 'KasmDatabase.fromEndpoint port out of range',
    build: () => KasmDatabase.fromEndpoint(Testing.chart(), 'Db', { host: 'db.example.com', port: 0, passwordSecretName: 'db', peer: NetworkPeer.cidrs(['192.168.5.0/24']) }),
    starts: 'KasmDatabase.fromEndpoint port: 0',
    says: ['pass a whole number from 1 to 65535'],
  },
  {
    name: 'KasmControlPlane on Kasm 1.16.0 with an external database on another port behind a host name',
    build: () => {
      const chart = Testing.chart();
      const database = KasmDatabase.fromEndpoint(chart, 'Db', {
        host: 'pg.example.com', port: 6432, passwordSecretName: 'db', peer: NetworkPeer.cidrs(['192.168.5.0/24']), version: KasmVersion.V1_16_0,
      });
      return new KasmControlPlane(chart, 'ControlPlane', { database });
    },
    starts: 'KasmControlPlane database.port: 6432',
    says: ['always connect to \'db\' on 5432', 'give its IPv4 address as the host'],
  },
  {
    name: 'KasmControlPlane with a plain-data database that has no peer',
    build: () => {
      const chart = Testing.chart();
      const db = new KasmDatabase(chart, 'Db');
      const plain = { version: db.version, namespace: 'kasm', host: 'kasm-db', port: 5432, databaseName: 'kasm', user: 'kasmapp', passwordSecret: db.passwordSecret, node: db.node };
      return new KasmControlPlane(chart, 'ControlPlane', { database: plain as any });
    },
    starts: 'KasmControlPlane database.peer: undefined',
    says: ['every database edge needs a peer'],
  },

  // --- instance name ----------------------------------------------------------------------------------------------
  {
    name: 'K3sDev name \'Kasm!\'',
    build: () => k3sDev({ name: 'Kasm!' }),
    starts: 'KasmNamespace name: \'Kasm!\'',
    says: [DNS_LABEL],
  },
  {
    name: 'KasmDatabase name \'Kasm!\'',
    build: () => database({ name: 'Kasm!' }),
    starts: 'KasmDatabase name: \'Kasm!\'',
    says: [DNS_LABEL],
  },
  {
    name: 'KasmControlPlane name \'Kasm!\'',
    build: () => controlPlane({ name: 'Kasm!' }),
    starts: 'KasmControlPlane name: \'Kasm!\'',
    says: [DNS_LABEL],
  },

  // --- zone, DNS resolver, registry, pull policy, size ------------------------------------------------------------
  ...(['', 'z'.repeat(64), 'zone/1'] as const).map((zoneName): BadInput => ({
    name: `KasmControlPlane zoneName '${zoneName.length > 20 ? `${zoneName.slice(0, 8)}... (${zoneName.length} chars)` : zoneName}'`,
    build: () => controlPlane({ zoneName }),
    starts: `KasmControlPlane zoneName: '${zoneName}'`,
    says: [ZONE],
  })),
  {
    name: 'K3sDev zoneName \'zone/1\'',
    build: () => k3sDev({ zoneName: 'zone/1' }),
    starts: 'KasmControlPlane zoneName: \'zone/1\'',
    says: [ZONE],
  },
  ...(['10.43.0.300', 'kube-dns'] as const).map((dnsServiceIp): BadInput => ({
    name: `ClusterProfile.k3s dnsServiceIp '${dnsServiceIp}'`,
    build: () => ClusterProfile.k3s({ dnsServiceIp }),
    starts: `ClusterProfile.k3s dnsServiceIp: '${dnsServiceIp}'`,
    says: [IPV4],
  })),
  {
    name: 'ClusterProfile.rke2 dnsServiceIp outside every cluster CIDR',
    build: () => ClusterProfile.rke2({ dnsServiceIp: '10.96.0.10' }),
    starts: 'ClusterProfile.rke2 dnsServiceIp: \'10.96.0.10\'',
    says: ['is outside every cluster CIDR', 'one of them is wrong'],
  },
  {
    name: 'ClusterProfile.k3s overrides that are not an object',
    build: () => ClusterProfile.k3s('rke2' as any),
    starts: 'ClusterProfile.k3s overrides: \'rke2\'',
    says: ['pass an object of named settings'],
  },
  {
    name: 'ClusterProfile.custom ingressController given as address ranges',
    build: () => ClusterProfile.custom({
      name: 'custom', dnsServiceIp: '10.96.0.10', clusterCidrs: ['10.96.0.0/12'], dns: NetworkPeer.kubeDns(),
      ingressController: NetworkPeer.cidrs(['192.168.0.0/16']), ingressClassName: 'nginx', defaultStorageClass: 'standard',
    }),
    starts: 'ClusterProfile.custom ingressController: \'cidrs\'',
    says: ['must be pods in a namespace'],
  },
  {
    name: 'KasmControlPlane cluster that is not a ClusterProfile',
    build: () => controlPlane({ cluster: 'k3s' as any }),
    starts: 'KasmControlPlane cluster: \'k3s\'',
    says: ['is not a ClusterProfile'],
  },
  ...(['https://registry.example.com', 'Registry.Example.com'] as const).flatMap((imageRegistry): BadInput[] => [
    {
      name: `KasmControlPlane imageRegistry '${imageRegistry}'`,
      build: () => controlPlane({ imageRegistry }),
      starts: `KasmControlPlane imageRegistry: '${imageRegistry}'`,
      says: [REGISTRY],
    },
    {
      name: `KasmDatabase imageRegistry '${imageRegistry}'`,
      build: () => database({ imageRegistry }),
      starts: `KasmDatabase imageRegistry: '${imageRegistry}'`,
      says: [REGISTRY],
    },
    {
      name: `K3sDev imageRegistry '${imageRegistry}'`,
      build: () => k3sDev({ imageRegistry }),
      starts: `KasmDatabase imageRegistry: '${imageRegistry}'`,
      says: [REGISTRY],
    },
  ]),
  {
    name: 'KasmControlPlane imagePullPolicy \'Sometimes\'',
    build: () => controlPlane({ imagePullPolicy: 'Sometimes' as any }),
    starts: 'KasmControlPlane imagePullPolicy: \'Sometimes\'',
    says: ['is not one of \'IfNotPresent\', \'Always\', \'Never\''],
  },
  {
    name: 'KasmDatabase size \'huge\'',
    build: () => database({ size: 'huge' as any }),
    starts: 'KasmDatabase size: \'huge\'',
    says: [SIZES],
  },
  {
    name: 'KasmControlPlane size \'huge\'',
    build: () => controlPlane({ size: 'huge' as any }),
    starts: 'KasmControlPlane size: \'huge\'',
    says: [SIZES],
  },
  {
    name: 'K3sDev size \'huge\'',
    build: () => k3sDev({ size: 'huge' as any }),
    starts: 'KasmDatabase size: \'huge\'',
    says: [SIZES],
  },

  // --- timeouts, storage, connections -----------------------------------------------------------------------------
  {
    name: 'KasmControlPlane sessionTimeout of 10 seconds',
    build: () => controlPlane({ sessionTimeout: Duration.seconds(10) }),
    starts: 'KasmControlPlane sessionTimeout: \'10s\'',
    says: ['is not accepted; pass whole seconds from 60 to 86400'],
  },
  {
    name: 'KasmControlPlane sessionTimeout of 2 days',
    build: () => controlPlane({ sessionTimeout: Duration.days(2) }),
    starts: 'KasmControlPlane sessionTimeout: \'172800s\'',
    says: ['pass whole seconds from 60 to 86400'],
  },
  {
    name: 'TraefikTimeouts sessionTimeout of 10 seconds',
    build: () => new TraefikTimeouts(Testing.chart(), 'T', { sessionTimeout: Duration.seconds(10) }),
    starts: 'TraefikTimeouts sessionTimeout: \'10s\'',
    says: ['is not accepted; pass whole seconds from 60 to 86400'],
  },
  {
    name: 'KasmDatabase storage of 512Mi',
    build: () => database({ storage: Size.mebibytes(512) }),
    starts: 'KasmDatabase storage: \'512Mi\'',
    says: ['is below 1Gi, too small for Kasm\'s database; pass e.g. Size.gibibytes(10)'],
  },
  {
    name: 'K3sDev databaseStorage of 512Mi',
    build: () => k3sDev({ databaseStorage: Size.mebibytes(512) }),
    starts: 'KasmDatabase storage: \'512Mi\'',
    says: ['is below 1Gi'],
  },
  {
    name: 'KasmDatabase maxConnections 5',
    build: () => database({ maxConnections: 5 }),
    starts: 'KasmDatabase maxConnections: 5',
    says: ['is not accepted; pass a whole number from 10 to 10000'],
  },

  // --- Secret names -----------------------------------------------------------------------------------------------
  {
    name: 'KasmSecrets.fromExisting credentialsSecretName \'Kasm_Secrets\'',
    build: () => KasmSecrets.fromExisting({ credentialsSecretName: 'Kasm_Secrets' }),
    starts: 'KasmSecrets credentialsSecretName: \'Kasm_Secrets\'',
    says: [DNS_SUBDOMAIN],
  },
  {
    name: 'KasmSecrets.fromExisting ingressTlsSecretName \'Ingress TLS\'',
    build: () => KasmSecrets.fromExisting({ ingressTlsSecretName: 'Ingress TLS' }),
    starts: 'KasmSecrets ingressTlsSecretName: \'Ingress TLS\'',
    says: [DNS_SUBDOMAIN],
  },
  {
    name: 'KasmSecrets.fromExisting proxyTlsSecretName \'proxy_tls\'',
    build: () => KasmSecrets.fromExisting({ proxyTlsSecretName: 'proxy_tls' }),
    starts: 'KasmSecrets proxyTlsSecretName: \'proxy_tls\'',
    says: [DNS_SUBDOMAIN],
  },
  {
    name: 'KasmSecrets.fromExisting rdpTlsSecretName \'-rdp-tls\'',
    build: () => KasmSecrets.fromExisting({ rdpTlsSecretName: '-rdp-tls' }),
    starts: 'KasmSecrets rdpTlsSecretName: \'-rdp-tls\'',
    says: [DNS_SUBDOMAIN],
  },
  {
    name: 'KasmSecrets.fromExisting dbTlsSecretName \'DB-TLS\'',
    build: () => KasmSecrets.fromExisting({ dbTlsSecretName: 'DB-TLS' }),
    starts: 'KasmSecrets dbTlsSecretName: \'DB-TLS\'',
    says: [DNS_SUBDOMAIN],
  },

  // --- ingress class and TLS Secret -------------------------------------------------------------------------------
  {
    name: 'KasmIngress ingressClassName \'Traefik Ingress\'',
    build: () => ingress({ ingressClassName: 'Traefik Ingress' }),
    starts: 'KasmIngress ingressClassName: \'Traefik Ingress\'',
    says: [DNS_SUBDOMAIN],
  },
  {
    name: 'KasmIngress tlsSecretName \'Bad_Secret\'',
    build: () => ingress({ tlsSecretName: 'Bad_Secret' }),
    starts: 'KasmIngress tlsSecretName: \'Bad_Secret\'',
    says: [DNS_SUBDOMAIN],
  },

  // --- missing wiring ---------------------------------------------------------------------------------------------
  {
    name: 'KasmControlPlane without a database',
    build: () => new KasmControlPlane(Testing.chart(), 'ControlPlane', {} as any),
    starts: 'KasmControlPlane database: undefined',
    says: ['is not accepted; pass a KasmDatabase (or another IKasmDatabase)'],
  },
  {
    name: 'KasmIngress without a control plane',
    build: () => new KasmIngress(Testing.chart(), 'Ingress', { hostname: 'kasm.example.com' } as any),
    starts: 'KasmIngress controlPlane: undefined',
    says: ['is required; pass the KasmControlPlane to expose'],
  },
  // --- Gaps found in review: names too long for derived objects, labels, fractional timeouts, misleading messages --------
  {
    name: 'KasmControlPlane name of 40 characters (the secret generator Job name would exceed 63)',
    build: () => controlPlane({ name: 'a'.repeat(40) }),
    starts: `KasmControlPlane name: '${'a'.repeat(40)}'`,
    says: ['pass at most 39 characters'],
  },
  {
    name: 'KasmNamespace name \'Kasm!\'',
    build: () => new KasmNamespace(Testing.chart(), 'ns', { name: 'Kasm!' }),
    starts: 'KasmNamespace name: \'Kasm!\'',
    says: [DNS_LABEL],
  },
  {
    name: 'KasmNamespace labels with an invalid key',
    build: () => new KasmNamespace(Testing.chart(), 'ns', { labels: { 'bad key!': 'x' } }),
    starts: 'KasmNamespace labels key: \'bad key!\'',
    says: ['is not a valid label key'],
  },
  {
    name: 'KasmNamespace labels with an invalid value',
    build: () => new KasmNamespace(Testing.chart(), 'ns', { labels: { team: 'a b' } }),
    starts: 'KasmNamespace labels[\'team\']: \'a b\'',
    says: ['is not a valid label value'],
  },
  {
    name: 'KasmControlPlane sessionTimeout of 90.5 seconds',
    build: () => controlPlane({ sessionTimeout: Duration.millis(90500) }),
    starts: 'KasmControlPlane sessionTimeout: \'90.5s\'',
    says: ['pass whole seconds from 60 to 86400'],
  },
  {
    name: 'TraefikTimeouts sessionTimeout of 90.5 seconds',
    build: () => new TraefikTimeouts(Testing.chart(), 'T', { sessionTimeout: Duration.millis(90500) }),
    starts: 'TraefikTimeouts sessionTimeout: \'90.5s\'',
    says: ['pass whole seconds from 60 to 86400'],
  },
  {
    name: 'KasmSecrets name \'Kasm\' is blamed on name, not on a derived Secret name',
    build: () => KasmSecrets.fromExisting({ name: 'Kasm' }),
    starts: 'KasmSecrets name: \'Kasm\'',
    says: [DNS_LABEL],
  },
  {
    name: 'KasmControlPlane version given as a string',
    build: () => {
      const chart = Testing.chart();
      return new KasmControlPlane(chart, 'cp', { database: new KasmDatabase(chart, 'db'), version: '1.18.1' as any });
    },
    starts: 'KasmControlPlane version: \'1.18.1\'',
    says: ['is not a KasmVersion'],
  },
  {
    name: 'KasmControlPlane replicas NaN is shown as NaN',
    build: () => controlPlane({ components: { api: { replicas: NaN } } }),
    starts: 'KasmControlPlane components.api.replicas: NaN',
    says: ['pass a whole number from 1 to 100'],
  },
  // --- security: secret sources, TLS sources, network peers ----------------------------------------------------------
  ...(['10.0.0.0/33', '10.0.0.1/8', '300.1.1.0/24', 'kasm.local', '10.0.0.0'] as const).map((cidr): BadInput => ({
    name: `KasmSecurity agentCidrs with '${cidr}'`,
    build: () => security({ agentCidrs: ['192.168.0.0/16', cidr] }),
    starts: `KasmSecurity agentCidrs[1]: '${cidr}'`,
    says: ['192.168.10.0/24'],
  })),
  {
    name: 'K3sDev agentCidrs with a malformed CIDR',
    build: () => k3sDev({ agentCidrs: ['192.168.1.0/24 '] }),
    starts: 'KasmSecurity agentCidrs[0]: \'192.168.1.0/24 \'',
    says: ['is not an IPv4 CIDR'],
  },
  {
    name: 'KasmSecurity serverCidrs with a malformed CIDR',
    build: () => security({ serverCidrs: ['172.20.0.0/16', '172.20.0.0/255'] }),
    starts: 'KasmSecurity serverCidrs[1]: \'172.20.0.0/255\'',
    says: ['is not an IPv4 CIDR'],
  },
  {
    name: 'ClusterProfile clusterCidrs with a malformed CIDR',
    build: () => ClusterProfile.k3s({ clusterCidrs: ['10.42.0.0/16', '10.43.0.0'] }),
    starts: 'ClusterProfile.k3s clusterCidrs[1]: \'10.43.0.0\'',
    says: ['is not an IPv4 CIDR'],
  },
  {
    name: 'KasmSecurity credentials with an unknown secret source',
    build: () => security({ credentials: { kind: 'vault' } as any }),
    starts: 'KasmSecurity credentials: \'vault\'',
    says: ['is not a known secret source', 'CredentialSource.generated()', 'CredentialSource.sealedSecrets()'],
  },
  {
    name: 'KasmSecurity tls with an unknown TLS source',
    build: () => security({ tls: 'letsencrypt' as any }),
    starts: 'KasmSecurity tls: \'letsencrypt\'',
    says: ['is not a known TLS source'],
  },
  {
    name: 'KasmSecurity External Secrets without a store name',
    build: () => security({ credentials: CredentialSource.externalSecrets({ storeName: '', remoteKey: 'kasm' }) }),
    starts: 'KasmSecurity credentials.storeName: \'\'',
    says: ['is required for External Secrets'],
  },
  {
    name: 'KasmSecurity External Secrets with an invalid store name',
    build: () => security({ credentials: CredentialSource.externalSecrets({ storeName: 'Vault Store', remoteKey: 'kasm' }) }),
    starts: 'KasmSecurity credentials.storeName: \'Vault Store\'',
    says: [DNS_SUBDOMAIN],
  },
  {
    name: 'KasmSecurity External Secrets without a remote key',
    build: () => security({ credentials: CredentialSource.externalSecrets({ storeName: 'vault', remoteKey: '' }) }),
    starts: 'KasmSecurity credentials.remoteKey: \'\'',
    says: ['is required'],
  },
  {
    name: 'KasmSecurity External Secrets with an unknown store kind',
    build: () => security({ credentials: CredentialSource.externalSecrets({ storeName: 'vault', remoteKey: 'k', storeKind: 'VaultStore' as any }) }),
    starts: 'KasmSecurity credentials.storeKind: \'VaultStore\'',
    says: ['is not one of \'SecretStore\', \'ClusterSecretStore\''],
  },
  {
    name: 'KasmSecurity External Secrets mapping a key the release does not use',
    build: () => security({ credentials: CredentialSource.externalSecrets({ storeName: 'vault', remoteKey: 'k', remoteProperties: { 'redis-password': 'x' } }) }),
    starts: 'KasmSecurity credentials.remoteProperties: \'redis-password\'',
    says: ['is not a key Kasm 1.18.1 uses'],
  },
  {
    name: 'KasmSecurity Sealed Secrets missing a key',
    build: () => security({ credentials: CredentialSource.sealedSecrets({ encryptedData: { 'db-password': CIPHER } }) }),
    starts: 'KasmSecurity credentials.encryptedData: ["db-password"]',
    says: ['lacks \'admin-password\'', 'seal every key Kasm 1.18.1 needs'],
  },
  {
    name: 'KasmSecurity Sealed Secrets with a plaintext value',
    build: () => security({
      credentials: CredentialSource.sealedSecrets({
        encryptedData: { 'admin-password': CIPHER, 'user-password': CIPHER, 'db-password': 'hunter2', 'manager-token': CIPHER, 'service-token': CIPHER },
      }),
    }),
    starts: 'KasmSecurity credentials.encryptedData.db-password: \'hunter2...\'',
    says: ['is not kubeseal ciphertext'],
  },
  {
    name: 'KasmSecurity cert-manager without an issuer name',
    build: () => security({ tls: TlsSource.certManager({ issuerName: '' }) }),
    starts: 'KasmSecurity tls.issuerName: \'\'',
    says: ['is required for cert-manager'],
  },
  {
    name: 'KasmSecurity cert-manager with an unknown issuer kind',
    build: () => security({ tls: TlsSource.certManager({ issuerName: 'ca', issuerKind: 'Vault' as CertManagerIssuerKind }) }),
    starts: 'KasmSecurity tls.issuerKind: \'Vault\'',
    says: ['is not one of \'Issuer\', \'ClusterIssuer\''],
  },
  {
    name: 'KasmSecurity cert-manager renewing after expiry',
    build: () => security({ ingressTls: TlsSource.certManager({ issuerName: 'le', duration: Duration.days(30), renewBefore: Duration.days(60) }) }),
    starts: 'KasmSecurity ingressTls.renewBefore: \'1440h\'',
    says: ['must be shorter than duration (720h)'],
  },
  {
    name: 'KasmSecurity ingressTls without an ingress',
    build: () => security({ ingressTls: TlsSource.existing() }, false),
    starts: 'KasmSecurity ingressTls: \'existing\'',
    says: ['pass `frontDoor`'],
  },
  {
    name: 'ClusterProfile apiServerPorts empty',
    build: () => ClusterProfile.k3s({ apiServerPorts: [] }),
    starts: 'ClusterProfile.k3s apiServerPorts: []',
    says: ['pass the API server ports pods use'],
  },
  {
    name: 'ClusterProfile apiServerPorts out of range',
    build: () => ClusterProfile.rke2({ apiServerPorts: [70000] }),
    starts: 'ClusterProfile.rke2 apiServerPorts[0]: 70000',
    says: ['pass a whole number from 1 to 65535'],
  },
  {
    name: 'ClusterProfile clusterDomain invalid',
    build: () => ClusterProfile.k3s({ clusterDomain: 'Cluster_Local' }),
    starts: 'ClusterProfile.k3s clusterDomain: \'Cluster_Local\'',
    says: [DNS_SUBDOMAIN],
  },
  {
    name: 'KasmSecurity generated certificate validity of 7 days',
    build: () => security({ generatedCertificateValidity: Duration.days(7) }),
    starts: 'KasmSecurity generatedCertificateValidity: \'7 days\'',
    says: ['pass whole days from 30 to 36500'],
  },
  {
    name: 'KasmSecurity without a control plane',
    build: () => new KasmSecurity(Testing.chart(), 'Security', {} as any),
    starts: 'KasmSecurity controlPlane: undefined',
    says: ['is required'],
  },
  {
    name: 'NetworkPeer.pods with an empty selector',
    build: () => NetworkPeer.pods('kube-system', {}),
    starts: 'NetworkPeer podLabels: {}',
    says: ['would admit every pod of the namespace'],
  },
  {
    name: 'NetworkPeer.pods with an invalid namespace',
    build: () => NetworkPeer.pods('Kube System', { app: 'x' }),
    starts: 'NetworkPeer namespace: \'Kube System\'',
    says: [DNS_LABEL],
  },
  {
    name: 'NetworkPeer.cidrs with no range',
    build: () => NetworkPeer.cidrs([]),
    starts: 'NetworkPeer cidrs: []',
    says: ['pass at least one CIDR'],
  },
];

describe('bad input stops synth with a KasmConfigError', () => {
  for (const c of CASES) {
    test(`fails ${c.name}`, () => {
      const err = thrown(c.build);
      // Owner, prop and value come first, exactly; then the problem and what is accepted instead.
      expect(err.message).toMatch(new RegExp(`^${escapeRegExp(c.starts)} \\S`));
      for (const phrase of c.says) expect(err.message).toContain(phrase);
    });
  }
});

describe('valid input', () => {
  test('a configuration with every optional prop set does not throw', () => {
    const app = Testing.app();
    const chart = Testing.chart();
    const version = KasmVersion.V1_16_0;
    const secrets = KasmSecrets.fromExisting({
      name: 'kasm-test',
      credentialsSecretName: 'kasm-test-credentials',
      ingressTlsSecretName: 'kasm-test-ingress-tls',
      proxyTlsSecretName: 'kasm-test-proxy-tls',
      rdpTlsSecretName: 'kasm-test-rdp-tls',
      dbTlsSecretName: 'kasm-test-db-tls',
    });
    expect(() => {
      new KasmNamespace(chart, 'Namespace', {
        namespace: 'kasm-test', name: 'kasm-test', version, labels: { 'team.example.com/owner': 'desktops' },
      });
      const db = new KasmDatabase(chart, 'Database', {
        version,
        namespace: 'kasm-test',
        name: 'kasm-test',
        secrets,
        storageClassName: 'longhorn.example.io',
        storage: Size.gibibytes(20),
        size: SizePreset.DEV,
        resources: { cpuRequest: '250m', cpuLimit: '1.5', memoryRequest: '512Mi', memoryLimit: '2Gi' },
        maxConnections: 200,
        sharedBuffers: '256Mi',
        imageRegistry: 'registry.example.com:5000/kasm',
      });
      const cp = new KasmControlPlane(chart, 'ControlPlane', {
        database: db,
        version,
        namespace: 'kasm-test',
        name: 'kasm-test',
        secrets,
        size: SizePreset.DEV,
        components: {
          [ComponentId.API]: { replicas: 2, resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1G' } },
          [ComponentId.SHARE]: { replicas: 2 },
          [ComponentId.REDIS]: { replicas: 1, resources: { memoryLimit: '256Mi' } },
        },
        enableGuac: true,
        enableRdpGateway: true,
        enableRdpHttpsGateway: true,
        enableShare: true,
        zoneName: 'default',
        imageRegistry: 'registry.example.com:5000/kasm',
        imagePullPolicy: ImagePullPolicy.ALWAYS,
        cluster: ClusterProfile.k3s({ dnsServiceIp: '10.43.0.10' }),
        sessionTimeout: Duration.hours(1),
      });
      new KasmIngress(chart, 'Ingress', {
        controlPlane: cp,
        hostname: 'kasm.example.com',
        alternativeHostnames: ['www.kasm.example.com', 'kasm.internal'],
        ingressClassName: 'traefik',
        tlsSecretName: 'kasm-test-ingress-tls',
        controller: NetworkPeer.k3sTraefik(),
      });
      new TraefikTimeouts(chart, 'TraefikTimeouts', { cluster: ClusterProfile.k3s(), sessionTimeout: Duration.hours(1) });
      Testing.synth(chart);

      // The K3s chart, every prop set, synthesized with the app's validations (the doctor) included.
      new K3sDev(app, 'k3s', {
        version: KasmVersion.V1_18_1,
        namespace: 'kasm-dev',
        name: 'kasm-dev',
        hostname: 'kasm.example.com',
        alternativeHostnames: ['kasm.lan'],
        storageClassName: 'local-path',
        databaseStorage: Size.gibibytes(5),
        size: SizePreset.DEV,
        zoneName: 'default',
        imageRegistry: 'registry.example.com',
        configureTraefikTimeouts: false,
      });
      app.synthYaml();
    }).not.toThrow();
  });

  test('error messages never carry a stack trace frame', () => {
    for (const c of CASES) {
      const { message } = thrown(c.build);
      expect(message).not.toContain('\n    at ');
      expect(message).not.toMatch(/\n\s+at /);
      // One line, so `main.ts` prints exactly `<Owner> <prop>: <value> <problem>`.
      expect(message).not.toContain('\n');
    }
  });
});
