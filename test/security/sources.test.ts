/** assertSources on its own: each secret and TLS source, each option's limits, and the whole message of each refusal. */
import { Duration, Testing } from 'cdk8s';
import { CredentialSource, KasmControlPlane, KasmDatabase, SealedSecretScope, TlsSource } from '../../lib';
import { assertSources } from '../../lib/security/sources';

const S = 'A'.repeat(40);
const sealed = { 'admin-password': S, 'user-password': S, 'db-password': S, 'manager-token': S, 'service-token': S };

// The control plane is built inside each test, so Stryker attributes the coverage to the tests that use it.
function check(sources: Record<string, unknown>, ingressTlsWithoutFrontDoor = false): void {
  const chart = Testing.chart();
  const cp = new KasmControlPlane(chart, 'cp', { database: new KasmDatabase(chart, 'db') });
  assertSources('Owner', cp, { credentials: CredentialSource.generated(), tls: TlsSource.generated(), ingressTls: TlsSource.generated(), ...sources } as any, ingressTlsWithoutFrontDoor);
}
const unknownCredentials = (kind: string) => Object.assign(Object.create(CredentialSource.prototype), { kind }) as CredentialSource;
const unknownTls = (kind: string) => Object.assign(Object.create(TlsSource.prototype), { kind }) as TlsSource;

describe('assertSources accepts', () => {
  test.each<[string, Record<string, unknown>]>([
    ['a refresh interval of exactly a minute', { credentials: CredentialSource.externalSecrets({ storeName: 'v', remoteKey: 'k', refreshInterval: Duration.seconds(60) }) }],
    ['a refresh interval of exactly 365 days', { credentials: CredentialSource.externalSecrets({ storeName: 'v', remoteKey: 'k', refreshInterval: Duration.days(365) }) }],
    ['ciphertext of 40 characters and two padding characters', { credentials: CredentialSource.sealedSecrets({ encryptedData: { ...sealed, 'db-password': 'A'.repeat(40) + '==' } }) }],
    ['every key sealed, cluster-wide', { credentials: CredentialSource.sealedSecrets({ encryptedData: sealed, scope: SealedSecretScope.CLUSTER_WIDE }) }],
    ['a duration of exactly 1h', { tls: TlsSource.certManager({ issuerName: 'ca', duration: Duration.minutes(60), renewBefore: Duration.minutes(10) }) }],
    ['a renewBefore of exactly 5 minutes', { tls: TlsSource.certManager({ issuerName: 'ca', duration: Duration.hours(2), renewBefore: Duration.minutes(5) }) }],
    ['a duration of exactly Go\'s longest, 2562047h', { tls: TlsSource.certManager({ issuerName: 'ca', duration: Duration.hours(2562047) }) }],
    ['the defaults', {}],
    ['External Secrets with every option left to its default', { credentials: CredentialSource.externalSecrets({ storeName: 'vault', remoteKey: 'kasm/prod' }) }],
    ['Sealed Secrets with the default scope', { credentials: CredentialSource.sealedSecrets({ encryptedData: sealed }) }],
  ])('%s', (_name, sources) => {
    expect(() => check(sources)).not.toThrow();
  });

  test('every kind of each source', () => {
    for (const credentials of [CredentialSource.generated(), CredentialSource.existing()]) {
      for (const tls of [TlsSource.generated(), TlsSource.existing(), TlsSource.certManager({ issuerName: 'ca' })]) {
        expect(() => check({ credentials, tls, ingressTls: tls })).not.toThrow();
      }
    }
  });
});

