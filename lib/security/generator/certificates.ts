/** The internal CA Secret (created once, never touched again) and the leaf TLS Secrets it signs. */
import { b64, GENERATED_BY_ANNOTATION, GENERATED_BY_VALUE, GeneratorSummaryEntry, Log, newSecret, TLS_KEYS } from './generated-secret';
import type { Secret, SecretsApi } from './kube-client';
import { namesOutside } from './names';
import type { GeneratorCertificate, GeneratorPlan } from './plan';
import { createCa, issueCertificate, PemPair } from './x509';
import { certificateDer, dnsNamesOf, inspectCertificate, permittedDnsOf } from './x509-read';

type CaPlan = NonNullable<GeneratorPlan['ca']>;

/** The CA the leaves are signed with, or why the stored one cannot sign; `label` names its Secret. */
export type CaSource =
  | { readonly label: string; readonly certPem: string; readonly keyPem: string; readonly trustPem: string }
  | { readonly label: string; readonly unusable: string };

function caFromSecret(secret: Secret, label: string): CaSource {
  const data = secret.data ?? {};
  const decode = (k: string) => (data[k] ? Buffer.from(data[k], 'base64').toString('utf8') : null);
  const certPem = decode('tls.crt');
  const keyPem = decode('tls.key');
  if (!certPem || !keyPem) return { label, unusable: `CA Secret ${label} has no ${certPem ? 'tls.key' : 'tls.crt'}` };
  return { label, certPem, keyPem, trustPem: decode('ca.crt') || certPem };
}

/** Creates the CA Secret, constrained to every leaf's names, unless one exists; returns the CA to sign with. */
export async function ensureCa(plan: GeneratorPlan, caPlan: CaPlan, api: SecretsApi, log: Log): Promise<{ entry: GeneratorSummaryEntry; ca: CaSource }> {
  const { secretName, commonName, validityDays } = caPlan;
  const label = `${plan.namespace}/${secretName}`;
  const existing = await api.get(secretName);
  if (existing) {
    log(`${label}: exists, left unchanged`);
    return { entry: { secret: secretName, action: 'unchanged' }, ca: caFromSecret(existing, label) };
  }
  const permittedDnsNames = (plan.certificates ?? []).flatMap((c) => c.dnsNames);
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

/** A constrained CA cannot vouch for names it was not made for: say so, with the way out, instead of a leaf no client accepts. */
function assertWithinConstraints(ca: PemPair & { label: string }, label: string, dnsNames: readonly string[]): void {
  const outside = namesOutside(permittedDnsOf(certificateDer(ca.certPem)), dnsNames);
  if (outside.length > 0) {
    throw new Error(`cannot issue ${label}: ${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside the name constraints of the CA in ${ca.label} `
      + '(it was made for other host names or another namespace); delete that CA Secret and every generated *-tls Secret, '
      + 're-run this Job, and trust the new CA');
  }
}

/** Why an existing leaf must be re-issued (its names no longer match the plan), or null to leave it alone. */
function driftOf(existing: Secret, cert: GeneratorCertificate): string | null {
  // Only our own leaves: a certificate someone else put there is theirs.
  if (existing.metadata.annotations?.[GENERATED_BY_ANNOTATION] !== GENERATED_BY_VALUE) return null;
  const encoded = existing.data?.['tls.crt'];
  if (!encoded) return 'it has no tls.crt';
  let names: string[];
  try {
    names = dnsNamesOf(certificateDer(Buffer.from(encoded, 'base64').toString('utf8')));
  } catch {
    return 'its tls.crt cannot be read';
  }
  const want = [...new Set(cert.dnsNames)].sort();
  const have = [...new Set(names)].sort();
  if (want.length === have.length && want.every((n, i) => n === have[i])) return null;
  const added = want.filter((n) => !have.includes(n));
  const removed = have.filter((n) => !want.includes(n));
  return `its names changed (${[...added.map((n) => `+${n}`), ...removed.map((n) => `-${n}`)].join(', ')})`;
}

const leafOf = (ca: PemPair, cert: GeneratorCertificate): PemPair => issueCertificate({
  ca, commonName: cert.commonName, dnsNames: cert.dnsNames, ipAddresses: cert.ipAddresses ?? [], validityDays: cert.validityDays,
});

/** Creates a missing leaf, re-issues one of ours whose names drifted, and leaves every other one alone. */
export async function ensureCertificate(plan: GeneratorPlan, api: SecretsApi, cert: GeneratorCertificate, ca: CaSource, log: Log): Promise<GeneratorSummaryEntry> {
  const label = `${plan.namespace}/${cert.secretName}`;
  const existing = await api.get(cert.secretName);
  if (existing) {
    const drift = driftOf(existing, cert);
    if (!drift) {
      log(`${label}: exists, left unchanged`);
      return { secret: cert.secretName, action: 'unchanged' };
    }
    if ('unusable' in ca) throw new Error(`cannot re-issue ${label}: ${ca.unusable}`);
    assertWithinConstraints(ca, label, cert.dnsNames);
    const leaf = leafOf(ca, cert);
    const data = { 'tls.crt': b64(leaf.certPem), 'tls.key': b64(leaf.keyPem), 'ca.crt': b64(ca.trustPem) };
    if (await api.mergePatch(cert.secretName, { metadata: { resourceVersion: existing.metadata.resourceVersion }, data })) {
      log(`${label}: re-issued because ${drift}`);
      return { secret: cert.secretName, action: 'reissued', keys: [...TLS_KEYS] };
    }
    throw new Error(`Secret ${label} changed while it was being re-issued; retry the Job`);
  }
  if ('unusable' in ca) throw new Error(`cannot issue ${label}: ${ca.unusable}`);
  assertWithinConstraints(ca, label, cert.dnsNames);
  let leaf: PemPair;
  try {
    leaf = leafOf(ca, cert);
  } catch (e) {
    throw new Error(`cannot issue ${label} with the CA in ${ca.label}: ${(e as Error).message}`);
  }
  // A CA that is not self-issued is an intermediate: ship its chain so clients that trust only the root can verify.
  const chain = inspectCertificate(certificateDer(ca.certPem)).selfIssued
    ? leaf.certPem : `${leaf.certPem}${ca.certPem.endsWith('\n') ? ca.certPem : `${ca.certPem}\n`}`;
  const data = { 'tls.crt': b64(chain), 'tls.key': b64(leaf.keyPem), 'ca.crt': b64(ca.trustPem) };
  if (await api.create(newSecret(plan, cert.secretName, 'kubernetes.io/tls', data))) {
    log(`${label}: created (CN=${cert.commonName}, signed by ${ca.label})`);
    return { secret: cert.secretName, action: 'created', keys: [...TLS_KEYS] };
  }
  log(`${label}: exists (created concurrently), left unchanged`);
  return { secret: cert.secretName, action: 'unchanged' };
}
