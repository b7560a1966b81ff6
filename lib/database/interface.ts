import { IConstruct } from 'constructs';
import { KasmVersion } from '../contract/version';

/**
 * What the control plane needs to know about its database, wherever it runs.
 *
 * The control plane takes this interface rather than a host name string, so the Service name, port, user and the
 * Secret holding the password always agree with the database that was actually deployed.
 */
export interface IKasmDatabase extends IConstruct {
  /** The Kasm release the database was prepared for. */
  readonly version: KasmVersion;
  /** Namespace of the database Service. */
  readonly namespace: string;
  /** Host name clients connect to (a Service name in the control plane's namespace, or a FQDN). */
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  readonly user: string;
  /** Secret and key holding the password of {@link user}. */
  readonly passwordSecret: { readonly name: string; readonly key: string };
  /** Labels selecting the database pods, for NetworkPolicies; `undefined` when the database is outside the cluster. */
  readonly podSelector?: Readonly<Record<string, string>>;
  /** TLS Secret the database serves, when this app deploys the database (KasmSecurity fills it). */
  readonly tlsSecretName?: string;
}
