/** validatePlan on its own: each rule of the plan, at its edge, with the exact problem the Job would report. */
import { GeneratorPlan, InvalidPlanError, validatePlan } from '../../lib/security/generator/plan';

const cert = (over: Record<string, unknown> = {}) => ({ secretName: 'kasm-db-tls', commonName: 'kasm-db', dnsNames: ['kasm-db'], validityDays: 365, ...over });
const plan = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  namespace: 'kasm',
  labels: { team: 'kasm' },
  credentials: { secretName: 'kasm-secrets', keys: ['db-password', 'admin.password_2'] },
  ca: { secretName: 'kasm-internal-ca', commonName: 'kasm-internal-ca', validityDays: 3650 },
  certificates: [cert()],
  mirrors: [{ namespace: 'database', secretName: 'db-app', username: 'kasmapp', fromKey: 'db-password' }],
  ...over,
});
const problemOf = (p: unknown): string => {
  try {
    validatePlan(p);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidPlanError);
    expect((e as Error).message).toBe(`invalid plan: ${(e as InvalidPlanError).problem}`);
    expect((e as Error).name).toBe('InvalidPlanError');
    return (e as InvalidPlanError).problem;
  }
  return 'accepted';
};

describe('validatePlan accepts', () => {
  test.each<[string, unknown]>([
    ['the whole documented shape', plan()],
    ['only a namespace', { namespace: 'kasm' }],
    ['nulls everywhere', { namespace: 'kasm', labels: null, credentials: null, ca: null, certificates: null, mirrors: null }],
    ['a 63-character namespace', plan({ namespace: 'n'.repeat(63) })],
    ['a 253-character Secret name', plan({ credentials: { secretName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, keys: ['k'] }, mirrors: [] })],
    ['a 253-character key', plan({ credentials: { secretName: 's', keys: ['k'.repeat(253)] }, mirrors: [] })],
    ['common names of 1 and 64 characters', plan({ ca: { secretName: 'ca', commonName: 'c'.repeat(64), validityDays: 1 }, certificates: [cert({ commonName: 'x', validityDays: 1 })] })],
    ['a certificate with only an IP address', plan({ certificates: [cert({ dnsNames: [], ipAddresses: ['10.0.0.1'] })] })],
    ['a certificate with ipAddresses null', plan({ certificates: [cert({ ipAddresses: null })] })],
    ['a certificate with as many IP addresses as DNS names', plan({ certificates: [cert({ dnsNames: ['kasm-db'], ipAddresses: ['10.0.0.1'] })] })],
    ['no mirrors without credentials', plan({ credentials: null, mirrors: [] })],
    ['a CA without certificates', plan({ certificates: [] })],
  ])('%s', (_name, p) => {
    expect(problemOf(p)).toBe('accepted');
    expect(validatePlan(p)).toBe(p);
  });
});

