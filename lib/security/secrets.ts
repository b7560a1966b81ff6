import { SecretKey, TlsRole } from '../contract/types';
import { assertDnsSubdomain, assertInstanceName, fail } from '../core/validation';

/**
 * Where the control plane finds its credentials and certificates: Secrets referenced by name, never values.
 *
 * `dist/` is pulled by GitOps tools and readable by everyone who can read the repository, so the constructs only
 * ever emit `secretKeyRef`s and Secret volume names. Who fills the Secrets (an administrator with kubectl, the
 * in-cluster generator, External Secrets, Sealed Secrets, cert-manager) is the business of `KasmSecurity`.
 */
export interface IKasmSecrets {
  /** Opaque Secret with the keys of the release's contract (`db-password`, `service-token`, ...). */
  readonly credentialsSecretName: string;
  /** `kubernetes.io/tls` Secret of the ingress host names. */
  readonly ingressTlsSecretName: string;
  /** `kubernetes.io/tls` Secret each internal TLS role mounts. */
  tlsSecretName(role: TlsRole): string;
}

/** Props for {@link KasmSecrets.fromExisting}. */
export interface ExistingKasmSecretsProps {
  /** Prefix of the default names; matches the control plane's `name`. @default 'kasm' */
  readonly name?: string;
  /** Opaque Secret holding the contract's keys. @default '<name>-secrets' */
  readonly credentialsSecretName?: string;
  /** TLS Secret of the ingress host names. @default '<name>-ingress-tls' */
  readonly ingressTlsSecretName?: string;
  /** TLS Secret of the proxy's 8443 listener. @default '<name>-proxy-tls' */
  readonly proxyTlsSecretName?: string;
  /** TLS Secret of the RDP gateways. @default '<name>-rdp-tls' */
  readonly rdpTlsSecretName?: string;
  /** TLS Secret of PostgreSQL. @default '<name>-db-tls' */
  readonly dbTlsSecretName?: string;
}

/** Secret names with the defaults every construct of one instance agrees on. */
export class KasmSecrets implements IKasmSecrets {
  /**
   * Secrets that already exist in the namespace (created with kubectl, or by an operator the app does not own).
   *
   * @throws KasmConfigError when a name is not a valid Secret name.
   */
  public static fromExisting(props: ExistingKasmSecretsProps = {}): IKasmSecrets {
    return new KasmSecrets(props);
  }

  /** The default Secret names for an instance called `name`. */
  public static defaultNames(name = 'kasm'): Required<Omit<ExistingKasmSecretsProps, 'name'>> {
    return {
      credentialsSecretName: `${name}-secrets`,
      ingressTlsSecretName: `${name}-ingress-tls`,
      proxyTlsSecretName: `${name}-proxy-tls`,
      rdpTlsSecretName: `${name}-rdp-tls`,
      dbTlsSecretName: `${name}-db-tls`,
    };
  }

  public readonly credentialsSecretName: string;
  public readonly ingressTlsSecretName: string;
  private readonly tls: Record<TlsRole, string>;

  private constructor(props: ExistingKasmSecretsProps) {
    assertInstanceName('KasmSecrets', 'name', props.name ?? 'kasm');
    const defaults = KasmSecrets.defaultNames(props.name ?? 'kasm');
    const names = { ...defaults, ...withoutUndefined(props) };
    for (const [prop, value] of Object.entries(names)) {
      if (prop !== 'name') assertDnsSubdomain('KasmSecrets', prop, value as string);
    }
    this.credentialsSecretName = names.credentialsSecretName;
    this.ingressTlsSecretName = names.ingressTlsSecretName;
    this.tls = { [TlsRole.PROXY]: names.proxyTlsSecretName, [TlsRole.RDP]: names.rdpTlsSecretName, [TlsRole.DB]: names.dbTlsSecretName };
  }

  public tlsSecretName(role: TlsRole): string {
    return this.tls[role];
  }
}

function withoutUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What each credential is for, for the documentation and the generator. */
export const SECRET_KEY_PURPOSE: Record<SecretKey, string> = {
  [SecretKey.ADMIN_PASSWORD]: 'initial password of admin@kasm.local (seeded once; later changes happen in the Kasm UI)',
  [SecretKey.USER_PASSWORD]: 'initial password of user@kasm.local (seeded once)',
  [SecretKey.DB_PASSWORD]: 'password of the kasmapp database user',
  [SecretKey.MANAGER_TOKEN]: 'token agents use to register with the manager',
  [SecretKey.SERVICE_TOKEN]: 'token guac and the RDP gateways use to register with the api',
  [SecretKey.REDIS_PASSWORD]: 'password of the Redis that Kasm Share uses (1.16 only)',
};

/** An IKasmSecrets as a plain-data caller might pass it: the names must be strings and the lookup a function. */
export function assertSecrets(owner: string, prop: string, value: unknown): void {
  const v = value as Partial<IKasmSecrets> | null;
  const ok = v !== null && typeof v === 'object' && typeof v.credentialsSecretName === 'string'
    && typeof v.ingressTlsSecretName === 'string' && typeof v.tlsSecretName === 'function';
  if (!ok) fail(owner, prop, value, 'is not a set of Secret names; use KasmSecrets.fromExisting({ name })');
}
