/**
 * x509.ts and x509-read.ts on their own: every field and extension of the CA and the leaves, read back octet by octet,
 * each CA key type, each refusal with its whole message, and the readers on certificates OpenSSL made.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { derChildren, derRead, oidContent } from '../../lib/security/generator/der';
import { OID } from '../../lib/security/generator/oids';
import { createCa, issueCertificate, PemPair } from '../../lib/security/generator/x509';
import { certificateDer, dnsNamesOf, firstPemCertificate, inspectCertificate, permittedDnsOf } from '../../lib/security/generator/x509-read';

// RSA key generation takes seconds on a loaded machine.
jest.setTimeout(60_000);
const DAY = 24 * 60 * 60 * 1000;
let tmp: string;

/** A CA (or not) made by OpenSSL: test input only, no code under test runs here. */
function opensslCa(name: string, keyArgs: string[], extensions: string[]): PemPair {
  const key = path.join(tmp, `${name}.key`);
  const crt = path.join(tmp, `${name}.crt`);
  const r = spawnSync('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-keyout', key, '-out', crt, '-subj', `/CN=${name}`, '-days', '30',
    ...extensions.flatMap((e) => ['-addext', e])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { certPem: fs.readFileSync(crt, 'utf8'), keyPem: fs.readFileSync(key, 'utf8') };
}
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
const NO_IDS = ['subjectKeyIdentifier=none', 'authorityKeyIdentifier=none'];
let ecCa: PemPair;
let edCa: PemPair;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'x509-'));
  ecCa = opensslCa('ec-ca', EC, [...NO_IDS, 'basicConstraints=critical,CA:TRUE']);
  edCa = opensslCa('ed-ca', ['-newkey', 'ed25519'], ['basicConstraints=critical,CA:TRUE']);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const hex = (b: Buffer) => b.toString('hex');
const derOf = (pem: string) => certificateDer(pem);
/** The certificate's parts: TBS fields (version first), signature algorithm, extensions by OID. */
function parts(pem: string) {
  const [tbs, algorithm, signature] = derChildren(derRead(derOf(pem)).content);
  const fields = derChildren(tbs.content);
  const extensions = new Map<string, { critical: boolean; value: string }>();
  for (const ext of derChildren(derRead(fields.find((f) => f.tag === 0xa3)!.content).content)) {
    const p = derChildren(ext.content);
    const oid = Object.entries(OID).find(([, o]) => oidContent(o).equals(p[0].content))?.[0] ?? hex(p[0].content);
    extensions.set(oid, { critical: p.length === 3 && hex(p[1].raw) === '0101ff', value: hex(p[p.length - 1].content) });
  }
  return { tbs, fields, algorithm: derChildren(algorithm.content).map((c) => hex(c.raw)), signature, extensions };
}
const oidHex = (oid: string) => hex(derRead(Buffer.concat([Buffer.from([6, oidContent(oid).length]), oidContent(oid)])).raw);
const sha1 = (b: Buffer) => crypto.createHash('sha1').update(b).digest('hex');
/** SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1) of a certificate. */
const keyIdOf = (pem: string) => sha1(derChildren(derRead(new crypto.X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).content)[1].content.subarray(1));

