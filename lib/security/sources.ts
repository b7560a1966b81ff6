/**
 * Where credentials and certificates come from: generated in the cluster, existing Secrets, External Secrets,
 * Sealed Secrets or cert-manager. Enum-like classes with static factories, as cdk8s-plus does.
 */
import { Duration } from 'cdk8s';
import { SecretKey } from '../contract/types';
import type { IKasmControlPlane } from '../control-plane/interface';
import { assertDnsSubdomain, assertDuration, assertOneOf, assertWholeSeconds, fail, show } from '../core/validation';

/** The longest duration Go's time.ParseDuration reads, in whole hours. */
const GO_MAX_DURATION_HOURS = 2562047;

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

/** Kinds of credential source (an enum rather than a string union, so the API stays jsii-compatible). */
export enum CredentialSourceKind {
  GENERATED = 'generated',
  EXISTING = 'existing',
  EXTERNAL_SECRETS = 'externalSecrets',
  SEALED_SECRETS = 'sealedSecrets',
}

/** Kinds of TLS source. */
export enum TlsSourceKind {
  GENERATED = 'generated',
  EXISTING = 'existing',
  CERT_MANAGER = 'certManager',
}

/** Where the credentials Secret (`<name>-secrets`) comes from. */
export class CredentialSource {
  /** Generated in the cluster, once, by a Job that never overwrites an existing value (the default). */
  public static generated(): CredentialSource {
    return new CredentialSource(CredentialSourceKind.GENERATED);
  }

  /** An existing Secret you create yourself (docs/security.md has the kubectl command). */
  public static existing(): CredentialSource {
    return new CredentialSource(CredentialSourceKind.EXISTING);
  }

  /** External Secrets Operator: an `ExternalSecret` that syncs the keys from a secret store. */
  public static externalSecrets(options: ExternalSecretsOptions): CredentialSource {
    return new CredentialSource(CredentialSourceKind.EXTERNAL_SECRETS, options);
  }

  /** Sealed Secrets: a `SealedSecret` whose ciphertext is safe to keep in git. */
  public static sealedSecrets(options: SealedSecretsOptions): CredentialSource {
    return new CredentialSource(CredentialSourceKind.SEALED_SECRETS, undefined, options);
  }

  private constructor(
    public readonly kind: CredentialSourceKind,
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
    return new TlsSource(TlsSourceKind.GENERATED);
  }

  /** `kubernetes.io/tls` Secrets you create yourself. */
  public static existing(): TlsSource {
    return new TlsSource(TlsSourceKind.EXISTING);
  }

  /** cert-manager `Certificate`s issued by an Issuer or ClusterIssuer. */
  public static certManager(options: CertManagerOptions): TlsSource {
    return new TlsSource(TlsSourceKind.CERT_MANAGER, options);
  }

  private constructor(public readonly kind: TlsSourceKind, public readonly certManager?: CertManagerOptions) {}
}

