'use strict';
/**
 * In-cluster Secret generator for Kasm Workspaces.
 *
 * Runs once as a Kubernetes Job (`node secret-generator.js plan.json`) and creates the credentials, the internal CA and
 * the TLS Secrets the control plane needs. It only ever adds what is missing: an existing Secret, or an existing key in
 * the credentials Secret, is never overwritten. No value, key or PEM is ever written to the log.
 *
 * Dependency-free on purpose (the Job runs a stock Node image with a read-only root filesystem), so X.509
 * certificates are DER-encoded by hand below.
 */

const crypto = require('crypto');
const fs = require('fs');
const https = require('https');
const { URL } = require('url');

const GENERATED_BY_ANNOTATION = 'kasm.cdk8s.io/generated-by';
const GENERATED_BY_VALUE = 'secret-generator';
/**
 * What the cluster creates at runtime is not in git: these annotations keep Argo CD and Flux from pruning it (with
 * the passwords the database already has), and from reporting it as out of sync.
 */
const NEVER_PRUNE_ANNOTATIONS = {
  'argocd.argoproj.io/sync-options': 'Prune=false',
  'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const REQUEST_TIMEOUT_MS = 10000;
const MAX_ATTEMPTS = 5;
const DEFAULT_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 10000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const CA_KEY_BITS = 3072;
const LEAF_KEY_BITS = 2048;
const TLS_KEYS = ['tls.crt', 'tls.key', 'ca.crt'];

// ---------------------------------------------------------------------------------------------------------------
// DER encoding (ITU-T X.690), just what an X.509 v3 certificate needs.
// ---------------------------------------------------------------------------------------------------------------

/** Length octets in DER: short form below 128, otherwise the minimal long form. */
function encodeLength(length) {
  if (length < 0x80) return Buffer.from([length]);
  const bytes = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV; every other encoder is built on this. */
function tlv(tag, content) {
  const body = Buffer.from(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

/** Minimal two's-complement octets of a non-negative integer, with a 0x00 prefix when the top bit is set. */
function unsignedIntegerBytes(value) {
  let bytes;
  if (Buffer.isBuffer(value)) {
    bytes = value;
  } else {
    let big = BigInt(value);
    if (big < 0n) throw new Error('derInteger: negative integers are not supported');
    let hex = big.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    bytes = Buffer.from(hex, 'hex');
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  return bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

/** DER encoders for the handful of ASN.1 types an X.509 v3 certificate uses; Node has no certificate builder. */
const der = {
  /** INTEGER from a number, bigint or big-endian unsigned Buffer (serials are 128-bit, beyond Number). */
  integer: (value) => tlv(0x02, unsignedIntegerBytes(value)),
  /** SEQUENCE of already encoded elements. */
  sequence: (...items) => tlv(0x30, Buffer.concat(items)),
  /** SET OF already encoded elements, sorted as DER requires. */
  set: (...items) => tlv(0x31, Buffer.concat([...items].sort(Buffer.compare))),
  /** OBJECT IDENTIFIER from dotted notation. */
  oid: (dotted) => tlv(0x06, encodeOidContent(dotted)),
  /** UTF8String. */
  utf8String: (text) => tlv(0x0c, Buffer.from(text, 'utf8')),
  /** IA5String (ASCII), the type of dNSName. */
  ia5String: (text) => tlv(0x16, Buffer.from(text, 'ascii')),
  /** Time as RFC 5280 §4.1.2.5 demands: UTCTime for 1950-2049, GeneralizedTime otherwise. */
  time: (date) => encodeTime(date),
  /** BIT STRING holding whole octets (signatures, public keys). */
  bitString: (bytes, unusedBits = 0) => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), Buffer.from(bytes)])),
  /** BIT STRING of named bits (KeyUsage), trailing zero bits removed as DER requires. */
  namedBits: (bitNumbers) => encodeNamedBits(bitNumbers),
  /** OCTET STRING. */
  octetString: (bytes) => tlv(0x04, bytes),
  /** BOOLEAN (DER: TRUE is 0xFF). */
  boolean: (value) => tlv(0x01, Buffer.from([value ? 0xff : 0x00])),
  /** NULL. */
  null: () => Buffer.from([0x05, 0x00]),
  /** [n] EXPLICIT: a constructed context tag wrapping a complete element. */
  explicit: (n, element) => tlv(0xa0 | n, element),
  /** [n] IMPLICIT: the context tag replaces the universal one (constructed if the original was). */
  implicit: (n, content, constructed = false) => tlv((constructed ? 0xa0 : 0x80) | n, content),
};

function encodeOidContent(dotted) {
  const arcs = String(dotted).split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new Error(`derOid: invalid arc in ${dotted}`);
    return BigInt(a);
  });
  if (arcs.length < 2 || arcs[0] > 2n || (arcs[0] < 2n && arcs[1] > 39n)) throw new Error(`derOid: invalid OID ${dotted}`);
  const values = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  const out = [];
  for (const value of values) {
    const chunk = [Number(value & 0x7fn)];
    for (let v = value >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return Buffer.from(out);
}

function encodeTime(date) {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new Error('derTime: invalid date');
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  const year = date.getUTCFullYear();
  const rest = pad(date.getUTCMonth() + 1) + pad(date.getUTCDate()) + pad(date.getUTCHours())
    + pad(date.getUTCMinutes()) + pad(date.getUTCSeconds()) + 'Z';
  if (year >= 1950 && year <= 2049) return tlv(0x17, Buffer.from(pad(year % 100) + rest, 'ascii'));
  if (year < 0 || year > 9999) throw new Error('derTime: year out of range');
  return tlv(0x18, Buffer.from(pad(year, 4) + rest, 'ascii'));
}

function encodeNamedBits(bitNumbers) {
  if (bitNumbers.length === 0) return der.bitString(Buffer.alloc(0), 0);
  const highest = Math.max(...bitNumbers);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bitNumbers) bytes[Math.floor(bit / 8)] |= 0x80 >> (bit % 8);
  return der.bitString(bytes, 7 - (highest % 8));
}

// ---------------------------------------------------------------------------------------------------------------
// DER reading: just enough to take the subject, key identifier and validity of an existing CA certificate.
// ---------------------------------------------------------------------------------------------------------------

/** Reads the TLV at `offset`; `raw` is the whole element, `content` its value. */
function derRead(buffer, offset = 0) {
  if (offset + 2 > buffer.length) throw new Error('DER: truncated element');
  const tag = buffer[offset];
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: high tag numbers are not supported');
  let length = buffer[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: unsupported length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buffer[offset + 2 + i];
    header += count;
  }
  const end = offset + header + length;
  if (end > buffer.length) throw new Error('DER: element overruns its container');
  return { tag, raw: buffer.subarray(offset, end), content: buffer.subarray(offset + header, end), end };
}

/** The elements inside a constructed element's content. */
function derChildren(content) {
  const children = [];
  for (let offset = 0; offset < content.length;) {
    const child = derRead(content, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

const OID = {
  commonName: '2.5.4.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ed25519: '1.3.101.112',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

/** Issuer name (raw DER), key identifier and self-issued flag of a certificate, for building its children. */
function inspectCertificate(certDer) {
  const tbs = derChildren(derRead(certDer).content)[0];
  const fields = derChildren(tbs.content);
  const i = fields[0].tag === 0xa0 ? 1 : 0;
  const issuer = fields[i + 2].raw;
  const subject = fields[i + 4].raw;
  const spki = fields[i + 5].raw;
  let subjectKeyId = null;
  const extensions = fields.find((f) => f.tag === 0xa3);
  if (extensions) {
    const skiOid = encodeOidContent(OID.subjectKeyIdentifier);
    for (const ext of derChildren(derRead(extensions.content).content)) {
      const parts = derChildren(ext.content);
      if (parts[0].tag === 0x06 && parts[0].content.equals(skiOid)) {
        subjectKeyId = Buffer.from(derRead(parts[parts.length - 1].content).content);
      }
    }
  }
  return { subject: Buffer.from(subject), subjectKeyId, spki: Buffer.from(spki), selfIssued: issuer.equals(subject) };
}

/** The dNSName entries of a certificate's subjectAltName, to notice when a leaf no longer matches its plan. */
function dnsNamesOf(certDer) {
  const tbs = derChildren(derRead(certDer).content)[0];
  const extensions = derChildren(tbs.content).find((f) => f.tag === 0xa3);
  if (!extensions) return [];
  const sanOid = encodeOidContent(OID.subjectAltName);
  for (const ext of derChildren(derRead(extensions.content).content)) {
    const parts = derChildren(ext.content);
    if (parts[0].tag === 0x06 && parts[0].content.equals(sanOid)) {
      const names = derChildren(derRead(parts[parts.length - 1].content).content);
      return names.filter((n) => n.tag === 0x82).map((n) => Buffer.from(n.content).toString('ascii'));
    }
  }
  return [];
}

/** The permitted dNSName subtrees of a CA's NameConstraints extension, or null when it has none. */
function permittedDnsOf(certDer) {
  const tbs = derChildren(derRead(certDer).content)[0];
  const extensions = derChildren(tbs.content).find((f) => f.tag === 0xa3);
  if (!extensions) return null;
  const ncOid = encodeOidContent(OID.nameConstraints);
  for (const ext of derChildren(derRead(extensions.content).content)) {
    const parts = derChildren(ext.content);
    if (parts[0].tag === 0x06 && parts[0].content.equals(ncOid)) {
      const permitted = derChildren(derRead(parts[parts.length - 1].content).content).find((p) => p.tag === 0xa0);
      if (!permitted) return [];
      return derChildren(permitted.content).map((subtree) => derChildren(subtree.content)[0])
        .filter((base) => base.tag === 0x82).map((base) => Buffer.from(base.content).toString('ascii').toLowerCase());
    }
  }
  return null;
}

/** Names a CA with `permitted` subtrees may not vouch for (RFC 5280: a subtree permits itself and names below it). */
function namesOutside(permitted, names) {
  if (permitted === null) return [];
  return names.filter((n) => !permitted.some((s) => n.toLowerCase() === s || n.toLowerCase().endsWith(`.${s}`)));
}

/**
 * The fewest dNSName subtrees that permit every name (RFC 5280 §4.2.1.10: a subtree also permits names with more
 * labels on the left), so the internal CA can only vouch for the deployment's own names.
 */
function permittedSubtrees(names) {
  const unique = [...new Set(names.map((n) => n.toLowerCase()))].sort((a, b) => a.split('.').length - b.split('.').length || (a < b ? -1 : 1));
  const kept = [];
  for (const name of unique) {
    if (!kept.some((k) => name === k || name.endsWith(`.${k}`))) kept.push(name);
  }
  return kept.sort();
}

// ---------------------------------------------------------------------------------------------------------------
// X.509 certificates
// ---------------------------------------------------------------------------------------------------------------

/** 32 characters of [A-Za-z0-9] by default; `crypto.randomInt` keeps every character uniformly distributed. */
function randomToken(length = 32) {
  if (!Number.isInteger(length) || length < 1) throw new Error('randomToken: length must be a positive integer');
  let token = '';
  for (let i = 0; i < length; i++) token += TOKEN_ALPHABET[crypto.randomInt(TOKEN_ALPHABET.length)];
  return token;
}

function toPem(label, derBytes) {
  const lines = derBytes.toString('base64').match(/.{1,64}/g) || [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function firstPemCertificate(pem) {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(String(pem));
  if (!match) throw new Error('no PEM certificate found');
  return `${match[0]}\n`;
}

function distinguishedName(commonName) {
  return der.sequence(der.set(der.sequence(der.oid(OID.commonName), der.utf8String(commonName))));
}

/** Key identifier per RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING value. */
function keyIdentifier(spkiDer) {
  const bitString = derChildren(derRead(spkiDer).content)[1];
  return crypto.createHash('sha1').update(bitString.content.subarray(1)).digest();
}

function extension(oid, critical, value) {
  return critical
    ? der.sequence(der.oid(oid), der.boolean(true), der.octetString(value))
    : der.sequence(der.oid(oid), der.octetString(value));
}

/** Signature algorithm matching the signing key: sha256WithRSAEncryption for RSA, as the brief requires. */
function signatureScheme(privateKey) {
  switch (privateKey.asymmetricKeyType) {
    case 'rsa': return { algorithm: der.sequence(der.oid(OID.sha256WithRSAEncryption), der.null()), digest: 'sha256' };
    case 'ec': return { algorithm: der.sequence(der.oid(OID.ecdsaWithSha256)), digest: 'sha256' };
    case 'ed25519': return { algorithm: der.sequence(der.oid(OID.ed25519)), digest: null };
    default: throw new Error(`unsupported CA key type ${privateKey.asymmetricKeyType}`);
  }
}

function randomSerial() {
  const bytes = crypto.randomBytes(16);
  if (bytes.every((b) => b === 0)) bytes[15] = 1;
  return bytes;
}

function buildCertificate({ serial, issuerName, subjectName, notBefore, notAfter, spki, extensions, signingKey }) {
  const scheme = signatureScheme(signingKey);
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(serial),
    scheme.algorithm,
    issuerName,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    subjectName,
    spki,
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = crypto.sign(scheme.digest, tbs, signingKey);
  return der.sequence(tbs, scheme.algorithm, der.bitString(signature));
}

function checkValidity(validityDays, what) {
  if (!Number.isInteger(validityDays) || validityDays < 1) throw new Error(`${what}: validityDays must be a positive integer`);
}

function checkCommonName(commonName, what) {
  if (typeof commonName !== 'string' || commonName.length < 1 || commonName.length > 64) {
    throw new Error(`${what}: commonName must be 1 to 64 characters`);
  }
}

/** Self-signed RSA 3072 CA that signs the internal leaves; RSA keeps PostgreSQL, nginx and rdpproxy happy. */
function createCa({ commonName, validityDays, permittedDnsNames = [], now = new Date() }) {
  checkCommonName(commonName, 'createCa');
  checkValidity(validityDays, 'createCa');
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: CA_KEY_BITS, publicExponent: 0x10001 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = distinguishedName(commonName);
  const ski = keyIdentifier(spki);
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
      ...(permittedDnsNames.length > 0 ? [extension(OID.nameConstraints, true, der.sequence(
        tlvConstructed(0xa0, permittedSubtrees(permittedDnsNames).map((n) => der.sequence(der.implicit(2, Buffer.from(n, 'ascii'))))),
      ))] : []),
    ],
    signingKey: privateKey,
  });
  return { certPem: toPem('CERTIFICATE', certDer), keyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }) };
}

/** A constructed context-specific TLV ([0] IMPLICIT SEQUENCE OF ...) from already-encoded children. */
function tlvConstructed(tag, children) {
  return tlv(tag, Buffer.concat(children));
}

/** iPAddress SAN octets (4 or 16) from IPv4 or IPv6 text, so API-style endpoints reached by IP can verify. */
function parseIpAddress(text) {
  const value = String(text);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.every((o) => o <= 255) && v4.slice(1).every((o) => o === '0' || !o.startsWith('0'))) return Buffer.from(octets);
    throw new Error(`invalid IPv4 address ${value}`);
  }
  if (!value.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(value)) throw new Error(`invalid IP address ${value}`);
  const halves = value.split('::');
  if (halves.length > 2) throw new Error(`invalid IPv6 address ${value}`);
  const groups = (part) => {
    if (part === '') return [];
    const out = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const tail = parseIpAddress(piece);
        if (tail.length !== 4) throw new Error(`invalid IPv6 address ${value}`);
        out.push(tail.readUInt16BE(0), tail.readUInt16BE(2));
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        throw new Error(`invalid IPv6 address ${value}`);
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) {
    throw new Error(`invalid IPv6 address ${value}`);
  }
  const all = [...head, ...new Array(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = Buffer.alloc(16);
  all.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  return bytes;
}

function loadCa(ca) {
  const certPem = firstPemCertificate(ca.certPem);
  const cert = new crypto.X509Certificate(certPem);
  const key = crypto.createPrivateKey(ca.keyPem);
  if (!cert.ca) throw new Error('the CA certificate is not a CA (basicConstraints CA:FALSE or absent)');
  if (!cert.checkPrivateKey(key)) throw new Error('the CA private key does not match the CA certificate');
  return { cert, key, info: inspectCertificate(cert.raw) };
}

/** TLS server+client leaf signed by `ca`; the key is PKCS#1 PEM because PostgreSQL, nginx and rdpproxy all read it. */
function issueCertificate({ ca, commonName, dnsNames = [], ipAddresses = [], validityDays, now = new Date() }) {
  checkCommonName(commonName, 'issueCertificate');
  checkValidity(validityDays, 'issueCertificate');
  const ips = ipAddresses.map(parseIpAddress);
  for (const name of dnsNames) {
    if (typeof name !== 'string' || !/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(name)) {
      throw new Error(`issueCertificate: invalid DNS name ${JSON.stringify(name)}`);
    }
  }
  if (dnsNames.length + ips.length === 0) throw new Error('issueCertificate: at least one DNS name or IP address is required');
  const issuer = loadCa(ca);
  const caNotAfter = new Date(issuer.cert.validTo);
  if (caNotAfter.getTime() <= now.getTime()) throw new Error(`the CA certificate expired on ${caNotAfter.toISOString()}`);
  const requestedNotAfter = new Date(now.getTime() + validityDays * DAY_MS);
  const notAfter = requestedNotAfter > caNotAfter ? caNotAfter : requestedNotAfter;

  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: LEAF_KEY_BITS, publicExponent: 0x10001 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const authorityKeyId = issuer.info.subjectKeyId || keyIdentifier(issuer.info.spki);
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
  return { certPem: toPem('CERTIFICATE', certDer), keyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }) };
}