describe('createCa', () => {
  test('an RSA 3072 CA: v3, self-issued, its validity from five minutes before now, and exactly its extensions', () => {
    const now = new Date('2030-03-04T05:06:07Z');
    const ca = createCa({ commonName: 'c'.repeat(64), validityDays: 3, now });
    const x = new crypto.X509Certificate(ca.certPem);
    expect([x.subject, x.issuer]).toEqual([`CN=${'c'.repeat(64)}`, `CN=${'c'.repeat(64)}`]);
    expect(new Date(x.validFrom).toISOString()).toBe('2030-03-04T05:01:07.000Z');
    expect(new Date(x.validTo).toISOString()).toBe('2030-03-07T05:06:07.000Z');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 3072, publicExponent: 65537n });
    const { fields, algorithm, extensions } = parts(ca.certPem);
    expect(hex(fields[0].raw)).toBe('a003020102');
    expect(algorithm).toEqual([oidHex(OID.sha256WithRSAEncryption), '0500']);
    expect([...extensions.keys()]).toEqual(['basicConstraints', 'keyUsage', 'subjectKeyIdentifier', 'authorityKeyIdentifier']);
    expect(extensions.get('basicConstraints')).toEqual({ critical: true, value: '30060101ff020100' });
    expect(extensions.get('keyUsage')).toEqual({ critical: true, value: '03020106' });
    const keyId = keyIdOf(ca.certPem);
    expect(extensions.get('subjectKeyIdentifier')).toEqual({ critical: false, value: `0414${keyId}` });
    expect(extensions.get('authorityKeyIdentifier')).toEqual({ critical: false, value: `30168014${keyId}` });
    expect(inspectCertificate(derOf(ca.certPem))).toMatchObject({ selfIssued: true, subjectKeyId: Buffer.from(keyId, 'hex') });
    expect(permittedDnsOf(derOf(ca.certPem))).toBeNull();
    expect(ca.keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(ca.certPem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
    expect(crypto.createPrivateKey(ca.keyPem).asymmetricKeyType).toBe('rsa');
    expect(x.checkPrivateKey(crypto.createPrivateKey(ca.keyPem))).toBe(true);
  });

  test('with permitted names: a critical NameConstraints extension of the fewest subtrees', () => {
    const ca = createCa({ commonName: 'kasm-ca', validityDays: 1, permittedDnsNames: ['kasm.svc', 'a.kasm.svc', 'Kasm.Example.com'] });
    const nc = parts(ca.certPem).extensions.get('nameConstraints')!;
    expect(nc.critical).toBe(true);
    const subtree = (name: string) => `30${(name.length + 2).toString(16).padStart(2, '0')}82${name.length.toString(16).padStart(2, '0')}${Buffer.from(name).toString('hex')}`;
    const inner = subtree('kasm.example.com') + subtree('kasm.svc');
    expect(nc.value).toBe(`30${(inner.length / 2 + 2).toString(16)}a0${(inner.length / 2).toString(16)}${inner}`);
    expect(permittedDnsOf(derOf(ca.certPem))).toEqual(['kasm.example.com', 'kasm.svc']);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['an empty common name', { commonName: '', validityDays: 1 }, 'createCa: commonName must be 1 to 64 characters'],
    ['a common name of 65 characters', { commonName: 'c'.repeat(65), validityDays: 1 }, 'createCa: commonName must be 1 to 64 characters'],
    ['a common name that is not text', { commonName: 42, validityDays: 1 }, 'createCa: commonName must be 1 to 64 characters'],
    ['0 days', { commonName: 'c', validityDays: 0 }, 'createCa: validityDays must be a positive integer'],
    ['1.5 days', { commonName: 'c', validityDays: 1.5 }, 'createCa: validityDays must be a positive integer'],
  ])('refuses %s', (_name, options, message) => {
    expect(() => createCa(options as any)).toThrow(new Error(message));
  });
});

