/**
 * The internal CA and its TLS leaves as X.509 v3 certificates: RSA keys and signatures from Node's crypto, the
 * certificate body from der.ts. RSA because PostgreSQL, nginx and rdpproxy all read PKCS#1 RSA keys.
 */
import * as crypto from 'crypto';
import { der, derChildren, derRead } from './der';
import { isDnsName, parseIpAddress, permittedSubtrees } from './names';
import { OID } from './oids';
import { randomSerial } from './random';
import { CertificateInfo, firstPemCertificate, inspectCertificate } from './x509-read';

const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const CA_KEY_BITS = 3072;
const LEAF_KEY_BITS = 2048;

/** A certificate and its PKCS#1 private key, both PEM. */
export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Options of {@link createCa}; `now` is for tests. */
export interface CaOptions {
  readonly commonName: string;
  readonly validityDays: number;
  /** Names the CA may vouch for, as a critical NameConstraints extension (minimal subtrees). @default [] (unconstrained) */
  readonly permittedDnsNames?: readonly string[];
  /** @default the current time */
  readonly now?: Date;
}

/** Options of {@link issueCertificate}; `now` is for tests. */
export interface LeafOptions {
  readonly ca: PemPair;
  readonly commonName: string;
  /** @default [] (then at least one IP address) */
  readonly dnsNames?: readonly string[];
  /** @default [] */
  readonly ipAddresses?: readonly string[];
  readonly validityDays: number;
  /** @default the current time */
  readonly now?: Date;
}

interface CertificateBody {
  readonly serial: Buffer;
  readonly issuerName: Buffer;
  readonly subjectName: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Buffer;
  readonly extensions: readonly Buffer[];
  readonly signingKey: crypto.KeyObject;
}

/** PEM with 64-character lines. (Joined, not one template literal: esbuild would print its `\n`s as line breaks, and a
 * bundle line starting with `---` reads as a YAML document marker to the fast manifest renderer.) */
