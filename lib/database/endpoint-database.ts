/**
 * A database this app does not deploy: a managed PostgreSQL, one in another namespace, or a CloudNativePG
 * cluster. The control plane connects to its host, and the NetworkPolicies admit exactly its peer.
 */
import { Construct } from 'constructs';
import { KasmVersion } from '../contract/version';
import {
  assertDnsSubdomain, assertInteger, assertKasmNamespace, assertPlainObject, fail, show,
} from '../core/validation';
import { DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { NetworkPeer } from '../security/network-peer';
import { IKasmDatabase } from './interface';

/** Props for {@link KasmDatabase.fromEndpoint}. */
export interface KasmDatabaseEndpointProps {
  /** Host name or IPv4 address of the PostgreSQL server, e.g. 'kasm-rw.database.svc' or 'db.example.com'. */
  readonly host: string;
  /**
   * Where the database is, for the NetworkPolicies: `NetworkPeer.pods(namespace, labels)` for a database in the
   * cluster, `NetworkPeer.cidrs([...])` for one outside it. Without it, default deny would silently drop every
   * database connection, so it is required.
   */
  readonly peer: NetworkPeer;
  /** Secret in the control plane's namespace that holds the password of {@link user}. */
  readonly passwordSecretName: string;
  /** Key of the password in that Secret. @default 'password' (CloudNativePG's `<cluster>-app` Secret) */
  readonly passwordSecretKey?: string;
  /** Namespace of the control plane, where the password Secret lives. @default 'kasm' */
  readonly namespace?: string;
  /** TCP port. @default 5432 */
  readonly port?: number;
  /** Kasm release the database holds the schema of. @default KasmVersion.V1_18_1 */
  readonly version?: KasmVersion;
  /** Database name. @default - the release's ('kasm') */
  readonly databaseName?: string;
  /** Database user. @default - the release's ('kasmapp') */
  readonly user?: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The IKasmDatabase behind {@link KasmDatabase.fromEndpoint}. */
export class EndpointDatabase extends Construct implements IKasmDatabase {
  public readonly version: KasmVersion;
  public readonly namespace: string;
  public readonly host: string;
  public readonly port: number;
  public readonly databaseName: string;
  public readonly user: string;
  public readonly passwordSecret: { readonly name: string; readonly key: string };
  public readonly peer: NetworkPeer;
  /** Whether {@link host} is an IPv4 address (1.16.0 then needs a selector-less Service instead of an ExternalName). */
  public readonly hostIsAddress: boolean;

  constructor(scope: Construct, id: string, props: KasmDatabaseEndpointProps) {
    super(scope, id);
    const owner = 'KasmDatabase.fromEndpoint';
    assertPlainObject(owner, 'props', props, true);
    this.version = props.version ?? KasmVersion.V1_18_1;
    if (!(this.version instanceof KasmVersion)) fail(owner, 'version', props.version, 'is not a KasmVersion; use KasmVersion.of(\'1.18.1\')');
    const ip = typeof props.host === 'string' ? IPV4.exec(props.host) : null;
    this.hostIsAddress = ip !== null && ip.slice(1).every((o) => Number(o) <= 255 && String(Number(o)) === o);
    if (!this.hostIsAddress) {
      if (typeof props.host !== 'string' || props.host.length === 0) {
        fail(owner, 'host', props.host, 'is required: the PostgreSQL server\'s host name or IPv4 address, e.g. \'kasm-rw.database.svc\'');
      }
      assertDnsSubdomain(owner, 'host', props.host);
    }
    if (!(props.peer instanceof NetworkPeer)) {
      fail(owner, 'peer', props.peer, 'is required and must be a NetworkPeer: NetworkPeer.pods(namespace, labels) for a database in the '
        + 'cluster, NetworkPeer.cidrs([...]) outside it; without it default deny drops every database connection');
    }
    if (props.peer.end.kind === 'anywhere') fail(owner, 'peer', props.peer.end.name, 'is not accepted: name the database pods or its address ranges');
    this.namespace = props.namespace ?? 'kasm';
    assertKasmNamespace(owner, 'namespace', this.namespace);
    this.port = props.port ?? 5432;
    assertInteger(owner, 'port', this.port, 1, 65535);
    assertDnsSubdomain(owner, 'passwordSecretName', props.passwordSecretName);
    const key = props.passwordSecretKey ?? 'password';
    if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(key)) fail(owner, 'passwordSecretKey', key, 'is not a Secret key (letters, digits, \'-\', \'_\' or \'.\')');
    const db = this.version.contract.database;
    this.databaseName = props.databaseName ?? db.databaseName;
    this.user = props.user ?? db.user;
    for (const [prop, value] of [['databaseName', this.databaseName], ['user', this.user]] as const) {
      if (typeof value !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
        fail(owner, prop, value, 'is not a PostgreSQL identifier Kasm accepts (lowercase letters, digits and \'_\', at most 63)');
      }
    }
    this.host = props.host;
    this.peer = props.peer;
    this.passwordSecret = { name: props.passwordSecretName, key };
    DoctorDeclarations.of(this).declare({
      kind: ReferencedKind.SECRET, namespace: this.namespace, name: props.passwordSecretName,
      reason: `KasmDatabase.fromEndpoint passwordSecretName (holds ${show(key)})`,
    });
  }
}