describe('issueCertificate', () => {
  test('a leaf under an EC CA without a key identifier: ECDSA-signed, its AKI computed from the CA key, every extension as TLS needs', () => {
    const now = new Date();
    const leaf = issueCertificate({ ca: ecCa, commonName: 'kasm-db', dnsNames: ['kasm-db', 'kasm-db.kasm.svc'], ipAddresses: ['10.43.0.7', '::1'], validityDays: 2, now });
    const x = new crypto.X509Certificate(leaf.certPem);
    const caX = new crypto.X509Certificate(ecCa.certPem);
    expect([x.subject, x.issuer, x.ca]).toEqual(['CN=kasm-db', 'CN=ec-ca', false]);
    expect(x.verify(caX.publicKey)).toBe(true);
    expect(x.checkIssued(caX)).toBe(true);
    expect(x.subjectAltName).toBe('DNS:kasm-db, DNS:kasm-db.kasm.svc, IP Address:10.43.0.7, IP Address:0:0:0:0:0:0:0:1');
    expect(new Date(x.validFrom).getTime()).toBe(Math.floor((now.getTime() - 5 * 60 * 1000) / 1000) * 1000);
    expect(new Date(x.validTo).getTime()).toBe(Math.floor((now.getTime() + 2 * DAY) / 1000) * 1000);
    const { fields, algorithm, extensions } = parts(leaf.certPem);
    expect(hex(fields[0].raw)).toBe('a003020102');
    expect(algorithm).toEqual([oidHex(OID.ecdsaWithSha256)]);
    expect([...extensions.keys()]).toEqual(['basicConstraints', 'keyUsage', 'extKeyUsage', 'subjectKeyIdentifier', 'authorityKeyIdentifier', 'subjectAltName']);
    expect(extensions.get('basicConstraints')).toEqual({ critical: true, value: '3000' });
    expect(extensions.get('keyUsage')).toEqual({ critical: true, value: '030205a0' });
    expect(extensions.get('extKeyUsage')).toEqual({ critical: false, value: `3014${oidHex(OID.serverAuth)}${oidHex(OID.clientAuth)}` });
    expect(extensions.get('subjectKeyIdentifier')).toEqual({ critical: false, value: `0414${keyIdOf(leaf.certPem)}` });
    expect(extensions.get('authorityKeyIdentifier')).toEqual({ critical: false, value: `30168014${keyIdOf(ecCa.certPem)}` });
    expect(extensions.get('subjectAltName')!.critical).toBe(false);
    expect(dnsNamesOf(derOf(leaf.certPem))).toEqual(['kasm-db', 'kasm-db.kasm.svc']);
    expect(inspectCertificate(derOf(leaf.certPem)).selfIssued).toBe(false);
    const key = crypto.createPrivateKey(leaf.keyPem);
    expect(leaf.keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    expect(x.checkPrivateKey(key)).toBe(true);
  });

  test('a leaf under an Ed25519 CA is signed with Ed25519, and its AKI is the CA\'s own key identifier', () => {
    const leaf = issueCertificate({ ca: edCa, commonName: 'x', ipAddresses: ['192.0.2.1'], validityDays: 1 });
    expect(new crypto.X509Certificate(leaf.certPem).verify(new crypto.X509Certificate(edCa.certPem).publicKey)).toBe(true);
    const { algorithm, extensions } = parts(leaf.certPem);
    expect(algorithm).toEqual([oidHex(OID.ed25519)]);
    const caSki = hex(inspectCertificate(derOf(edCa.certPem)).subjectKeyId!);
    expect(extensions.get('authorityKeyIdentifier')!.value).toBe(`30168014${caSki}`);
    expect(extensions.get('subjectAltName')!.value).toBe('3006' + '8704c0000201');
    expect(dnsNamesOf(derOf(leaf.certPem))).toEqual([]);
  });

  test('a leaf never outlives its CA; a CA expiring at `now` is refused, one second before it is used', () => {
    const caEnd = new Date(new crypto.X509Certificate(ecCa.certPem).validTo);
    const justBefore = new Date(caEnd.getTime() - 1000);
    const leaf = issueCertificate({ ca: ecCa, commonName: 'x', dnsNames: ['x'], validityDays: 1, now: justBefore });
    expect(new crypto.X509Certificate(leaf.certPem).validTo).toBe(new crypto.X509Certificate(ecCa.certPem).validTo);
    expect(() => issueCertificate({ ca: ecCa, commonName: 'x', dnsNames: ['x'], validityDays: 1, now: caEnd }))
      .toThrow(new Error(`the CA certificate expired on ${caEnd.toISOString()}`));
    const within = issueCertificate({ ca: ecCa, commonName: 'x', dnsNames: ['x'], validityDays: 1, now: new Date(caEnd.getTime() - DAY - 1000) });
    expect(new Date(new crypto.X509Certificate(within.certPem).validTo).getTime()).toBe(caEnd.getTime() - 1000);
  });

  test.each<[string, () => PemPair, Record<string, unknown>, string]>([
    ['an empty common name', () => ecCa, { commonName: '' }, 'issueCertificate: commonName must be 1 to 64 characters'],
    ['a common name of 65 characters', () => ecCa, { commonName: 'c'.repeat(65) }, 'issueCertificate: commonName must be 1 to 64 characters'],
    ['0 days', () => ecCa, { validityDays: 0 }, 'issueCertificate: validityDays must be a positive integer'],
    ['a DNS name with a space', () => ecCa, { dnsNames: ['ok', 'bad name'] }, 'issueCertificate: invalid DNS name "bad name"'],
    ['an IP address that is not one', () => ecCa, { ipAddresses: ['300.1.1.1'] }, 'invalid IPv4 address 300.1.1.1'],
    ['no names at all', () => ecCa, { dnsNames: [], ipAddresses: [] }, 'issueCertificate: at least one DNS name or IP address is required'],
    ['a CA certificate that is not a CA', () => opensslCa('leafish', EC, ['basicConstraints=critical,CA:FALSE']), {}, 'the CA certificate is not a CA (basicConstraints CA:FALSE or absent)'],
    ['a CA key that does not match', () => ({ certPem: ecCa.certPem, keyPem: edCa.keyPem }), {}, 'the CA private key does not match the CA certificate'],
    ['an Ed448 CA', () => opensslCa('ed448-ca', ['-newkey', 'ed448'], ['basicConstraints=critical,CA:TRUE']), {}, 'unsupported CA key type ed448'],
  ])('refuses %s', (_name, ca, options, message) => {
    expect(() => issueCertificate({ ca: ca(), commonName: 'x', dnsNames: ['x'], validityDays: 1, ...options } as any)).toThrow(new Error(message));
  });
});

describe('reading certificates back', () => {
  test('the first certificate of a bundle, and none in text without one', () => {
    const bundle = `junk\n${edCa.certPem}${ecCa.certPem}`;
    expect(firstPemCertificate(bundle)).toBe(edCa.certPem);
    expect(certificateDer(bundle).equals(new crypto.X509Certificate(edCa.certPem).raw)).toBe(true);
    expect(() => firstPemCertificate('-----BEGIN CERTIFICATE----------END CERTIFICATE-----')).toThrow(new Error('no PEM certificate found'));
    expect(() => firstPemCertificate('')).toThrow('no PEM certificate found');
  });

  test('a certificate without extensions: no key identifier, no names, no constraints', () => {
    const key = path.join(tmp, 'v1.key');
    const csr = path.join(tmp, 'v1.csr');
    const crt = path.join(tmp, 'v1.crt');
    spawnSync('openssl', ['req', '-new', ...EC, '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=v1']);
    const r = spawnSync('openssl', ['x509', '-req', '-in', csr, '-signkey', key, '-out', crt, '-days', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const der = derOf(fs.readFileSync(crt, 'utf8'));
    const v1 = new crypto.X509Certificate(der);
    const info = inspectCertificate(der);
    expect(info.subjectKeyId).toBeNull();
    expect(info.selfIssued).toBe(true);
    expect(info.subject.equals(derChildren(derChildren(derRead(der).content)[0].content).find((f) => f.raw.equals(info.subject))!.raw)).toBe(true);
    expect(info.spki.equals(v1.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(dnsNamesOf(der)).toEqual([]);
    expect(permittedDnsOf(der)).toBeNull();
  });

  test('the issuer and subject of a leaf are told apart; the subject and key are copied out', () => {
    const leaf = issueCertificate({ ca: edCa, commonName: 'leaf', dnsNames: ['leaf'], validityDays: 1 });
    const der = derOf(leaf.certPem);
    const info = inspectCertificate(der);
    expect(info.selfIssued).toBe(false);
    expect(hex(info.subject)).toBe(`300f310d300b0603550403${'0c04'}${Buffer.from('leaf').toString('hex')}`);
    expect(info.spki.equals(crypto.createPublicKey(crypto.createPrivateKey(leaf.keyPem)).export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(info.subjectKeyId!.toString('hex')).toBe(keyIdOf(leaf.certPem));
    der.fill(0);
    expect(hex(info.subject).startsWith('300f')).toBe(true);
  });

  test('SAN and NameConstraints written by OpenSSL: only the DNS entries, lower-cased subtrees, excluded ones ignored', () => {
    const ca = opensslCa('nc', EC, ['basicConstraints=critical,CA:TRUE', 'subjectAltName=email:a@b.c,DNS:One.example,IP:10.0.0.1,DNS:two.example',
      'nameConstraints=critical,permitted;DNS:Example.COM,permitted;IP:10.0.0.0/255.0.0.0,permitted;DNS:kasm.svc,excluded;DNS:bad.example.com']);
    expect(dnsNamesOf(derOf(ca.certPem))).toEqual(['One.example', 'two.example']);
    expect(permittedDnsOf(derOf(ca.certPem))).toEqual(['example.com', 'kasm.svc']);
    const excludedOnly = opensslCa('nc2', EC, ['basicConstraints=critical,CA:TRUE', 'nameConstraints=critical,excluded;DNS:bad.example.com']);
    expect(permittedDnsOf(derOf(excludedOnly.certPem))).toEqual([]);
  });
});