function toPem(label: string, derBytes: Buffer): string {
  const lines = derBytes.toString('base64').match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`, ''].join('\n');
}

function distinguishedName(commonName: string): Buffer {
  return der.sequence(der.set(der.sequence(der.oid(OID.commonName), der.utf8String(commonName))));
}

/** Key identifier per RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING value. */
function keyIdentifier(spkiDer: Buffer): Buffer {
  const bitString = derChildren(derRead(spkiDer).content)[1];
  return crypto.createHash('sha1').update(bitString.content.subarray(1)).digest();
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? der.sequence(der.oid(oid), der.boolean(true), der.octetString(value))
    : der.sequence(der.oid(oid), der.octetString(value));
}

/** Signature algorithm matching the signing key (a CA Secret supplied by hand may hold an EC or Ed25519 key). */
function signatureScheme(privateKey: crypto.KeyObject): { algorithm: Buffer; digest: string | null } {
  switch (privateKey.asymmetricKeyType) {
    case 'rsa': return { algorithm: der.sequence(der.oid(OID.sha256WithRSAEncryption), der.null()), digest: 'sha256' };
    case 'ec': return { algorithm: der.sequence(der.oid(OID.ecdsaWithSha256)), digest: 'sha256' };
    case 'ed25519': return { algorithm: der.sequence(der.oid(OID.ed25519)), digest: null };
    default: throw new Error(`unsupported CA key type ${privateKey.asymmetricKeyType}`);
  }
}

function buildCertificate(body: CertificateBody): Buffer {
  const scheme = signatureScheme(body.signingKey);
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(body.serial),
    scheme.algorithm,
    body.issuerName,
    der.sequence(der.time(body.notBefore), der.time(body.notAfter)),
    body.subjectName,
    body.spki,
    der.explicit(3, der.sequence(...body.extensions)),
  );
  const signature = crypto.sign(scheme.digest, tbs, body.signingKey);
  return der.sequence(tbs, scheme.algorithm, der.bitString(signature));
}

function checkValidity(validityDays: number, what: string): void {
  if (!Number.isInteger(validityDays) || validityDays < 1) throw new Error(`${what}: validityDays must be a positive integer`);
}

function checkCommonName(commonName: string, what: string): void {
  if (typeof commonName !== 'string' || commonName.length < 1 || commonName.length > 64) {
    throw new Error(`${what}: commonName must be 1 to 64 characters`);
  }
}

function rsaKeyPair(bits: number): { privateKey: crypto.KeyObject; spki: Buffer } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return { privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) };
}

const pkcs1Pem = (key: crypto.KeyObject): string => String(key.export({ type: 'pkcs1', format: 'pem' }));

/** Self-signed RSA 3072 CA that signs the internal leaves, constrained to the deployment's names when given them. */
export function createCa(options: CaOptions): PemPair {
  const { commonName, validityDays, permittedDnsNames = [], now = new Date() } = options;
  checkCommonName(commonName, 'createCa');
  checkValidity(validityDays, 'createCa');
  const { privateKey, spki } = rsaKeyPair(CA_KEY_BITS);
  const name = distinguishedName(commonName);
  const ski = keyIdentifier(spki);
  const subtrees = permittedSubtrees(permittedDnsNames).map((n) => der.sequence(der.implicit(2, Buffer.from(n, 'ascii'))));
  const certDer = buildCertificate({
    serial: randomSerial(),
    issuerName: name,
    subjectName: name,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + validityDays * DAY_MS),
    spki,
    extensions: [
      extension(OID.basicConstraints, true, der.sequence(der.boolean(true), der.integer(0))),
      extension(OID.keyUsage, true, der.namedBits([5, 6])),
      extension(OID.subjectKeyIdentifier, false, der.octetString(ski)),
      extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicit(0, ski))),
      // Critical name constraints: whoever trusts this CA trusts it for the deployment's names only.
      ...(subtrees.length > 0 ? [extension(OID.nameConstraints, true, der.sequence(der.implicit(0, Buffer.concat(subtrees), true)))] : []),
    ],
    signingKey: privateKey,
  });
  return { certPem: toPem('CERTIFICATE', certDer), keyPem: pkcs1Pem(privateKey) };
}

/** The CA's certificate, key and DER fields, checked to be a CA whose key matches. */
function loadCa(ca: PemPair): { cert: crypto.X509Certificate; key: crypto.KeyObject; info: CertificateInfo } {
  const cert = new crypto.X509Certificate(firstPemCertificate(ca.certPem));
  const key = crypto.createPrivateKey(ca.keyPem);
  if (!cert.ca) throw new Error('the CA certificate is not a CA (basicConstraints CA:FALSE or absent)');
  if (!cert.checkPrivateKey(key)) throw new Error('the CA private key does not match the CA certificate');
  return { cert, key, info: inspectCertificate(cert.raw) };
}

/** TLS server+client leaf signed by `ca`, never outliving it; the key is PKCS#1 PEM. */
export function issueCertificate(options: LeafOptions): PemPair {
  const { ca, commonName, dnsNames = [], ipAddresses = [], validityDays, now = new Date() } = options;
  checkCommonName(commonName, 'issueCertificate');
  checkValidity(validityDays, 'issueCertificate');
  const ips = ipAddresses.map(parseIpAddress);
  for (const name of dnsNames) {
    if (!isDnsName(name)) throw new Error(`issueCertificate: invalid DNS name ${JSON.stringify(name)}`);
  }
  if (dnsNames.length + ips.length === 0) throw new Error('issueCertificate: at least one DNS name or IP address is required');
  const issuer = loadCa(ca);
  const caNotAfter = new Date(issuer.cert.validTo);
  if (caNotAfter.getTime() <= now.getTime()) throw new Error(`the CA certificate expired on ${caNotAfter.toISOString()}`);
  const requestedNotAfter = new Date(now.getTime() + validityDays * DAY_MS);
  const notAfter = requestedNotAfter > caNotAfter ? caNotAfter : requestedNotAfter;

  const { privateKey, spki } = rsaKeyPair(LEAF_KEY_BITS);
  const authorityKeyId = issuer.info.subjectKeyId ?? keyIdentifier(issuer.info.spki);
  const san = der.sequence(
    ...dnsNames.map((n) => der.implicit(2, Buffer.from(n, 'ascii'))),
    ...ips.map((ip) => der.implicit(7, ip)),
  );
  const certDer = buildCertificate({
    serial: randomSerial(),
    issuerName: issuer.info.subject,
    subjectName: distinguishedName(commonName),
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter,
    spki,
    extensions: [
      extension(OID.basicConstraints, true, der.sequence()),
      extension(OID.keyUsage, true, der.namedBits([0, 2])),
      extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth), der.oid(OID.clientAuth))),
      extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(spki))),
      extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicit(0, authorityKeyId))),
      extension(OID.subjectAltName, false, san),
    ],
    signingKey: issuer.key,
  });
  return { certPem: toPem('CERTIFICATE', certDer), keyPem: pkcs1Pem(privateKey) };
}
