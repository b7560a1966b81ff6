import { IConstruct } from 'constructs';
import { KasmVersion } from '../contract/version';
import { Flow, NetworkPeer } from '../security/network-peer';

/** A copy of the database password that a database in another namespace reads (Secrets do not cross namespaces). */
export interface PasswordMirror {
  readonly namespace: string;
  /** A `kubernetes.io/basic-auth` Secret with `username` and `password`. */
  readonly secretName: string;
  readonly username: string;
}

/**
 * What the control plane needs to know about its database, wherever it runs.
 *
 * The control plane takes this interface rather than a host name string, so the Service name, port, user and the
 * Secret holding the password always agree with the database that was actually deployed.
 */
export interface IKasmDatabase extends IConstruct {
  /** The Kasm release the database was prepared for. */
  readonly version: KasmVersion;
  /** Namespace of the database Service (a KasmDatabase), or of the password Secret (an endpoint). */
  readonly namespace: string;
  /** Host name clients connect to: a Service name in {@link namespace}, a fully qualified name, or an IPv4 address. */
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  readonly user: string;
  /** Secret and key holding the password of {@link user}. */
  readonly passwordSecret: { readonly name: string; readonly key: string };
  /**
   * Where database connections go, for the NetworkPolicies and the doctor: the database pods and their namespace,
   * or address ranges outside the cluster. Every database edge is policed against it.
   */
  readonly peer: NetworkPeer;
  /** Labels selecting the database pods when this app deploys them; `undefined` otherwise. */
  readonly podSelector?: Readonly<Record<string, string>>;
  /** Labels of the backup and restore pods, when this app backs the database up (their edge joins the graph). */
  readonly backupPodSelector?: Readonly<Record<string, string>>;
  /** Where the database needs its password copied, when it lives in another namespace (KasmSecurity's generator does it). */
  readonly passwordMirror?: PasswordMirror;
  /** Flows the database needs inside its own namespace (replication, its operator), when that namespace is not the control plane's. */
  readonly ownFlows?: readonly Flow[];
  /** TLS Secret the database serves, when this app deploys the database (KasmSecurity fills it). */
  readonly tlsSecretName?: string;
  /**
   * The server's `max_connections`, when this app configures it; the control plane checks its pools fit.
   * @default - unknown: a database elsewhere is not checked
   */
  readonly maxConnections?: number;
}
