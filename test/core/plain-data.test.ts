/**
 * Plain-data callers (a values file, JavaScript) can pass anything. Every prop of every public construct, given a
 * value of the wrong type, must stop synth with a KasmConfigError naming the prop, never a TypeError from inside
 * the library or cdk8s, and never a silently broken manifest.
 */
import { Testing } from 'cdk8s';
import { K3sDev } from '../../charts';
import {
  ClusterProfile, KasmConfigError, KasmControlPlane, KasmDatabase, KasmIngress, KasmSecurity, NetworkPeer, TraefikTimeouts,
} from '../../lib';

/** Values of the wrong type for (almost) any prop. */
const WRONG: readonly unknown[] = ['nonsense', 42, -1, 0.5, NaN, Infinity, -Infinity, true, null, [], ['x'], {}, { x: 1 }, () => 1];

type Build = (props: Record<string, unknown>) => unknown;

interface Subject {
  readonly name: string;
  readonly build: Build;
  readonly props: readonly string[];
}

const base = () => {
  const chart = Testing.chart();
  const database = new KasmDatabase(chart, 'Db');
  const controlPlane = new KasmControlPlane(chart, 'Cp', { database });
  return { chart, database, controlPlane };
};

const SUBJECTS: Subject[] = [
  {
    name: 'K3sDev',
    build: (p) => Testing.synth(new K3sDev(Testing.app(), 'x', p as any)),
    props: ['version', 'namespace', 'name', 'hostname', 'alternativeHostnames', 'cluster', 'storageClassName', 'databaseStorage', 'size',
      'zoneName', 'imageRegistry', 'imagePullSecrets', 'configureTraefikTimeouts', 'sessionTimeout', 'credentials', 'tls', 'agentCidrs',
      'serverCidrs', 'egress'],
  },
  {
    name: 'KasmDatabase',
    build: (p) => new KasmDatabase(Testing.chart(), 'Db', p as any),
    props: ['version', 'namespace', 'name', 'secrets', 'cluster', 'storageClassName', 'storage', 'size', 'resources', 'maxConnections',
      'sharedBuffers', 'imageRegistry', 'imagePullSecrets', 'pod'],
  },
  {
    name: 'KasmControlPlane',
    build: (p) => { const { chart, database } = base(); return new KasmControlPlane(chart, 'Cp2', { database, name: 'other', ...p } as any); },
    props: ['version', 'namespace', 'secrets', 'size', 'components', 'enableGuac', 'enableRdpGateway', 'enableRdpHttpsGateway',
      'enableShare', 'zoneName', 'imageRegistry', 'imagePullPolicy', 'imagePullSecrets', 'podDefaults', 'dbInit', 'cluster', 'sessionTimeout'],
  },
  {
    name: 'KasmIngress',
    build: (p) => { const { chart, controlPlane } = base(); return new KasmIngress(chart, 'In', { controlPlane, hostname: 'kasm.example.com', ...p } as any); },
    props: ['hostname', 'alternativeHostnames', 'ingressClassName', 'controller', 'tlsSecretName'],
  },
  {
    name: 'KasmSecurity',
    build: (p) => { const { chart, controlPlane } = base(); return new KasmSecurity(chart, 'Sec', { controlPlane, ...p } as any); },
    props: ['frontDoor', 'credentials', 'tls', 'ingressTls', 'networkPolicies', 'agentCidrs', 'serverCidrs', 'generatedCertificateValidity', 'egress'],
  },
  {
    name: 'TraefikTimeouts',
    build: (p) => new TraefikTimeouts(Testing.chart(), 'T', p as any),
    props: ['cluster', 'sessionTimeout'],
  },
  {
    name: 'ClusterProfile.k3s',
    build: (p) => ClusterProfile.k3s(p as any),
    props: ['dnsServiceIp', 'clusterCidrs', 'ingressController', 'ingressClassName', 'defaultStorageClass', 'apiServerPorts', 'clusterDomain'],
  },
  {
    name: 'KasmDatabase.fromEndpoint',
    build: (p) => KasmDatabase.fromEndpoint(Testing.chart(), 'E', {
      host: 'db.example.com', peer: NetworkPeer.cidrs(['192.168.5.0/24']), passwordSecretName: 'pg', ...p,
    } as any),
    props: ['host', 'peer', 'passwordSecretName', 'passwordSecretKey', 'namespace', 'port', 'version', 'databaseName', 'user'],
  },
];

/** Run `build`; return how it ended: fine, a KasmConfigError naming the prop, or anything else. */
function outcome(build: () => unknown, prop: string): 'ok' | 'named' | string {
  try {
    build();
    return 'ok';
  } catch (e) {
    if (!(e instanceof KasmConfigError)) return `${(e as Error)?.name}: ${(e as Error)?.message}`;
    return e.message.includes(prop) ? 'named' : `KasmConfigError without the prop: ${e.message}`;
  }
}

describe.each(SUBJECTS.map((s) => [s.name, s] as const))('%s', (_name, subject) => {
  test.each(subject.props.map((p) => [p] as const))('%s of the wrong type is a KasmConfigError naming it', (prop) => {
    const bad: string[] = [];
    for (const value of WRONG) {
      const result = outcome(() => subject.build({ [prop]: value }), prop);
      // Some wrong-looking values are legitimately accepted (e.g. true for a boolean); they must then synthesize.
      if (result !== 'ok' && result !== 'named') bad.push(`${String(typeof value === 'function' ? 'a function' : JSON.stringify(value))} -> ${result}`);
    }
    expect(bad).toEqual([]);
  });
});

test('the whole props object of the wrong type', () => {
  for (const subject of SUBJECTS.filter((s) => !s.name.includes('.'))) {
    for (const value of ['x', 42, []]) {
      const result = outcome(() => subject.build(value as any), 'props');
      expect([subject.name, result]).toEqual([subject.name, expect.stringMatching(/^(ok|named)$/)]);
    }
  }
});