describe('assertSources refuses, with the whole message', () => {
  test.each<[string, Record<string, unknown>, boolean, string]>([
    ['credentials that are not a CredentialSource', { credentials: { kind: 'generated' } }, false,
      'Owner credentials: \'generated\' is not a known secret source; use CredentialSource.generated(), CredentialSource.existing(), CredentialSource.externalSecrets(), CredentialSource.sealedSecrets()'],
    ['a CredentialSource of an unknown kind', { credentials: unknownCredentials('vault') }, false,
      'Owner credentials: \'vault\' is not a known secret source; use CredentialSource.generated(), CredentialSource.existing(), CredentialSource.externalSecrets(), CredentialSource.sealedSecrets()'],
    ['no credentials source', { credentials: undefined }, false,
      'Owner credentials: undefined is not a known secret source; use CredentialSource.generated(), CredentialSource.existing(), CredentialSource.externalSecrets(), CredentialSource.sealedSecrets()'],
    ['tls that is not a TlsSource', { tls: 'generated' }, false,
      'Owner tls: \'generated\' is not a known TLS source; use TlsSource.generated(), TlsSource.existing() or TlsSource.certManager()'],
    ['an ingressTls of an unknown kind', { ingressTls: unknownTls('acme') }, false,
      'Owner ingressTls: \'acme\' is not a known TLS source; use TlsSource.generated(), TlsSource.existing() or TlsSource.certManager()'],
    ['no tls source', { tls: undefined }, false,
      'Owner tls: undefined is not a known TLS source; use TlsSource.generated(), TlsSource.existing() or TlsSource.certManager()'],
    ['External Secrets without a store name', { credentials: CredentialSource.externalSecrets({ storeName: '', remoteKey: 'k' }) }, false,
      'Owner credentials.storeName: \'\' is required for External Secrets: name the SecretStore or ClusterSecretStore'],
    ['External Secrets without options', { credentials: CredentialSource.externalSecrets(undefined as any) }, false,
      'Owner credentials.storeName: undefined is required for External Secrets: name the SecretStore or ClusterSecretStore'],
    ['External Secrets with a store name that is not a Kubernetes name', { credentials: CredentialSource.externalSecrets({ storeName: 'Bad Name', remoteKey: 'k' }) }, false,
      'Owner credentials.storeName: \'Bad Name\' is not a valid Kubernetes name (lowercase letters, digits, \'-\' and \'.\', each part starting and ending with a letter or digit, at most 253 characters)'],
    ['External Secrets with an unknown store kind', { credentials: CredentialSource.externalSecrets({ storeName: 'v', remoteKey: 'k', storeKind: 'X' as any }) }, false,
      'Owner credentials.storeKind: \'X\' is not one of \'SecretStore\', \'ClusterSecretStore\''],
    ['External Secrets without a remote key', { credentials: CredentialSource.externalSecrets({ storeName: 'v', remoteKey: '' }) }, false,
      'Owner credentials.remoteKey: \'\' is required: the key of the remote secret holding the credentials'],
    ['External Secrets with a remote key that is not text', { credentials: CredentialSource.externalSecrets({ storeName: 'v', remoteKey: 5 as any }) }, false,
      'Owner credentials.remoteKey: 5 is required: the key of the remote secret holding the credentials'],
    ['External Secrets with a property for a key this Kasm does not use', { credentials: CredentialSource.externalSecrets({ storeName: 'v', remoteKey: 'k', remoteProperties: { 'db-password': 'a', 'redis-password': 'x' } as any }) }, false,
      'Owner credentials.remoteProperties: \'redis-password\' is not a key Kasm 1.18.1 uses; accepted: \'admin-password\', \'user-password\', \'db-password\', \'manager-token\', \'service-token\''],
    ['a refresh interval of 59s (below a minute)', { credentials: CredentialSource.externalSecrets({ storeName: 'v', remoteKey: 'k', refreshInterval: Duration.seconds(59) }) }, false,
      'Owner credentials.refreshInterval: \'59s\' is not accepted; pass whole seconds from 60 to 31536000'],
    ['a refresh interval of 366 days (above a year)', { credentials: CredentialSource.externalSecrets({ storeName: 'v', remoteKey: 'k', refreshInterval: Duration.days(366) }) }, false,
      'Owner credentials.refreshInterval: \'31622400s\' is not accepted; pass whole seconds from 60 to 31536000'],
    ['a refresh interval that is not a Duration', { credentials: CredentialSource.externalSecrets({ storeName: 'v', remoteKey: 'k', refreshInterval: 60 as any }) }, false,
      'Owner credentials.refreshInterval: 60 is not a Duration; use Duration.minutes(30)'],
    ['a refresh interval with a fraction of a second', { credentials: CredentialSource.externalSecrets({ storeName: 'v', remoteKey: 'k', refreshInterval: Duration.millis(90500) }) }, false,
      'Owner credentials.refreshInterval: \'90.5s\' is not accepted; pass whole seconds from 60 to 31536000'],
    ['Sealed Secrets lacking keys', { credentials: CredentialSource.sealedSecrets({ encryptedData: { 'db-password': S } }) }, false,
      'Owner credentials.encryptedData: ["db-password"] lacks \'admin-password\', \'user-password\', \'manager-token\', \'service-token\'; seal every key Kasm 1.18.1 needs'],
    ['Sealed Secrets without options', { credentials: CredentialSource.sealedSecrets(undefined as any) }, false,
      'Owner credentials.encryptedData: [] lacks \'admin-password\', \'user-password\', \'db-password\', \'manager-token\', \'service-token\'; seal every key Kasm 1.18.1 needs'],
    ['Sealed Secrets with a key this Kasm does not use', { credentials: CredentialSource.sealedSecrets({ encryptedData: { ...sealed, 'redis-password': S } as any }) }, false,
      'Owner credentials.encryptedData.redis-password: \'redis-password\' is not a key Kasm 1.18.1 uses'],
    ['ciphertext of 39 characters', { credentials: CredentialSource.sealedSecrets({ encryptedData: { ...sealed, 'db-password': 'A'.repeat(39) } }) }, false,
      'Owner credentials.encryptedData.db-password: \'AAAAAAAAAAAA...\' is not kubeseal ciphertext (base64, at least 40 characters); seal the value with `kubeseal --raw`'],
    ['ciphertext with three padding characters', { credentials: CredentialSource.sealedSecrets({ encryptedData: { ...sealed, 'db-password': 'A'.repeat(40) + '===' } }) }, false,
      'Owner credentials.encryptedData.db-password: \'AAAAAAAAAAAA...\' is not kubeseal ciphertext (base64, at least 40 characters); seal the value with `kubeseal --raw`'],
    ['ciphertext ending in a character outside base64', { credentials: CredentialSource.sealedSecrets({ encryptedData: { ...sealed, 'db-password': 'A'.repeat(40) + '-' } }) }, false,
      'Owner credentials.encryptedData.db-password: \'AAAAAAAAAAAA...\' is not kubeseal ciphertext (base64, at least 40 characters); seal the value with `kubeseal --raw`'],
    ['ciphertext starting with a character outside base64', { credentials: CredentialSource.sealedSecrets({ encryptedData: { ...sealed, 'db-password': '-' + 'A'.repeat(40) } }) }, false,
      'Owner credentials.encryptedData.db-password: \'-AAAAAAAAAAA...\' is not kubeseal ciphertext (base64, at least 40 characters); seal the value with `kubeseal --raw`'],
    ['ciphertext that is not text', { credentials: CredentialSource.sealedSecrets({ encryptedData: { ...sealed, 'db-password': 5 as any } }) }, false,
      'Owner credentials.encryptedData.db-password: 5 is not kubeseal ciphertext (base64, at least 40 characters); seal the value with `kubeseal --raw`'],
    ['an unknown sealing scope', { credentials: CredentialSource.sealedSecrets({ encryptedData: sealed, scope: 'global' as any }) }, false,
      'Owner credentials.scope: \'global\' is not one of \'strict\', \'namespace-wide\', \'cluster-wide\''],
    ['cert-manager without an issuer name', { tls: TlsSource.certManager({ issuerName: '' }) }, false,
      'Owner tls.issuerName: \'\' is required for cert-manager: name the Issuer or ClusterIssuer'],
    ['cert-manager without options (ingressTls)', { ingressTls: TlsSource.certManager(undefined as any) }, false,
      'Owner ingressTls.issuerName: undefined is required for cert-manager: name the Issuer or ClusterIssuer'],
    ['cert-manager with an issuer name that is not a Kubernetes name', { tls: TlsSource.certManager({ issuerName: 'Bad_Issuer' }) }, false,
      'Owner tls.issuerName: \'Bad_Issuer\' is not a valid Kubernetes name (lowercase letters, digits, \'-\' and \'.\', each part starting and ending with a letter or digit, at most 253 characters)'],
    ['cert-manager with an unknown issuer kind', { tls: TlsSource.certManager({ issuerName: 'ca', issuerKind: 'Vault' as any }) }, false,
      'Owner tls.issuerKind: \'Vault\' is not one of \'Issuer\', \'ClusterIssuer\''],
    ['a duration that is not a Duration', { tls: TlsSource.certManager({ issuerName: 'ca', duration: '90d' as any }) }, false,
      'Owner tls.duration: \'90d\' is not a Duration; use Duration.minutes(30)'],
    ['a renewBefore that is not a Duration', { tls: TlsSource.certManager({ issuerName: 'ca', renewBefore: 30 as any }) }, false,
      'Owner tls.renewBefore: 30 is not a Duration; use Duration.minutes(30)'],
    ['a duration of 59 minutes', { tls: TlsSource.certManager({ issuerName: 'ca', duration: Duration.minutes(59), renewBefore: Duration.minutes(10) }) }, false,
      'Owner tls.duration: \'0.9833333333333333h\' is below cert-manager\'s minimum certificate duration of 1h'],
    ['a renewBefore of 4 minutes', { tls: TlsSource.certManager({ issuerName: 'ca', duration: Duration.hours(2), renewBefore: Duration.minutes(4) }) }, false,
      'Owner tls.renewBefore: \'4m\' is below cert-manager\'s minimum renewBefore of 5m'],
    ['a renewBefore equal to the duration', { tls: TlsSource.certManager({ issuerName: 'ca', duration: Duration.hours(2), renewBefore: Duration.hours(2) }) }, false,
      'Owner tls.renewBefore: \'2h\' must be shorter than duration (2h)'],
    ['a renewBefore beyond the default duration of 90 days', { tls: TlsSource.certManager({ issuerName: 'ca', renewBefore: Duration.days(91) }) }, false,
      'Owner tls.renewBefore: \'2184h\' must be shorter than duration (2160h)'],
    ['a duration equal to the default renewBefore of 30 days', { tls: TlsSource.certManager({ issuerName: 'ca', duration: Duration.days(30) }) }, false,
      'Owner tls.renewBefore: \'720h\' must be shorter than duration (720h)'],
    ['a duration one hour beyond Go\'s longest', { tls: TlsSource.certManager({ issuerName: 'ca', duration: Duration.hours(2562048) }) }, false,
      'Owner tls.duration: \'2562048h\' is beyond what cert-manager can read (Go durations end at 2562047h, about 292 years)'],
    ['a duration and renewBefore beyond Go\'s longest (duration named first)', { tls: TlsSource.certManager({ issuerName: 'ca', duration: Duration.hours(2562049), renewBefore: Duration.hours(2562048) }) }, false,
      'Owner tls.duration: \'2562049h\' is beyond what cert-manager can read (Go durations end at 2562047h, about 292 years)'],
    ['an ingressTls without a front door', {}, true,
      'Owner ingressTls: \'generated\' is set but no front door was passed; pass `frontDoor` so the certificate knows its host names'],
    ['ciphertext given as a 46-digit number, not text', { credentials: CredentialSource.sealedSecrets({ encryptedData: { ...sealed, 'db-password': 10n ** 45n as any } }) }, false,
      'Owner credentials.encryptedData.db-password: 1000000000000000000000000000000000000000000000 is not kubeseal ciphertext (base64, at least 40 characters); seal the value with `kubeseal --raw`'],
  ])('%s', (_name, sources, withoutFrontDoor, message) => {
    expect(() => check(sources, withoutFrontDoor)).toThrow(message);
    let thrown: unknown;
    try {
      check(sources, withoutFrontDoor);
    } catch (e) {
      thrown = e;
    }
    expect((thrown as Error).message).toBe(message);
  });
});