// ---------------------------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------------------------

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Fails early, naming the field, when the plan the TypeScript side wrote is not what this script understands. */
function validatePlan(plan) {
  const fail = (msg) => { throw new Error(`invalid plan: ${msg}`); };
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const secretName = (v, where) => {
    if (typeof v !== 'string' || v.length > 253 || !DNS1123_SUBDOMAIN.test(v)) fail(`${where} must be a DNS-1123 subdomain`);
  };
  if (!isObject(plan)) fail('not a JSON object');
  if (typeof plan.namespace !== 'string' || plan.namespace.length > 63 || !DNS1123_LABEL.test(plan.namespace)) {
    fail('namespace must be a DNS-1123 label');
  }
  if (plan.labels != null) {
    if (!isObject(plan.labels)) fail('labels must be an object');
    for (const [k, v] of Object.entries(plan.labels)) if (typeof v !== 'string') fail(`labels.${k} must be a string`);
  }
  if (plan.credentials != null) {
    if (!isObject(plan.credentials)) fail('credentials must be an object or null');
    secretName(plan.credentials.secretName, 'credentials.secretName');
    const keys = plan.credentials.keys;
    if (!Array.isArray(keys) || keys.length === 0) fail('credentials.keys must be a non-empty array');
    for (const k of keys) if (typeof k !== 'string' || k.length > 253 || !SECRET_KEY.test(k)) fail(`credentials.keys: invalid key ${JSON.stringify(k)}`);
    if (new Set(keys).size !== keys.length) fail('credentials.keys has duplicates');
  }
  if (plan.ca != null) {
    if (!isObject(plan.ca)) fail('ca must be an object or null');
    secretName(plan.ca.secretName, 'ca.secretName');
    if (typeof plan.ca.commonName !== 'string' || plan.ca.commonName.length < 1 || plan.ca.commonName.length > 64) fail('ca.commonName must be 1 to 64 characters');
    if (!Number.isInteger(plan.ca.validityDays) || plan.ca.validityDays < 1) fail('ca.validityDays must be a positive integer');
  }
  if (plan.mirrors != null) {
    if (!Array.isArray(plan.mirrors)) fail('mirrors must be an array or null');
    if (plan.mirrors.length > 0 && plan.credentials == null) fail('mirrors need credentials to copy from');
    plan.mirrors.forEach((m, i) => {
      const where = `mirrors[${i}]`;
      if (!isObject(m)) fail(`${where} must be an object`);
      if (typeof m.namespace !== 'string' || m.namespace.length > 63 || !DNS1123_LABEL.test(m.namespace)) fail(`${where}.namespace must be a DNS-1123 label`);
      secretName(m.secretName, `${where}.secretName`);
      if (typeof m.username !== 'string' || m.username.length === 0) fail(`${where}.username must be a non-empty string`);
      if (!plan.credentials.keys.includes(m.fromKey)) fail(`${where}.fromKey must be one of credentials.keys`);
    });
  }
  const certificates = plan.certificates == null ? [] : plan.certificates;
  if (!Array.isArray(certificates)) fail('certificates must be an array or null');
  if (certificates.length > 0 && plan.ca == null) fail('certificates need a ca');
  const names = new Set([plan.credentials && plan.credentials.secretName, plan.ca && plan.ca.secretName].filter(Boolean));
  if (names.size !== [plan.credentials, plan.ca].filter((x) => x != null).length) fail('credentials and ca use the same Secret name');
  certificates.forEach((c, i) => {
    const where = `certificates[${i}]`;
    if (!isObject(c)) fail(`${where} must be an object`);
    secretName(c.secretName, `${where}.secretName`);
    if (names.has(c.secretName)) fail(`${where}.secretName ${c.secretName} is used twice`);
    names.add(c.secretName);
    if (typeof c.commonName !== 'string' || c.commonName.length < 1 || c.commonName.length > 64) fail(`${where}.commonName must be 1 to 64 characters`);
    if (!Array.isArray(c.dnsNames) || c.dnsNames.some((n) => typeof n !== 'string')) fail(`${where}.dnsNames must be an array of strings`);
    if (c.ipAddresses != null && (!Array.isArray(c.ipAddresses) || c.ipAddresses.some((n) => typeof n !== 'string'))) {
      fail(`${where}.ipAddresses must be an array of strings`);
    }
    if (c.dnsNames.length + (c.ipAddresses || []).length === 0) fail(`${where} needs at least one DNS name`);
    if (!Number.isInteger(c.validityDays) || c.validityDays < 1) fail(`${where}.validityDays must be a positive integer`);
  });
  return plan;
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes API
// ---------------------------------------------------------------------------------------------------------------

const NON_RETRYABLE_CONNECT = /^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_|ERR_INVALID_URL)/;

