/**
 * The in-cluster Secret generator: its hand-made X.509 certificates must satisfy OpenSSL and Node, and its flow against
 * a fake Kubernetes API must create what is missing, never overwrite what exists, and never log a secret.
 */
import { execFile, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { der, derChildren, derRead } from '../../lib/security/generator/der';
import { parseIpAddress, permittedSubtrees } from '../../lib/security/generator/names';
import { KubeApiError } from '../../lib/security/generator/kube-client';
import { InvalidPlanError, validatePlan } from '../../lib/security/generator/plan';
import type { GeneratorPlan } from '../../lib/security/generator/plan';
import { randomToken } from '../../lib/security/generator/random';
import { run } from '../../lib/security/generator/reconcile';
import { createCa, issueCertificate } from '../../lib/security/generator/x509';
import type { PemPair } from '../../lib/security/generator/x509';
import { dnsNamesOf, permittedDnsOf } from '../../lib/security/generator/x509-read';

/** The modules' functions under one name; the CLI test runs the bundle the ConfigMap carries. */
const gen = { der, derRead, derChildren, parseIpAddress, permittedSubtrees, validatePlan, randomToken, run, createCa, issueCertificate, dnsNamesOf, permittedDnsOf };
const SCRIPT = path.join(__dirname, '..', '..', 'lib', 'security', 'generator', 'secret-generator.generated.js');
// RSA key generation (a 3072-bit CA, 2048-bit leaves) takes seconds on a loaded 2-core machine: at jest's 5 s a slow
// test timed out and its still-running flow wrote into the next test's fake API.
jest.setTimeout(30_000);
const TOKEN = 'test-token-0123';
const DAY = 24 * 60 * 60 * 1000;

let tmp: string;
let sharedCa: PemPair;

const write = (name: string, content: string) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
};
const openssl = (...args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });
const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');
const spkiOf = (key: crypto.KeyObject | crypto.X509Certificate) =>
  (key instanceof crypto.X509Certificate ? key.publicKey : crypto.createPublicKey(key)).export({ type: 'spki', format: 'der' });

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-generator-'));
  sharedCa = gen.createCa({ commonName: 'kasm-internal-ca', validityDays: 3650 });
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('DER encoding', () => {
  test('integers are minimal two\'s complement, big serials keep their sign', () => {
    expect(gen.der.integer(0).toString('hex')).toBe('020100');
    expect(gen.der.integer(127).toString('hex')).toBe('02017f');
    expect(gen.der.integer(128).toString('hex')).toBe('02020080');
    expect(gen.der.integer(Buffer.from('00000180', 'hex')).toString('hex')).toBe('02020180');
    expect(gen.der.integer(Buffer.from('ff'.repeat(16), 'hex')).toString('hex')).toBe(`021100${'ff'.repeat(16)}`);
    expect(gen.der.integer(2n ** 64n).toString('hex')).toBe('0209010000000000000000');
  });

  test('lengths switch to the long form at 128 bytes', () => {
    expect(gen.der.octetString(Buffer.alloc(127)).subarray(0, 2).toString('hex')).toBe('047f');
    expect(gen.der.octetString(Buffer.alloc(128)).subarray(0, 3).toString('hex')).toBe('048180');
    expect(gen.der.octetString(Buffer.alloc(300)).subarray(0, 4).toString('hex')).toBe('0482012c');
  });

  test('OIDs, named bits, booleans and tags', () => {
    expect(gen.der.oid('1.2.840.113549.1.1.11').toString('hex')).toBe('06092a864886f70d01010b');
    expect(gen.der.oid('2.5.29.17').toString('hex')).toBe('0603551d11');
    expect(gen.der.namedBits([0, 2]).toString('hex')).toBe('030205a0'); // digitalSignature, keyEncipherment
    expect(gen.der.namedBits([5, 6]).toString('hex')).toBe('03020106'); // keyCertSign, cRLSign
    expect(gen.der.boolean(true).toString('hex')).toBe('0101ff');
    expect(gen.der.null().toString('hex')).toBe('0500');
    expect(gen.der.explicit(3, gen.der.null()).toString('hex')).toBe('a3020500');
    expect(gen.der.implicit(2, Buffer.from('a')).toString('hex')).toBe('820161');
    expect(gen.der.set(gen.der.integer(2), gen.der.integer(1)).toString('hex')).toBe('3106020101020102');
  });

  test('times follow RFC 5280: UTCTime through 2049, GeneralizedTime from 2050', () => {
    expect(gen.der.time(new Date('2049-12-31T23:59:59Z')).toString('ascii', 2)).toBe('491231235959Z');
    expect(gen.der.time(new Date('2049-12-31T23:59:59Z'))[0]).toBe(0x17);
    expect(gen.der.time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
    expect(gen.der.time(new Date('2050-01-01T00:00:00Z')).toString('ascii', 2)).toBe('20500101000000Z');
    expect(gen.der.time(new Date('1999-02-03T04:05:06Z')).toString('ascii', 2)).toBe('990203040506Z');
  });

  test('IP addresses become 4 or 16 octets', () => {
    expect(gen.parseIpAddress('10.43.0.1').toString('hex')).toBe('0a2b0001');
    expect(gen.parseIpAddress('::1').toString('hex')).toBe(`${'00'.repeat(15)}01`);
    expect(gen.parseIpAddress('fd00:10:43::1').toString('hex')).toBe('fd000010004300000000000000000001');
    expect(() => gen.parseIpAddress('256.1.1.1')).toThrow(/invalid/);
    expect(() => gen.parseIpAddress('1::2::3')).toThrow(/invalid/);
  });
});

describe('randomToken', () => {
  test('32 characters of [A-Za-z0-9] by default, different every call', () => {
    const a = gen.randomToken();
    const b = gen.randomToken();
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(b).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(a).not.toBe(b);
    expect(gen.randomToken(7)).toHaveLength(7);
    expect(() => gen.randomToken(0)).toThrow();
  });

  test('uses the whole alphabet', () => {
    const seen = new Set(gen.randomToken(4000));
    expect(seen.size).toBe(62);
  });
});

describe('createCa / issueCertificate', () => {
  const dnsNames = ['kasm-db', 'kasm-db.kasm.svc', 'kasm-db.kasm.svc.cluster.local'];
  let leaf: PemPair;
  let caFile: string;
  let leafFile: string;
  let keyFile: string;

  beforeAll(() => {
    leaf = gen.issueCertificate({ ca: sharedCa, commonName: 'kasm-db', dnsNames, validityDays: 365 });
    caFile = write('ca.pem', sharedCa.certPem);
    leafFile = write('leaf.pem', leaf.certPem);
    keyFile = write('leaf.key', leaf.keyPem);
  });

  test('the CA is a self-signed CA certificate valid for the requested days', () => {
    const ca = new crypto.X509Certificate(sharedCa.certPem);
    expect(ca.subject).toBe('CN=kasm-internal-ca');
    expect(ca.issuer).toBe('CN=kasm-internal-ca');
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect((ca.publicKey.asymmetricKeyDetails ?? {}).modulusLength).toBe(3072);
    const from = new Date(ca.validFrom).getTime();
    const to = new Date(ca.validTo).getTime();
    expect(Math.abs(from - (Date.now() - 5 * 60 * 1000))).toBeLessThan(60 * 1000);
    expect(Math.abs(to - (Date.now() + 3650 * DAY))).toBeLessThan(60 * 1000);
    expect(sharedCa.keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
  });

  test('the leaf carries the names, is not a CA and is signed by the CA', () => {
    const ca = new crypto.X509Certificate(sharedCa.certPem);
    const cert = new crypto.X509Certificate(leaf.certPem);
    expect(cert.subject).toBe('CN=kasm-db');
    expect(cert.issuer).toBe('CN=kasm-internal-ca');
    expect(cert.subjectAltName).toBe(dnsNames.map((n) => `DNS:${n}`).join(', '));
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect((cert.publicKey.asymmetricKeyDetails ?? {}).modulusLength).toBe(2048);
    const from = new Date(cert.validFrom).getTime();
    const to = new Date(cert.validTo).getTime();
    expect(Math.abs(from - (Date.now() - 5 * 60 * 1000))).toBeLessThan(60 * 1000);
    expect(Math.abs(to - (Date.now() + 365 * DAY))).toBeLessThan(60 * 1000);
    expect(BigInt(`0x${cert.serialNumber}`) > 0n).toBe(true);
  });

  test('the key is PKCS#1 and matches the certificate', () => {
    expect(leaf.keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const key = crypto.createPrivateKey(leaf.keyPem);
    expect(spkiOf(key).equals(spkiOf(new crypto.X509Certificate(leaf.certPem)))).toBe(true);
    const rsa = openssl('rsa', '-check', '-noout', '-in', keyFile);
    expect(rsa.status).toBe(0);
    expect(rsa.stdout).toContain('RSA key ok');
  });

  test('openssl verifies the chain strictly, for TLS server use', () => {
    const verify = openssl('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', caFile, leafFile);
    expect(verify.stderr).toBe('');
    expect(verify.stdout.trim()).toBe(`${leafFile}: OK`);
    const client = openssl('verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', caFile, leafFile);
    expect(client.status).toBe(0);
  });

  test('openssl reads the extensions back', () => {
    const caText = openssl('x509', '-noout', '-text', '-in', caFile).stdout;
    expect(caText).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(caText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(caText).toContain('Subject Key Identifier');
    const leafText = openssl('x509', '-noout', '-text', '-in', leafFile).stdout;
    expect(leafText).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(leafText).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(leafText).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(leafText).toContain('Signature Algorithm: sha256WithRSAEncryption');
    // The authority key identifier of the leaf is the CA's subject key identifier.
    const caSki = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(caText)![1];
    expect(leafText).toMatch(new RegExp(`Authority Key Identifier:\\s*\\n\\s*(keyid:)?${caSki}`));
  });

  test('openssl reads the names and the validity back: SAN DNS names in order, notAfter as requested', () => {
    const text = openssl('x509', '-noout', '-text', '-in', leafFile).stdout;
    expect(text).toMatch(new RegExp(`Subject Alternative Name:\\s*\\n\\s*${dnsNames.map((n) => `DNS:${n.replace(/\./g, '\\.')}`).join(', ')}\\s*\\n`));
    const end = openssl('x509', '-noout', '-enddate', '-in', leafFile).stdout.trim().replace(/^notAfter=/, '');
    expect(Math.abs(new Date(end).getTime() - (Date.now() + 365 * DAY))).toBeLessThan(60 * 1000);
    expect(openssl('x509', '-noout', '-issuer', '-in', leafFile).stdout.trim()).toBe('issuer=CN = kasm-internal-ca');
  });

  test('dates from 2050 are GeneralizedTime, earlier ones UTCTime', () => {
    const now = new Date('2049-12-31T23:00:00Z');
    const ca = gen.createCa({ commonName: 'far-future-ca', validityDays: 20, now });
    const cert = gen.issueCertificate({ ca, commonName: 'x', dnsNames: ['x'], validityDays: 10, now });
    const x = new crypto.X509Certificate(cert.certPem);
    expect(new Date(x.validFrom).toISOString()).toBe('2049-12-31T22:55:00.000Z');
    expect(new Date(x.validTo).toISOString()).toBe('2050-01-10T23:00:00.000Z');
    const asn1 = openssl('asn1parse', '-in', write('future.pem', cert.certPem)).stdout;
    expect(asn1).toMatch(/UTCTIME\s+:491231225500Z/);
    expect(asn1).toMatch(/GENERALIZEDTIME\s+:20500110230000Z/);
    expect(x.verify(new crypto.X509Certificate(ca.certPem).publicKey)).toBe(true);
  });

  test('a leaf never outlives its CA, and IP SANs are encoded', () => {
    const cert = gen.issueCertificate({
      ca: sharedCa, commonName: 'api', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'], validityDays: 365 * 40,
    });
    const x = new crypto.X509Certificate(cert.certPem);
    expect(x.validTo).toBe(new crypto.X509Certificate(sharedCa.certPem).validTo);
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  });

  test('rejects a CA whose key does not match, and names without SANs', () => {
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    expect(() => gen.issueCertificate({ ca: { certPem: sharedCa.certPem, keyPem: other }, commonName: 'x', dnsNames: ['x'], validityDays: 1 }))
      .toThrow(/does not match/);
    expect(() => gen.issueCertificate({ ca: sharedCa, commonName: 'x', dnsNames: [], validityDays: 1 })).toThrow(/at least one/);
    expect(() => gen.issueCertificate({ ca: sharedCa, commonName: 'x', dnsNames: ['bad name'], validityDays: 1 })).toThrow(/invalid DNS name/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A fake Kubernetes API
// ---------------------------------------------------------------------------------------------------------------

interface RecordedRequest { method: string; path: string; contentType?: string; body?: any }
interface Fault { method: string; name?: string; status: number; times?: number; before?: () => void }

class FakeApi {
  readonly secrets = new Map<string, any>();
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  url = '';
  private rv = 1;
  private server?: https.Server;

  constructor(private readonly tls: PemPair) {}

  async start(): Promise<void> {
    this.server = https.createServer({ cert: this.tls.certPem, key: this.tls.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  reset(): void {
    this.secrets.clear();
    this.requests.length = 0;
    this.faults.length = 0;
  }

  put(secret: any): void {
    // Secrets of kasm are keyed by name; those of another namespace (the database's) by namespace/name.
    const ns = secret.metadata.namespace ?? 'kasm';
    this.secrets.set(ns === 'kasm' ? secret.metadata.name : `${ns}/${secret.metadata.name}`, {
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque', ...secret,
      metadata: { namespace: 'kasm', ...secret.metadata, resourceVersion: String(this.rv++) },
    });
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private handle(req: any, text: string, res: any): void {
    const send = (status: number, body: any) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string) =>
      send(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });
    const body = text ? JSON.parse(text) : undefined;
    const url = new URL(req.url, 'https://x');
    this.requests.push({ method: req.method, path: url.pathname, contentType: req.headers['content-type'], body });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(401, 'Unauthorized', 'Unauthorized');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m || !['kasm', 'database'].includes(m[1])) return status(404, 'NotFound', 'the server could not find the requested resource');
    const bare = m[2] ?? body?.metadata?.name;
    const name = m[1] === 'kasm' ? bare : `${m[1]}/${bare}`;
    const fault = this.faults.find((f) => f.method === req.method && (!f.name || f.name === name) && (f.times ?? 1) > 0);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      fault.before?.();
      return status(fault.status, 'Injected', `injected ${fault.status} for secrets "${name}"`);
    }
    const existing = this.secrets.get(name);
    if (req.method === 'GET' && m[2]) {
      return existing ? send(200, existing) : status(404, 'NotFound', `secrets "${name}" not found`);
    }
    if (req.method === 'POST' && !m[2]) {
      if (body?.kind !== 'Secret' || body.metadata?.namespace !== m[1]) return status(400, 'BadRequest', `not a Secret of ${m[1]}`);
      if (existing) return status(409, 'AlreadyExists', `secrets "${name}" already exists`);
      this.put(body);
      return send(201, this.secrets.get(name));
    }
    if (req.method === 'PATCH' && m[2]) {
      if (req.headers['content-type'] !== 'application/merge-patch+json') return status(415, 'UnsupportedMediaType', 'bad patch type');
      if (!existing) return status(404, 'NotFound', `secrets "${name}" not found`);
      const wanted = body.metadata?.resourceVersion;
      if (wanted && wanted !== existing.metadata.resourceVersion) return status(409, 'Conflict', 'the object has been modified');
      const data = { ...(existing.data ?? {}) };
      for (const [k, v] of Object.entries(body.data ?? {})) {
        if (v === null) delete data[k]; else data[k] = v;
      }
      existing.data = data;
      existing.metadata.resourceVersion = String(this.rv++);
      return send(200, existing);
    }
    return status(405, 'MethodNotAllowed', 'method not allowed');
  }
}

const PLAN: GeneratorPlan = {
  namespace: 'kasm',
  labels: { 'app.kubernetes.io/managed-by': 'cdk8s-kasm', 'app.kubernetes.io/instance': 'kasm' },
  credentials: { secretName: 'kasm-secrets', keys: ['admin-password', 'user-password', 'db-password', 'manager-token', 'service-token'] },
  ca: { secretName: 'kasm-internal-ca', commonName: 'kasm-internal-ca', validityDays: 3650 },
  certificates: [
    { secretName: 'kasm-db-tls', commonName: 'kasm-db', dnsNames: ['kasm-db', 'kasm-db.kasm.svc', 'kasm-db.kasm.svc.cluster.local'], validityDays: 3650 },
    { secretName: 'kasm-proxy-tls', commonName: 'kasm-proxy', dnsNames: ['kasm-proxy', 'kasm-proxy.kasm.svc'], validityDays: 825 },
  ],
};

const tlsSecret = (name: string, cert: PemPair, caPem: string) => ({
  metadata: { name },
  type: 'kubernetes.io/tls',
  data: { 'tls.crt': Buffer.from(cert.certPem).toString('base64'), 'tls.key': Buffer.from(cert.keyPem).toString('base64'), 'ca.crt': Buffer.from(caPem).toString('base64') },
});

describe('run against a fake Kubernetes API', () => {
  let api: FakeApi;
  let env: NodeJS.ProcessEnv;
  let logged: string[];
  let spies: jest.SpyInstance[];

  beforeAll(async () => {
    const serverCert = gen.issueCertificate({ ca: sharedCa, commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], validityDays: 1 });
    api = new FakeApi(serverCert);
    await api.start();
    env = {
      KASM_GENERATOR_API_URL: api.url,
      KASM_GENERATOR_TOKEN_FILE: write('token', `${TOKEN}\n`),
      KASM_GENERATOR_CA_FILE: write('cluster-ca.crt', sharedCa.certPem),
      KASM_GENERATOR_RETRY_DELAY_MS: '5',
    };
  });

  afterAll(async () => {
    await api.stop();
  });

  beforeEach(() => {
    api.reset();
    logged = [];
    spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => { logged.push(args.map(String).join(' ')); }));
  });

  afterEach(() => {
    spies.forEach((s) => s.mockRestore());
  });

  const storedCa = () => new crypto.X509Certificate(decode(api.secrets.get('kasm-internal-ca').data['tls.crt']));
  const seedCa = () => api.put(tlsSecret('kasm-internal-ca', sharedCa, sharedCa.certPem));

  test('a) an empty namespace gets credentials, a CA and every certificate; b) a second run changes nothing', async () => {
    const summary = await gen.run(PLAN, env);
    expect(summary).toEqual([
      { secret: 'kasm-secrets', action: 'created', keys: PLAN.credentials!.keys },
      { secret: 'kasm-internal-ca', action: 'created', keys: ['tls.crt', 'tls.key', 'ca.crt'] },
      { secret: 'kasm-db-tls', action: 'created', keys: ['tls.crt', 'tls.key', 'ca.crt'] },
      { secret: 'kasm-proxy-tls', action: 'created', keys: ['tls.crt', 'tls.key', 'ca.crt'] },
    ]);

    const creds = api.secrets.get('kasm-secrets');
    expect(creds.type).toBe('Opaque');
    expect(Object.keys(creds.data).sort()).toEqual([...PLAN.credentials!.keys].sort());
    const values = Object.values<string>(creds.data).map(decode);
    for (const v of values) expect(v).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(new Set(values).size).toBe(values.length);

    for (const secret of api.secrets.values()) {
      expect(secret.metadata.labels).toEqual(PLAN.labels);
      // Created at runtime, not in git: neither Argo CD nor Flux may prune it, and no tracking label marks it.
      expect(secret.metadata.annotations).toEqual({
        'kasm.cdk8s.io/generated-by': 'secret-generator',
        'argocd.argoproj.io/sync-options': 'Prune=false',
        'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      });
    }

    const ca = storedCa();
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=kasm-internal-ca');
    for (const c of PLAN.certificates!) {
      const secret = api.secrets.get(c.secretName);
      expect(secret.type).toBe('kubernetes.io/tls');
      expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
      const leaf = new crypto.X509Certificate(decode(secret.data['tls.crt']));
      expect(leaf.subject).toBe(`CN=${c.commonName}`);
      expect(leaf.subjectAltName).toBe(c.dnsNames.map((n) => `DNS:${n}`).join(', '));
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(leaf.verify(ca.publicKey)).toBe(true);
      expect(decode(secret.data['ca.crt'])).toBe(ca.toString());
      expect(spkiOf(crypto.createPrivateKey(decode(secret.data['tls.key']))).equals(spkiOf(leaf))).toBe(true);
      expect(decode(secret.data['tls.key'])).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    }
    expect(logged).toContain('secret-generator: kasm/kasm-secrets: created with keys [admin-password, user-password, db-password, manager-token, service-token]');

    // b) idempotent
    const before = JSON.stringify([...api.secrets.entries()]);
    api.requests.length = 0;
    logged.length = 0;
    const again = await gen.run(PLAN, env);
    expect(again.every((s) => s.action === 'unchanged')).toBe(true);
    expect(api.writes()).toEqual([]);
    expect(JSON.stringify([...api.secrets.entries()])).toBe(before);
    expect(logged).toHaveLength(4);
    for (const line of logged) expect(line).toMatch(/: exists, left unchanged$/);
  });

  test('c) a credentials Secret with a missing key is completed; user values are untouched', async () => {
    const userValue = Buffer.from('chosen-by-the-user').toString('base64');
    const data: Record<string, string> = {};
    for (const k of PLAN.credentials!.keys) data[k] = Buffer.from(gen.randomToken()).toString('base64');
    data['admin-password'] = userValue;
    delete data['db-password'];
    data['extra'] = Buffer.from('keep me').toString('base64');
    api.put({ metadata: { name: 'kasm-secrets', labels: { mine: 'yes' } }, data });
    const original = { ...data };

    const summary = await gen.run({ ...PLAN, ca: null, certificates: null }, env);

    expect(summary).toEqual([{ secret: 'kasm-secrets', action: 'patched', keys: ['db-password'] }]);
    const patches = api.writes();
    expect(patches).toHaveLength(1);
    expect(patches[0].method).toBe('PATCH');
    expect(patches[0].contentType).toBe('application/merge-patch+json');
    expect(Object.keys(patches[0].body.data)).toEqual(['db-password']);
    const stored = api.secrets.get('kasm-secrets');
    expect(stored.data).toEqual({ ...original, 'db-password': stored.data['db-password'] });
    expect(decode(stored.data['db-password'])).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(stored.metadata.labels).toEqual({ mine: 'yes' });
    expect(logged).toContain('secret-generator: kasm/kasm-secrets: completed missing keys [db-password]');
  });

  test('c2) a key added concurrently between GET and PATCH is never overwritten', async () => {
    const data: Record<string, string> = {};
    for (const k of PLAN.credentials!.keys.slice(1)) data[k] = Buffer.from('x').toString('base64');
    api.put({ metadata: { name: 'kasm-secrets' }, data });
    const concurrent = Buffer.from('written-by-someone-else').toString('base64');
    api.faults.push({
      method: 'PATCH', status: 409,
      before: () => {
        const s = api.secrets.get('kasm-secrets');
        s.data['admin-password'] = concurrent;
        s.metadata.resourceVersion = '999';
      },
    });
    const summary = await gen.run({ ...PLAN, ca: null, certificates: null }, env);
    expect(summary).toEqual([{ secret: 'kasm-secrets', action: 'unchanged' }]);
    expect(api.secrets.get('kasm-secrets').data['admin-password']).toBe(concurrent);
  });

  test('d) a deleted leaf is re-issued by the same stored CA; other Secrets stay as they are', async () => {
    seedCa();
    const db = gen.issueCertificate({ ca: sharedCa, commonName: 'kasm-db', dnsNames: ['kasm-db'], validityDays: 10 });
    api.put(tlsSecret('kasm-db-tls', db, sharedCa.certPem));
    const summary = await gen.run({ ...PLAN, credentials: null }, env);
    expect(summary).toEqual([
      { secret: 'kasm-internal-ca', action: 'unchanged' },
      { secret: 'kasm-db-tls', action: 'unchanged' },
      { secret: 'kasm-proxy-tls', action: 'created', keys: ['tls.crt', 'tls.key', 'ca.crt'] },
    ]);
    expect(decode(api.secrets.get('kasm-db-tls').data['tls.crt'])).toBe(db.certPem);
    const proxy = api.secrets.get('kasm-proxy-tls');
    const leaf = new crypto.X509Certificate(decode(proxy.data['tls.crt']));
    const ca = new crypto.X509Certificate(sharedCa.certPem);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(decode(proxy.data['ca.crt'])).toBe(sharedCa.certPem);
    const verify = openssl('verify', '-x509_strict', '-CAfile', write('stored-ca.pem', sharedCa.certPem), write('proxy.pem', leaf.toString()));
    expect(verify.status).toBe(0);
    expect(api.writes().map((r) => `${r.method} ${r.body.metadata.name}`)).toEqual(['POST kasm-proxy-tls']);
  });

  test('d2) a generated leaf whose names no longer match the plan is re-issued by the same CA; the CA and credentials never are', async () => {
    seedCa();
    const old = gen.issueCertificate({ ca: sharedCa, commonName: 'kasm-proxy', dnsNames: ['kasm-proxy', 'old.example.com'], validityDays: 10 });
    api.put({ ...tlsSecret('kasm-proxy-tls', old, sharedCa.certPem), metadata: { name: 'kasm-proxy-tls', annotations: { 'kasm.cdk8s.io/generated-by': 'secret-generator' } } });
    const db = gen.issueCertificate({ ca: sharedCa, commonName: 'kasm-db', dnsNames: ['kasm-db'], validityDays: 10 });
    api.put(tlsSecret('kasm-db-tls', db, sharedCa.certPem)); // not ours (no annotation): left alone even though its names differ
    const summary = await gen.run({ ...PLAN, credentials: null }, env);
    expect(summary).toEqual([
      { secret: 'kasm-internal-ca', action: 'unchanged' },
      { secret: 'kasm-db-tls', action: 'unchanged' },
      { secret: 'kasm-proxy-tls', action: 'reissued', keys: ['tls.crt', 'tls.key', 'ca.crt'] },
    ]);
    const leaf = new crypto.X509Certificate(decode(api.secrets.get('kasm-proxy-tls').data['tls.crt']));
    expect(gen.dnsNamesOf(leaf.raw)).toEqual(['kasm-proxy', 'kasm-proxy.kasm.svc']);
    expect(leaf.verify(new crypto.X509Certificate(sharedCa.certPem).publicKey)).toBe(true);
    expect(api.writes().map((r) => `${r.method} ${r.body.metadata?.name ?? r.path}`)).toEqual([expect.stringMatching(/^PATCH /)]);
    expect(logged.join('\n')).toContain('kasm/kasm-proxy-tls: re-issued because its names changed (+kasm-proxy.kasm.svc, -old.example.com)');
  });

  test('h) the database password is copied into the database\'s namespace once, as basic-auth, never overwritten', async () => {
    const plan: GeneratorPlan = { ...PLAN, ca: null, certificates: [], mirrors: [{ namespace: 'database', secretName: 'kasm-db-app-credentials', username: 'kasmapp', fromKey: 'db-password' }] };
    const summary = await gen.run(plan, env);
    expect(summary).toContainEqual({ secret: 'database/kasm-db-app-credentials', action: 'created', keys: ['username', 'password'] });
    const copy = api.secrets.get('database/kasm-db-app-credentials');
    expect(copy.type).toBe('kubernetes.io/basic-auth');
    expect(decode(copy.data.username)).toBe('kasmapp');
    expect(copy.data.password).toBe(api.secrets.get('kasm-secrets').data['db-password']);
    expect(copy.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false');
    expect(logged.join('\n')).not.toContain(decode(copy.data.password));
    // A second run, after someone changed the copy: left alone, with a hint.
    copy.data.password = Buffer.from('changed-by-hand').toString('base64');
    const again = await gen.run(plan, env);
    expect(again).toContainEqual({ secret: 'database/kasm-db-app-credentials', action: 'unchanged' });
    expect(decode(api.secrets.get('database/kasm-db-app-credentials').data.password)).toBe('changed-by-hand');
    expect(logged.join('\n')).toContain('its password differs');
  });

  test('e) 409 on create is tolerated: credentials are completed, the stored CA is used, a racing leaf is kept', async () => {
    const racingCreds = { 'admin-password': Buffer.from('raced').toString('base64') };
    const racingLeaf = gen.issueCertificate({ ca: sharedCa, commonName: 'kasm-db', dnsNames: ['kasm-db'], validityDays: 10 });
    api.faults.push(
      { method: 'POST', name: 'kasm-secrets', status: 409, before: () => api.put({ metadata: { name: 'kasm-secrets' }, data: racingCreds }) },
      { method: 'POST', name: 'kasm-internal-ca', status: 409, before: seedCa },
      { method: 'POST', name: 'kasm-db-tls', status: 409, before: () => api.put(tlsSecret('kasm-db-tls', racingLeaf, sharedCa.certPem)) },
    );
    const summary = await gen.run(PLAN, env);
    expect(summary).toEqual([
      { secret: 'kasm-secrets', action: 'patched', keys: ['user-password', 'db-password', 'manager-token', 'service-token'] },
      { secret: 'kasm-internal-ca', action: 'unchanged' },
      { secret: 'kasm-db-tls', action: 'unchanged' },
      { secret: 'kasm-proxy-tls', action: 'created', keys: ['tls.crt', 'tls.key', 'ca.crt'] },
    ]);
    expect(api.secrets.get('kasm-secrets').data['admin-password']).toBe(racingCreds['admin-password']);
    expect(decode(api.secrets.get('kasm-db-tls').data['tls.crt'])).toBe(racingLeaf.certPem);
    expect(storedCa().toString()).toBe(new crypto.X509Certificate(sharedCa.certPem).toString());
    const proxy = new crypto.X509Certificate(decode(api.secrets.get('kasm-proxy-tls').data['tls.crt']));
    expect(proxy.verify(storedCa().publicKey)).toBe(true);
  });

  test('f) a 403 fails naming the Secret and the status', async () => {
    api.faults.push({ method: 'GET', name: 'kasm-secrets', status: 403, times: 10 });
    await expect(gen.run(PLAN, env)).rejects.toThrow(/kasm\/kasm-secrets.*HTTP 403/);
    expect(api.requests).toHaveLength(1);
  });

  test('f) 503 twice, then success: retried', async () => {
    seedCa();
    api.faults.push({ method: 'GET', name: 'kasm-internal-ca', status: 503, times: 2 });
    const summary = await gen.run({ ...PLAN, credentials: null, certificates: [] }, env);
    expect(summary).toEqual([{ secret: 'kasm-internal-ca', action: 'unchanged' }]);
    expect(api.requests.filter((r) => r.path.endsWith('/kasm-internal-ca'))).toHaveLength(3);
  });

  test('f) persistent 5xx gives up after a few attempts', async () => {
    api.faults.push({ method: 'GET', status: 500, times: 100 });
    await expect(gen.run(PLAN, env)).rejects.toThrow(/GET Secret kasm\/kasm-secrets failed after 5 attempts: HTTP 500/);
  });

  test('f) a wrong token and an untrusted server fail clearly, without retrying forever', async () => {
    await expect(gen.run(PLAN, { ...env, KASM_GENERATOR_TOKEN_FILE: write('bad-token', 'nope') })).rejects.toThrow(/HTTP 401.*token was rejected/);
    const otherCa = write('other-ca.pem', gen.createCa({ commonName: 'other', validityDays: 1 }).certPem);
    api.requests.length = 0;
    await expect(gen.run(PLAN, { ...env, KASM_GENERATOR_CA_FILE: otherCa })).rejects.toThrow(/GET Secret kasm\/kasm-secrets failed: .*(certificate|verify)/i);
    expect(api.requests).toHaveLength(0);
    await expect(gen.run(PLAN, { ...env, KASM_GENERATOR_TOKEN_FILE: path.join(tmp, 'missing') })).rejects.toThrow(/cannot read the service account token/);
  });

  test('f) failures are typed: the verb, the Secret and the status are fields, not only words', async () => {
    api.faults.push({ method: 'POST', name: 'kasm-secrets', status: 403 });
    const denied = await gen.run({ ...PLAN, ca: null, certificates: null }, env).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(KubeApiError);
    expect(denied).toMatchObject({ verb: 'create', namespace: 'kasm', secretName: 'kasm-secrets', status: 403, attempts: 1 });
    api.faults.push({ method: 'GET', name: 'kasm-secrets', status: 503, times: 100 });
    const unavailable = await gen.run({ ...PLAN, ca: null, certificates: null }, env).catch((e: unknown) => e);
    expect(unavailable).toMatchObject({ verb: 'get', secretName: 'kasm-secrets', status: 503, attempts: 5 });
  });

  test('d3) under an intermediate CA, a new leaf carries the chain and verifies against the root alone', async () => {
    const cnf = (name: string, text: string) => write(name, text);
    const ossl = (...args: string[]) => {
      const res = openssl(...args);
      if (res.status !== 0) throw new Error(res.stderr);
    };
    const rootKey = path.join(tmp, 'root.key');
    const rootPem = path.join(tmp, 'root.pem');
    ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', rootKey, '-out', rootPem, '-subj', '/CN=root-ca', '-days', '2',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    const intKey = path.join(tmp, 'int.key');
    ossl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', intKey, '-out', path.join(tmp, 'int.csr'), '-subj', '/CN=intermediate-ca');
    const intPem = path.join(tmp, 'int.pem');
    ossl('x509', '-req', '-in', path.join(tmp, 'int.csr'), '-CA', rootPem, '-CAkey', rootKey, '-set_serial', '7', '-days', '2', '-out', intPem,
      '-extfile', cnf('int.cnf', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n'));
    const intermediate = { certPem: fs.readFileSync(intPem, 'utf8'), keyPem: fs.readFileSync(intKey, 'utf8') };
    api.put(tlsSecret('kasm-internal-ca', intermediate, fs.readFileSync(rootPem, 'utf8')));
    const summary = await gen.run({ ...PLAN, credentials: null, certificates: [PLAN.certificates![1]] }, env);
    expect(summary).toEqual([
      { secret: 'kasm-internal-ca', action: 'unchanged' },
      { secret: 'kasm-proxy-tls', action: 'created', keys: ['tls.crt', 'tls.key', 'ca.crt'] },
    ]);
    const stored = api.secrets.get('kasm-proxy-tls');
    const chain = decode(stored.data['tls.crt']);
    expect(chain.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(chain.endsWith(intermediate.certPem)).toBe(true);
    expect(decode(stored.data['ca.crt'])).toBe(fs.readFileSync(rootPem, 'utf8'));
    const leaf = new crypto.X509Certificate(chain);
    expect(leaf.issuer).toBe('CN=intermediate-ca');
    expect(leaf.checkIssued(new crypto.X509Certificate(intermediate.certPem))).toBe(true);
    const verdict = openssl('verify', '-x509_strict', '-CAfile', rootPem, '-untrusted', intPem, write('chain-leaf.pem', leaf.toString()));
    expect(verdict.stdout.trim()).toMatch(/: OK$/);
  });

  test('g) nothing secret is logged', async () => {
    await gen.run(PLAN, env);
    const output = logged.join('\n');
    expect(output).not.toMatch(/PRIVATE KEY|BEGIN/);
    for (const secret of api.secrets.values()) {
      for (const value of Object.values<string>(secret.data)) {
        expect(output).not.toContain(value);
        const plain = decode(value);
        expect(output).not.toContain(plain.slice(0, 40));
        for (const line of plain.split('\n').filter((l) => l.length > 16)) expect(output).not.toContain(line);
      }
    }
    expect(logged).toHaveLength(4);
  });

  test('the CLI exits 0 on success and 1 with one readable line on failure', async () => {
    seedCa();
    const planFile = write('plan.json', JSON.stringify({ ...PLAN, credentials: null, certificates: [] }));
    const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env.PATH, ...env, ...extra } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      });
    });
    const ok = await cli([planFile]);
    expect(ok).toEqual({ code: 0, stdout: expect.stringContaining('kasm/kasm-internal-ca: exists, left unchanged'), stderr: '' });

    api.faults.push({ method: 'GET', status: 403 });
    const denied = await cli([planFile]);
    expect(denied.code).toBe(1);
    expect(denied.stderr.trim().split('\n')).toHaveLength(1);
    expect(denied.stderr).toMatch(/^secret-generator: GET Secret kasm\/kasm-internal-ca failed: HTTP 403/);

    const missing = await cli([path.join(tmp, 'no-plan.json')]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read the plan') });
    const debug = await cli([path.join(tmp, 'no-plan.json')], { KASM_GENERATOR_DEBUG: '1' });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('validatePlan', () => {
  test('accepts the documented shape and rejects what the script cannot honour', () => {
    expect(gen.validatePlan(PLAN)).toBe(PLAN);
    expect(gen.validatePlan({ namespace: 'kasm', credentials: null, ca: null, certificates: null })).toBeTruthy();
    expect(() => gen.validatePlan({ ...PLAN, ca: null })).toThrow(/certificates need a ca/);
    expect(() => gen.validatePlan({ ...PLAN, namespace: 'Kasm' })).toThrow(/namespace/);
    expect(() => gen.validatePlan({ ...PLAN, credentials: { secretName: 'x', keys: ['a b'] } })).toThrow(/invalid key/);
    expect(() => gen.validatePlan({ ...PLAN, certificates: [{ ...PLAN.certificates![0], secretName: 'kasm-secrets' }] })).toThrow(/used twice/);
    expect(() => gen.validatePlan({ ...PLAN, certificates: [{ ...PLAN.certificates![0], validityDays: 0 }] })).toThrow(/validityDays/);
  });

  test('a rejected plan is an InvalidPlanError whose problem names the field', () => {
    const error = (() => {
      try {
        return gen.validatePlan({ ...PLAN, mirrors: [{ namespace: 'database', secretName: 'copy', username: 'u', fromKey: 'nope' }] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidPlanError);
    expect(error).toMatchObject({ problem: 'mirrors[0].fromKey must be one of credentials.keys' });
  });
});

describe('name constraints on the internal CA', () => {
  test('the minimal subtrees: a name permits itself and every name with more labels on the left', () => {
    expect(gen.permittedSubtrees(['kasm-db', 'kasm-db.kasm', 'kasm-db.kasm.svc', 'kasm.example.com', 'www.kasm.example.com', 'kasm-api']))
      .toEqual(['kasm-api', 'kasm-db', 'kasm-db.kasm', 'kasm-db.kasm.svc', 'kasm.example.com']);
  });

  test('the CA carries critical name constraints; leaves inside verify, a leaf outside does not', () => {
    const ca = gen.createCa({ commonName: 'kasm-internal-ca', validityDays: 30, permittedDnsNames: ['kasm-proxy', 'kasm-proxy.kasm.svc', 'kasm.example.com'] });
    const text = openssl('x509', '-noout', '-text', '-in', write('nc-ca.pem', ca.certPem)).stdout;
    expect(text).toMatch(/X509v3 Name Constraints: critical\s+Permitted:\s+DNS:kasm-proxy\s+DNS:kasm-proxy\.kasm\.svc\s+DNS:kasm\.example\.com/);
    const inside = gen.issueCertificate({ ca, commonName: 'kasm-proxy', dnsNames: ['kasm-proxy', 'kasm-proxy.kasm.svc', 'desktops.kasm.example.com'], validityDays: 10 });
    expect(openssl('verify', '-x509_strict', '-CAfile', write('nc-ca2.pem', ca.certPem), write('nc-in.pem', inside.certPem)).status).toBe(0);
    const outside = gen.issueCertificate({ ca, commonName: 'bank.example.org', dnsNames: ['bank.example.org'], validityDays: 10 });
    const verdict = openssl('verify', '-x509_strict', '-CAfile', write('nc-ca3.pem', ca.certPem), write('nc-out.pem', outside.certPem));
    expect(verdict.status).not.toBe(0);
    expect(verdict.stdout + verdict.stderr).toMatch(/permitted subtree violation/);
  });
});

describe('a constrained CA and names it was not made for', () => {
  test('issuing a leaf outside the constraints fails with the way out, instead of a leaf no client accepts', async () => {
    const ca = gen.createCa({ commonName: 'kasm-internal-ca', validityDays: 30, permittedDnsNames: ['kasm-proxy', 'old.example.com'] });
    expect(gen.permittedDnsOf(new crypto.X509Certificate(ca.certPem).raw)).toEqual(['kasm-proxy', 'old.example.com']);
    expect(gen.permittedDnsOf(new crypto.X509Certificate(sharedCa.certPem).raw)).toBeNull();
  });
});