/** Check the chosen sources and their options, naming the prop and what is accepted. */
export function assertSources(owner: string, cp: IKasmControlPlane, sources: { credentials: CredentialSource; tls: TlsSource; ingressTls: TlsSource }, ingressTlsWithoutFrontDoor: boolean): void {
  const credentialKinds = ['generated', 'existing', 'externalSecrets', 'sealedSecrets'];
  if (!(sources.credentials instanceof CredentialSource) || !credentialKinds.includes(sources.credentials.kind)) {
    fail(owner, 'credentials', (sources.credentials as any)?.kind ?? sources.credentials, `is not a known secret source; use CredentialSource.${credentialKinds.join('(), CredentialSource.')}()`);
  }
  for (const [prop, source] of [['tls', sources.tls], ['ingressTls', sources.ingressTls]] as const) {
    if (!(source instanceof TlsSource) || !['generated', 'existing', 'certManager'].includes(source.kind)) {
      fail(owner, prop, (source as any)?.kind ?? source, 'is not a known TLS source; use TlsSource.generated(), TlsSource.existing() or TlsSource.certManager()');
    }
  }
  const eso = sources.credentials.externalSecrets;
  if (sources.credentials.kind === 'externalSecrets') {
    if (!eso?.storeName) fail(owner, 'credentials.storeName', eso?.storeName, 'is required for External Secrets: name the SecretStore or ClusterSecretStore');
    assertDnsSubdomain(owner, 'credentials.storeName', eso.storeName);
    assertOneOf(owner, 'credentials.storeKind', eso.storeKind ?? ExternalSecretStoreKind.SECRET_STORE, Object.values(ExternalSecretStoreKind));
    if (!eso.remoteKey || typeof eso.remoteKey !== 'string') fail(owner, 'credentials.remoteKey', eso.remoteKey, 'is required: the key of the remote secret holding the credentials');
    const unknown = Object.keys(eso.remoteProperties ?? {}).filter((k) => !cp.version.contract.secretKeys.includes(k as SecretKey));
    if (unknown.length > 0) fail(owner, 'credentials.remoteProperties', unknown[0], `is not a key Kasm ${cp.version.version} uses; accepted: ${cp.version.contract.secretKeys.map(show).join(', ')}`);
    if (eso.refreshInterval !== undefined) assertDuration(owner, 'credentials.refreshInterval', eso.refreshInterval);
    assertWholeSeconds(owner, 'credentials.refreshInterval', (eso.refreshInterval ?? Duration.hours(1)).toSeconds({ integral: false }), 60, 31536000);
  }
  const sealed = sources.credentials.sealedSecrets;
  if (sources.credentials.kind === 'sealedSecrets') {
    const data = sealed?.encryptedData ?? {};
    const missing = cp.version.contract.secretKeys.filter((k) => !(k in data));
    if (missing.length > 0) fail(owner, 'credentials.encryptedData', Object.keys(data), `lacks ${missing.map(show).join(', ')}; seal every key Kasm ${cp.version.version} needs`);
    for (const [k, v] of Object.entries(data)) {
      if (!cp.version.contract.secretKeys.includes(k as SecretKey)) fail(owner, `credentials.encryptedData.${k}`, k, `is not a key Kasm ${cp.version.version} uses`);
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/]{40,}={0,2}$/.test(v)) {
        fail(owner, `credentials.encryptedData.${k}`, typeof v === 'string' ? `${v.slice(0, 12)}...` : v, 'is not kubeseal ciphertext (base64, at least 40 characters); seal the value with `kubeseal --raw`');
      }
    }
    assertOneOf(owner, 'credentials.scope', sealed?.scope ?? SealedSecretScope.STRICT, Object.values(SealedSecretScope));
  }
  for (const [prop, source] of [['tls', sources.tls], ['ingressTls', sources.ingressTls]] as const) {
    if (source.kind !== 'certManager') continue;
    const cm = source.certManager;
    if (!cm?.issuerName) fail(owner, `${prop}.issuerName`, cm?.issuerName, 'is required for cert-manager: name the Issuer or ClusterIssuer');
    assertDnsSubdomain(owner, `${prop}.issuerName`, cm.issuerName);
    assertOneOf(owner, `${prop}.issuerKind`, cm.issuerKind ?? CertManagerIssuerKind.ISSUER, Object.values(CertManagerIssuerKind));
    if (cm.duration !== undefined) assertDuration(owner, `${prop}.duration`, cm.duration);
    if (cm.renewBefore !== undefined) assertDuration(owner, `${prop}.renewBefore`, cm.renewBefore);
    const duration = (cm.duration ?? Duration.days(90)).toHours({ integral: false });
    const renew = (cm.renewBefore ?? Duration.days(30)).toHours({ integral: false });
    // What cert-manager accepts, and what its Go parser (time.ParseDuration, at most 2562047h) reads at all.
    if (duration < 1) fail(owner, `${prop}.duration`, `${duration}h`, 'is below cert-manager\'s minimum certificate duration of 1h');
    for (const [key, hours] of [['duration', duration], ['renewBefore', renew]] as const) {
      if (hours > GO_MAX_DURATION_HOURS) fail(owner, `${prop}.${key}`, `${hours}h`, `is beyond what cert-manager can read (Go durations end at ${GO_MAX_DURATION_HOURS}h, about 292 years)`);
    }
    if (renew < 5 / 60) fail(owner, `${prop}.renewBefore`, `${renew * 60}m`, 'is below cert-manager\'s minimum renewBefore of 5m');
    if (!(renew > 0 && renew < duration)) fail(owner, `${prop}.renewBefore`, `${renew}h`, `must be shorter than duration (${duration}h)`);
  }
  if (ingressTlsWithoutFrontDoor) {
    fail(owner, 'ingressTls', sources.ingressTls.kind, 'is set but no front door was passed; pass `frontDoor` so the certificate knows its host names');
  }
}