function apiConfig(env) {
  let baseUrl = env.KASM_GENERATOR_API_URL;
  if (!baseUrl) {
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT || '443';
    if (!host) throw new Error('KUBERNETES_SERVICE_HOST is not set: run this inside a Kubernetes Pod (or set KASM_GENERATOR_API_URL)');
    baseUrl = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
  const tokenFile = env.KASM_GENERATOR_TOKEN_FILE || `${SA_DIR}/token`;
  const caFile = env.KASM_GENERATOR_CA_FILE || `${SA_DIR}/ca.crt`;
  const read = (file, what) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read the ${what} at ${file} (${e.code || e.message}); is automountServiceAccountToken enabled?`);
    }
  };
  const token = read(tokenFile, 'service account token').trim();
  if (!token) throw new Error(`the service account token at ${tokenFile} is empty`);
  const retryDelay = Number(env.KASM_GENERATOR_RETRY_DELAY_MS);
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    token,
    ca: read(caFile, 'cluster CA certificate'),
    retryDelayMs: Number.isFinite(retryDelay) && retryDelay >= 0 ? retryDelay : DEFAULT_RETRY_DELAY_MS,
  };
}

function sendOnce(config, method, path, body, contentType) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(value);
    };
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers = { Accept: 'application/json', Authorization: `Bearer ${config.token}`, 'User-Agent': 'kasm-secret-generator' };
    if (payload) {
      headers['Content-Type'] = contentType || 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    let req;
    try {
      req = https.request(new URL(config.baseUrl + path), { method, headers, ca: config.ca, agent: false }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', (e) => finish(reject, e));
        res.on('close', () => finish(reject, new Error('connection closed before the response was complete')));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch (e) {
            json = null;
          }
          finish(resolve, { status: res.statusCode, headers: res.headers, json });
        });
      });
    } catch (e) {
      reject(e);
      return;
    }
    const timer = setTimeout(() => {
      const error = new Error(`no response within ${REQUEST_TIMEOUT_MS / 1000} s`);
      error.code = 'ETIMEDOUT';
      req.destroy(error);
      finish(reject, error);
    }, REQUEST_TIMEOUT_MS);
    req.on('error', (e) => finish(reject, e));
    req.end(payload);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function describeFailure(status, json) {
  const reason = json && typeof json.reason === 'string' ? ` ${json.reason}` : '';
  const message = json && typeof json.message === 'string' ? `: ${json.message.slice(0, 300)}` : '';
  const hint = status === 401 ? ' (the service account token was rejected)'
    : status === 403 ? ' (check the Role: the generator needs create on secrets and get, patch on the Secrets it manages)'
      : '';
  return `HTTP ${status}${reason}${message}${hint}`;
}

/** Sends one request, retrying connection errors, 429 and 5xx; returns the response when its status is expected. */
async function apiCall(config, { method, path, body, contentType, what, expect }) {
  let lastProblem = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let delay = config.retryDelayMs * 2 ** (attempt - 1);
    try {
      const res = await sendOnce(config, method, path, body, contentType);
      if (expect.includes(res.status)) return res;
      const problem = describeFailure(res.status, res.json);
      if (res.status !== 429 && res.status < 500) throw Object.assign(new Error(`${what} failed: ${problem}`), { final: true });
      lastProblem = problem;
      const retryAfter = Number(res.headers['retry-after']);
      if (Number.isFinite(retryAfter) && retryAfter > 0) delay = Math.max(delay, retryAfter * 1000);
    } catch (e) {
      if (e.final) throw e;
      const code = e.code || '';
      const problem = `${e.message}${code && !e.message.includes(code) ? ` (${code})` : ''}`;
      if (NON_RETRYABLE_CONNECT.test(code)) throw new Error(`${what} failed: ${problem}`);
      lastProblem = problem;
    }
    if (attempt < MAX_ATTEMPTS) await sleep(Math.min(delay, MAX_RETRY_DELAY_MS));
  }
  throw new Error(`${what} failed after ${MAX_ATTEMPTS} attempts: ${lastProblem}`);
}

function secretsApi(config, namespace) {
  const collection = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
  const item = (name) => `${collection}/${encodeURIComponent(name)}`;
  return {
    async get(name) {
      const res = await apiCall(config, { method: 'GET', path: item(name), what: `GET Secret ${namespace}/${name}`, expect: [200, 404] });
      if (res.status === 404) return null;
      if (!res.json || typeof res.json !== 'object' || res.json.kind !== 'Secret') {
        throw new Error(`GET Secret ${namespace}/${name} failed: HTTP 200 without a Secret in the body; is the API URL right?`);
      }
      return res.json;
    },
    /** Returns true when created, false when it already existed (409). */
    async create(secret) {
      const res = await apiCall(config, {
        method: 'POST', path: collection, body: secret, what: `create Secret ${namespace}/${secret.metadata.name}`, expect: [200, 201, 202, 409],
      });
      return res.status !== 409;
    },
    /** Returns true when applied, false on a resourceVersion conflict (409). */
    async mergePatch(name, patch) {
      const res = await apiCall(config, {
        method: 'PATCH', path: item(name), body: patch, contentType: 'application/merge-patch+json', what: `PATCH Secret ${namespace}/${name}`, expect: [200, 409],
      });
      return res.status === 200;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The flow
// ---------------------------------------------------------------------------------------------------------------

const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');

function newSecret(plan, name, type, data) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: plan.namespace,
      labels: { ...(plan.labels || {}) },
      annotations: { [GENERATED_BY_ANNOTATION]: GENERATED_BY_VALUE, ...NEVER_PRUNE_ANNOTATIONS },
    },
    type,
    data,
  };
}

async function ensureCredentials(plan, api, log) {
  const { secretName, keys } = plan.credentials;
  const label = `${plan.namespace}/${secretName}`;
  let existing = await api.get(secretName);
  if (!existing) {
    const data = {};
    for (const k of keys) data[k] = b64(randomToken(32));
    if (await api.create(newSecret(plan, secretName, 'Opaque', data))) {
      log(`${label}: created with keys [${keys.join(', ')}]`);
      return { secret: secretName, action: 'created', keys: [...keys] };
    }
    existing = await api.get(secretName);
    if (!existing) throw new Error(`create Secret ${label} returned 409 Conflict but the Secret cannot be read back`);
  }
  for (let round = 0; round < MAX_ATTEMPTS; round++) {
    const present = existing.data || {};
    const missing = keys.filter((k) => !Object.prototype.hasOwnProperty.call(present, k));
    if (missing.length === 0) {
      log(`${label}: exists, left unchanged`);
      return { secret: secretName, action: 'unchanged' };
    }
    const data = {};
    for (const k of missing) data[k] = b64(randomToken(32));
    // resourceVersion makes the patch conditional: a key added concurrently is never overwritten.
    const patch = { metadata: { resourceVersion: existing.metadata && existing.metadata.resourceVersion }, data };
    if (await api.mergePatch(secretName, patch)) {
      log(`${label}: completed missing keys [${missing.join(', ')}]`);
      return { secret: secretName, action: 'patched', keys: missing };
    }
    existing = await api.get(secretName);
    if (!existing) throw new Error(`Secret ${label} disappeared while its missing keys were being added`);
  }
  throw new Error(`Secret ${label} kept changing while its missing keys were being added; retry the Job`);
}

function caFromSecret(secret, label) {
  const data = secret.data || {};
  const decode = (k) => (data[k] ? Buffer.from(data[k], 'base64').toString('utf8') : null);
  const certPem = decode('tls.crt');
  const keyPem = decode('tls.key');
  if (!certPem || !keyPem) return { label, unusable: `CA Secret ${label} has no ${certPem ? 'tls.key' : 'tls.crt'}` };
  return { label, certPem, keyPem, trustPem: decode('ca.crt') || certPem };
}

async function ensureCa(plan, api, log) {
  const { secretName, commonName, validityDays } = plan.ca;
  const label = `${plan.namespace}/${secretName}`;
  const existing = await api.get(secretName);
  if (existing) {
    log(`${label}: exists, left unchanged`);
    return { entry: { secret: secretName, action: 'unchanged' }, ca: caFromSecret(existing, label) };
  }
  const permittedDnsNames = (plan.certificates || []).flatMap((c) => c.dnsNames);
  const ca = createCa({ commonName, validityDays, permittedDnsNames });
  const data = { 'tls.crt': b64(ca.certPem), 'tls.key': b64(ca.keyPem), 'ca.crt': b64(ca.certPem) };
  if (await api.create(newSecret(plan, secretName, 'kubernetes.io/tls', data))) {
    log(`${label}: created (self-signed CA "${commonName}", valid ${validityDays} days)`);
    return { entry: { secret: secretName, action: 'created', keys: [...TLS_KEYS] }, ca: { label, ...ca, trustPem: ca.certPem } };
  }
  const stored = await api.get(secretName);
  if (!stored) throw new Error(`create Secret ${label} returned 409 Conflict but the Secret cannot be read back`);
  log(`${label}: exists (created concurrently), left unchanged`);
  return { entry: { secret: secretName, action: 'unchanged' }, ca: caFromSecret(stored, label) };
}

/**
 * Copies one credential into another namespace as a `kubernetes.io/basic-auth` Secret (a database there reads its
 * password from it; Secrets do not cross namespaces). Created once; an existing copy is never overwritten.
 */
async function ensureMirror(plan, api, targetApi, mirror, log) {
  const label = `${mirror.namespace}/${mirror.secretName}`;
  const source = await api.get(plan.credentials.secretName);
  const value = source && source.data ? source.data[mirror.fromKey] : undefined;
  if (!value) throw new Error(`cannot copy ${mirror.fromKey} to ${label}: ${plan.namespace}/${plan.credentials.secretName} has no such key`);
  const existing = await targetApi.get(mirror.secretName);
  if (existing) {
    const same = existing.data && existing.data.password === value;
    log(`${label}: exists, left unchanged${same ? '' : ` (its password differs from ${plan.namespace}/${plan.credentials.secretName}; reconcile them by hand)`}`);
    return { secret: label, action: 'unchanged' };
  }
  const secret = newSecret(plan, mirror.secretName, 'kubernetes.io/basic-auth', { username: b64(mirror.username), password: value });
  secret.metadata.namespace = mirror.namespace;
  if (await targetApi.create(secret)) {
    log(`${label}: created with the ${mirror.fromKey} of ${plan.namespace}/${plan.credentials.secretName}`);
    return { secret: label, action: 'created', keys: ['username', 'password'] };
  }
  log(`${label}: exists (created concurrently), left unchanged`);
  return { secret: label, action: 'unchanged' };
}

/** A constrained CA cannot vouch for names it was not made for: say so, with the way out, instead of a leaf no client accepts. */
function assertWithinConstraints(ca, label, dnsNames) {
  const outside = namesOutside(permittedDnsOf(new crypto.X509Certificate(firstPemCertificate(ca.certPem)).raw), dnsNames);
  if (outside.length > 0) {
    throw new Error(`cannot issue ${label}: ${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside the name constraints of the CA in ${ca.label} `
      + '(it was made for other host names or another namespace); delete that CA Secret and every generated *-tls Secret, '
      + 're-run this Job, and trust the new CA');
  }
}

/** Why an existing leaf must be re-issued (its names no longer match the plan), or null to leave it alone. */
function driftOf(existing, cert) {
  const annotations = (existing.metadata && existing.metadata.annotations) || {};
  // Only our own leaves: a certificate someone else put there is theirs.
  if (annotations[GENERATED_BY_ANNOTATION] !== GENERATED_BY_VALUE) return null;
  const pem = existing.data && existing.data['tls.crt'] ? Buffer.from(existing.data['tls.crt'], 'base64').toString('utf8') : null;
  if (!pem) return 'it has no tls.crt';
  let names;
  try {
    names = dnsNamesOf(new crypto.X509Certificate(firstPemCertificate(pem)).raw);
  } catch (e) {
    return 'its tls.crt cannot be read';
  }
  const want = [...new Set(cert.dnsNames)].sort();
  const have = [...new Set(names)].sort();
  if (want.length === have.length && want.every((n, i) => n === have[i])) return null;
  const added = want.filter((n) => !have.includes(n));
  const removed = have.filter((n) => !want.includes(n));
  return `its names changed (${[...added.map((n) => `+${n}`), ...removed.map((n) => `-${n}`)].join(', ')})`;
}

async function ensureCertificate(plan, api, cert, ca, log) {
  const label = `${plan.namespace}/${cert.secretName}`;
  const existing = await api.get(cert.secretName);
  if (existing) {
    const drift = driftOf(existing, cert);
    if (!drift) {
      log(`${label}: exists, left unchanged`);
      return { secret: cert.secretName, action: 'unchanged' };
    }
    if (ca.unusable) throw new Error(`cannot re-issue ${label}: ${ca.unusable}`);
    assertWithinConstraints(ca, label, cert.dnsNames);
    const leaf = issueCertificate({ ca, commonName: cert.commonName, dnsNames: cert.dnsNames, ipAddresses: cert.ipAddresses || [], validityDays: cert.validityDays });
    const data = { 'tls.crt': b64(leaf.certPem), 'tls.key': b64(leaf.keyPem), 'ca.crt': b64(ca.trustPem) };
    const patch = { metadata: { resourceVersion: existing.metadata && existing.metadata.resourceVersion }, data };
    if (await api.mergePatch(cert.secretName, patch)) {
      log(`${label}: re-issued because ${drift}`);
      return { secret: cert.secretName, action: 'reissued', keys: [...TLS_KEYS] };
    }
    throw new Error(`Secret ${label} changed while it was being re-issued; retry the Job`);
  }
  if (ca.unusable) throw new Error(`cannot issue ${label}: ${ca.unusable}`);
  assertWithinConstraints(ca, label, cert.dnsNames);
  let leaf;
  try {
    leaf = issueCertificate({
      ca, commonName: cert.commonName, dnsNames: cert.dnsNames, ipAddresses: cert.ipAddresses || [], validityDays: cert.validityDays,
    });
  } catch (e) {
    throw new Error(`cannot issue ${label} with the CA in ${ca.label}: ${e.message}`);
  }
  // A CA that is not self-issued is an intermediate: ship its chain so clients that trust only the root can verify.
  const caInfo = inspectCertificate(new crypto.X509Certificate(firstPemCertificate(ca.certPem)).raw);
  const chain = caInfo.selfIssued ? leaf.certPem : `${leaf.certPem}${ca.certPem.endsWith('\n') ? ca.certPem : `${ca.certPem}\n`}`;
  const data = { 'tls.crt': b64(chain), 'tls.key': b64(leaf.keyPem), 'ca.crt': b64(ca.trustPem) };
  if (await api.create(newSecret(plan, cert.secretName, 'kubernetes.io/tls', data))) {
    log(`${label}: created (CN=${cert.commonName}, signed by ${ca.label})`);
    return { secret: cert.secretName, action: 'created', keys: [...TLS_KEYS] };
  }
  log(`${label}: exists (created concurrently), left unchanged`);
  return { secret: cert.secretName, action: 'unchanged' };
}

/** The whole Job: credentials, then the CA, then every leaf; returns what happened to each Secret. */
async function run(plan, env = process.env) {
  validatePlan(plan);
  const log = (line) => console.log(`secret-generator: ${line}`);
  const config = apiConfig(env);
  const api = secretsApi(config, plan.namespace);
  const summary = [];
  if (plan.credentials) summary.push(await ensureCredentials(plan, api, log));
  for (const mirror of plan.mirrors || []) summary.push(await ensureMirror(plan, api, secretsApi(config, mirror.namespace), mirror, log));
  const certificates = plan.certificates || [];
  if (plan.ca) {
    const { entry, ca } = await ensureCa(plan, api, log);
    summary.push(entry);
    for (const cert of certificates) summary.push(await ensureCertificate(plan, api, cert, ca, log));
  }
  return summary;
}

/** CLI entry: reads the plan file, runs, and turns any failure into one readable line and exit code 1. */
async function main(argv = process.argv.slice(2), env = process.env) {
  try {
    if (argv.length !== 1) throw new Error('usage: node secret-generator.js <plan.json>');
    let plan;
    try {
      plan = JSON.parse(fs.readFileSync(argv[0], 'utf8'));
    } catch (e) {
      throw new Error(`cannot read the plan ${argv[0]}: ${e.code || e.message}`);
    }
    const summary = await run(plan, env);
    const changed = summary.filter((s) => s.action !== 'unchanged').length;
    console.log(`secret-generator: done, ${changed} of ${summary.length} Secrets created or completed`);
    return 0;
  } catch (e) {
    console.error(`secret-generator: ${e && e.message ? e.message : String(e)}`);
    if (env.KASM_GENERATOR_DEBUG === '1' && e && e.stack) console.error(e.stack);
    return 1;
  }
}

module.exports = {
  der,
  derRead,
  derChildren,
  randomToken,
  createCa,
  issueCertificate,
  parseIpAddress,
  validatePlan,
  dnsNamesOf,
  permittedSubtrees,
  permittedDnsOf,
  run,
  main,
};

if (require.main === module) {
  main().then((code) => {
    process.exitCode = code;
  });
}