describe('validatePlan refuses, naming the field', () => {
  test.each<[string, unknown, string]>([
    ['a plan that is not an object', [], 'not a JSON object'],
    ['null', null, 'not a JSON object'],
    ['a string', 'plan', 'not a JSON object'],
    ['a namespace that is not a DNS label', plan({ namespace: 'Kasm' }), 'namespace must be a DNS-1123 label'],
    ['a 64-character namespace', plan({ namespace: 'n'.repeat(64) }), 'namespace must be a DNS-1123 label'],
    ['a namespace with a dot', plan({ namespace: 'a.b' }), 'namespace must be a DNS-1123 label'],
    ['a namespace that is not text', plan({ namespace: 7 }), 'namespace must be a DNS-1123 label'],
    ['a namespace in a list', plan({ namespace: ['kasm'] }), 'namespace must be a DNS-1123 label'],
    ['labels that are a list', plan({ labels: ['a'] }), 'labels must be an object'],
    ['a label value that is not text', plan({ labels: { a: 'b', tier: 1 } }), 'labels.tier must be a string'],
    ['credentials that are not an object', plan({ credentials: 'kasm-secrets' }), 'credentials must be an object or null'],
    ['a credentials Secret name that is not a DNS subdomain', plan({ credentials: { secretName: 'Kasm', keys: ['a'] } }), 'credentials.secretName must be a DNS-1123 subdomain'],
    ['a credentials Secret name of 254 characters', plan({ credentials: { secretName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, keys: ['a'] } }), 'credentials.secretName must be a DNS-1123 subdomain'],
    ['a credentials Secret name that is not text', plan({ credentials: { secretName: 5, keys: ['a'] } }), 'credentials.secretName must be a DNS-1123 subdomain'],
    ['no keys', plan({ credentials: { secretName: 's', keys: [] } }), 'credentials.keys must be a non-empty array'],
    ['keys that are not a list', plan({ credentials: { secretName: 's', keys: 'a' } }), 'credentials.keys must be a non-empty array'],
    ['a key with a space', plan({ credentials: { secretName: 's', keys: ['a', 'a b'] } }), 'credentials.keys: invalid key "a b"'],
    ['a key with a slash', plan({ credentials: { secretName: 's', keys: ['a/b'] } }), 'credentials.keys: invalid key "a/b"'],
    ['an empty key', plan({ credentials: { secretName: 's', keys: [''] } }), 'credentials.keys: invalid key ""'],
    ['a key of 254 characters', plan({ credentials: { secretName: 's', keys: ['k'.repeat(254)] } }), `credentials.keys: invalid key "${'k'.repeat(254)}"`],
    ['a key that is not text', plan({ credentials: { secretName: 's', keys: [3] } }), 'credentials.keys: invalid key 3'],
    ['a key twice', plan({ credentials: { secretName: 's', keys: ['a', 'b', 'a'] } }), 'credentials.keys has duplicates'],
    ['a CA that is not an object', plan({ ca: true }), 'ca must be an object or null'],
    ['a CA Secret name that is not a DNS subdomain', plan({ ca: { secretName: 'CA', commonName: 'c', validityDays: 1 } }), 'ca.secretName must be a DNS-1123 subdomain'],
    ['an empty CA common name', plan({ ca: { secretName: 'ca', commonName: '', validityDays: 1 } }), 'ca.commonName must be 1 to 64 characters'],
    ['a CA common name of 65 characters', plan({ ca: { secretName: 'ca', commonName: 'c'.repeat(65), validityDays: 1 } }), 'ca.commonName must be 1 to 64 characters'],
    ['a CA common name that is not text', plan({ ca: { secretName: 'ca', commonName: 12, validityDays: 1 } }), 'ca.commonName must be 1 to 64 characters'],
    ['a CA common name in a list', plan({ ca: { secretName: 'ca', commonName: ['ca'], validityDays: 1 } }), 'ca.commonName must be 1 to 64 characters'],
    ['a CA valid for 0 days', plan({ ca: { secretName: 'ca', commonName: 'c', validityDays: 0 } }), 'ca.validityDays must be a positive integer'],
    ['a CA valid for 1.5 days', plan({ ca: { secretName: 'ca', commonName: 'c', validityDays: 1.5 } }), 'ca.validityDays must be a positive integer'],
    ['mirrors that are not a list', plan({ mirrors: {} }), 'mirrors must be an array or null'],
    ['mirrors without credentials', plan({ credentials: null }), 'mirrors need credentials to copy from'],
    ['a mirror that is not an object', plan({ mirrors: [null] }), 'mirrors[0] must be an object'],
    ['a mirror namespace that is not a label', plan({ mirrors: [{ namespace: 'Db', secretName: 's', username: 'u', fromKey: 'db-password' }] }), 'mirrors[0].namespace must be a DNS-1123 label'],
    ['a mirror Secret name that is not a subdomain', plan({ mirrors: [{ namespace: 'db', secretName: 'S', username: 'u', fromKey: 'db-password' }] }), 'mirrors[0].secretName must be a DNS-1123 subdomain'],
    ['a mirror without a username', plan({ mirrors: [{ namespace: 'db', secretName: 's', username: '', fromKey: 'db-password' }] }), 'mirrors[0].username must be a non-empty string'],
    ['a mirror username that is not text', plan({ mirrors: [{ namespace: 'db', secretName: 's', username: 1, fromKey: 'db-password' }] }), 'mirrors[0].username must be a non-empty string'],
    ['a second mirror of a key the credentials lack', plan({ mirrors: [
      { namespace: 'db', secretName: 's', username: 'u', fromKey: 'db-password' }, { namespace: 'db', secretName: 't', username: 'u', fromKey: 'nope' }] }),
    'mirrors[1].fromKey must be one of credentials.keys'],
    ['certificates that are not a list', plan({ certificates: {} }), 'certificates must be an array or null'],
    ['certificates without a CA', plan({ ca: null }), 'certificates need a ca'],
    ['credentials and CA in one Secret', plan({ ca: { secretName: 'kasm-secrets', commonName: 'c', validityDays: 1 }, certificates: [] }), 'credentials and ca use the same Secret name'],
    ['a certificate that is not an object', plan({ certificates: ['x'] }), 'certificates[0] must be an object'],
    ['a certificate Secret name that is not a subdomain', plan({ certificates: [cert({ secretName: 'TLS' })] }), 'certificates[0].secretName must be a DNS-1123 subdomain'],
    ['a certificate in the credentials Secret', plan({ certificates: [cert({ secretName: 'kasm-secrets' })] }), 'certificates[0].secretName kasm-secrets is used twice'],
    ['a certificate in the CA Secret', plan({ certificates: [cert({ secretName: 'kasm-internal-ca' })] }), 'certificates[0].secretName kasm-internal-ca is used twice'],
    ['two certificates in one Secret', plan({ certificates: [cert(), cert({ commonName: 'other' })] }), 'certificates[1].secretName kasm-db-tls is used twice'],
    ['a certificate common name of 65 characters', plan({ certificates: [cert({ commonName: 'c'.repeat(65) })] }), 'certificates[0].commonName must be 1 to 64 characters'],
    ['an empty certificate common name', plan({ certificates: [cert({ commonName: '' })] }), 'certificates[0].commonName must be 1 to 64 characters'],
    ['DNS names that are not a list', plan({ certificates: [cert({ dnsNames: 'kasm-db' })] }), 'certificates[0].dnsNames must be an array of strings'],
    ['a DNS name that is not text', plan({ certificates: [cert({ dnsNames: ['a', 1] })] }), 'certificates[0].dnsNames must be an array of strings'],
    ['IP addresses that are not a list', plan({ certificates: [cert({ ipAddresses: '10.0.0.1' })] }), 'certificates[0].ipAddresses must be an array of strings'],
    ['an IP address that is not text', plan({ certificates: [cert({ ipAddresses: [10] })] }), 'certificates[0].ipAddresses must be an array of strings'],
    ['a certificate without names', plan({ certificates: [cert({ dnsNames: [] })] }), 'certificates[0] needs at least one DNS name'],
    ['a certificate without names and ipAddresses empty', plan({ certificates: [cert({ dnsNames: [], ipAddresses: [] })] }), 'certificates[0] needs at least one DNS name'],
    ['a certificate valid for 0 days', plan({ certificates: [cert({ validityDays: 0 })] }), 'certificates[0].validityDays must be a positive integer'],
    ['a certificate valid for "30" days', plan({ certificates: [cert({ validityDays: '30' })] }), 'certificates[0].validityDays must be a positive integer'],
  ])('%s', (_name, p, problem) => {
    expect(problemOf(p)).toBe(problem);
  });

  test('the typed plan comes back as it was given', () => {
    const p = plan() as unknown as GeneratorPlan;
    expect(validatePlan(p).certificates![0].secretName).toBe('kasm-db-tls');
  });
});
