/**
 * The plan: the JSON file the construct writes and the Job reads (what to create in which namespace), and its
 * check, shared by both sides so synth fails with the words the Job would use.
 */

/** The JSON file the Job reads: what to create in which namespace. */
export interface GeneratorPlan {
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>> | null;
  readonly credentials?: { readonly secretName: string; readonly keys: readonly string[] } | null;
  readonly ca?: { readonly secretName: string; readonly commonName: string; readonly validityDays: number } | null;
  readonly certificates?: readonly GeneratorCertificate[] | null;
  /** Credentials copied into other namespaces as basic-auth Secrets (a database there reads its password). */
  readonly mirrors?: readonly GeneratorMirror[] | null;
}

/** One copy of a credential in another namespace. */
export interface GeneratorMirror {
  readonly namespace: string;
  readonly secretName: string;
  readonly username: string;
  /** Key of the credentials Secret whose value becomes `password`. */
  readonly fromKey: string;
}

/** One leaf `kubernetes.io/tls` Secret signed by the plan's CA. */
export interface GeneratorCertificate {
  readonly secretName: string;
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  /** Optional iPAddress SAN entries. */
  readonly ipAddresses?: readonly string[];
  readonly validityDays: number;
}

/** A plan the Job cannot carry out; the message names the field. */
export class InvalidPlanError extends Error {
  constructor(readonly problem: string) {
    super(`invalid plan: ${problem}`);
    this.name = 'InvalidPlanError';
  }
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isLabel = (v: unknown): boolean => typeof v === 'string' && v.length <= 63 && DNS1123_LABEL.test(v);
const isCommonName = (v: unknown): boolean => typeof v === 'string' && v.length >= 1 && v.length <= 64;
const isValidity = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((n) => typeof n === 'string');

function fail(problem: string): never {
  throw new InvalidPlanError(problem);
}

function checkSecretName(v: unknown, where: string): void {
  if (typeof v !== 'string' || v.length > 253 || !DNS1123_SUBDOMAIN.test(v)) fail(`${where} must be a DNS-1123 subdomain`);
}

function checkCredentials(credentials: unknown): void {
  if (!isObject(credentials)) fail('credentials must be an object or null');
  checkSecretName(credentials.secretName, 'credentials.secretName');
  const keys = credentials.keys;
  if (!Array.isArray(keys) || keys.length === 0) fail('credentials.keys must be a non-empty array');
  for (const k of keys) if (typeof k !== 'string' || k.length > 253 || !SECRET_KEY.test(k)) fail(`credentials.keys: invalid key ${JSON.stringify(k)}`);
  if (new Set(keys).size !== keys.length) fail('credentials.keys has duplicates');
}

function checkCa(ca: unknown): void {
  if (!isObject(ca)) fail('ca must be an object or null');
  checkSecretName(ca.secretName, 'ca.secretName');
  if (!isCommonName(ca.commonName)) fail('ca.commonName must be 1 to 64 characters');
  if (!isValidity(ca.validityDays)) fail('ca.validityDays must be a positive integer');
}

function checkMirrors(mirrors: unknown, credentialKeys: readonly unknown[] | null): void {
  if (!Array.isArray(mirrors)) fail('mirrors must be an array or null');
  if (mirrors.length > 0 && credentialKeys === null) fail('mirrors need credentials to copy from');
  mirrors.forEach((m: unknown, i) => {
    const where = `mirrors[${i}]`;
    if (!isObject(m)) fail(`${where} must be an object`);
    if (!isLabel(m.namespace)) fail(`${where}.namespace must be a DNS-1123 label`);
    checkSecretName(m.secretName, `${where}.secretName`);
    if (typeof m.username !== 'string' || m.username.length === 0) fail(`${where}.username must be a non-empty string`);
    if (!(credentialKeys ?? []).includes(m.fromKey)) fail(`${where}.fromKey must be one of credentials.keys`);
  });
}

function checkCertificate(c: unknown, where: string, names: Set<unknown>): void {
  if (!isObject(c)) fail(`${where} must be an object`);
  checkSecretName(c.secretName, `${where}.secretName`);
  if (names.has(c.secretName)) fail(`${where}.secretName ${String(c.secretName)} is used twice`);
  names.add(c.secretName);
  if (!isCommonName(c.commonName)) fail(`${where}.commonName must be 1 to 64 characters`);
  if (!isStrings(c.dnsNames)) fail(`${where}.dnsNames must be an array of strings`);
  if (c.ipAddresses != null && !isStrings(c.ipAddresses)) fail(`${where}.ipAddresses must be an array of strings`);
  if (c.dnsNames.length + (isStrings(c.ipAddresses) ? c.ipAddresses.length : 0) === 0) fail(`${where} needs at least one DNS name`);
  if (!isValidity(c.validityDays)) fail(`${where}.validityDays must be a positive integer`);
}

/** Fails early, naming the field, when a plan is not what the Job understands; returns it typed. */
export function validatePlan(plan: unknown): GeneratorPlan {
  if (!isObject(plan)) fail('not a JSON object');
  if (!isLabel(plan.namespace)) fail('namespace must be a DNS-1123 label');
  if (plan.labels != null) {
    if (!isObject(plan.labels)) fail('labels must be an object');
    for (const [k, v] of Object.entries(plan.labels)) if (typeof v !== 'string') fail(`labels.${k} must be a string`);
  }
  if (plan.credentials != null) checkCredentials(plan.credentials);
  if (plan.ca != null) checkCa(plan.ca);
  const credentials = plan.credentials as GeneratorPlan['credentials'];
  const ca = plan.ca as GeneratorPlan['ca'];
  if (plan.mirrors != null) checkMirrors(plan.mirrors, credentials ? credentials.keys : null);
  const certificates = plan.certificates == null ? [] : plan.certificates;
  if (!Array.isArray(certificates)) fail('certificates must be an array or null');
  if (certificates.length > 0 && ca == null) fail('certificates need a ca');
  const names = new Set<unknown>([credentials?.secretName, ca?.secretName].filter(Boolean));
  if (names.size !== [credentials, ca].filter((x) => x != null).length) fail('credentials and ca use the same Secret name');
  certificates.forEach((c: unknown, i) => checkCertificate(c, `certificates[${i}]`, names));
  return plan as unknown as GeneratorPlan;
}
