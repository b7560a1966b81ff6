/**
 * Synth-time checks of user input, shared by every construct.
 *
 * A bad prop must stop synth with a message that names the construct, the prop, the value received and what is
 * accepted, instead of producing a manifest the API server (or worse, Kasm at runtime) rejects later.
 */
import { Size, SizeRoundingBehavior } from 'cdk8s';

import { durationSpelled, KasmConfigError, ProblemPart, show, sizeSpelled } from './config-error';

export { KasmConfigError, show } from './config-error';

/** Throw a {@link KasmConfigError} with its fields: the owner, the prop, the value and the problem. */
export function fail(owner: string, prop: string, value: unknown, problem: string | readonly ProblemPart[]): never {
  throw new KasmConfigError({ owner, prop, value, problem: typeof problem === 'string' ? [problem] : problem });
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A Kubernetes object name of the DNS-label kind (namespaces, Services, most names we create). */
export function assertDnsLabel(owner: string, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 63 || !DNS_LABEL.test(value)) {
    fail(owner, prop, value, 'is not a valid Kubernetes name (lowercase letters, digits and \'-\', starting and ending '
      + 'with a letter or digit, at most 63 characters)');
  }
}

/** A Kubernetes object name of the DNS-subdomain kind (StorageClasses, Secrets, ConfigMaps). */
export function assertDnsSubdomain(owner: string, prop: string, value: string): void {
  const ok = typeof value === 'string' && value.length > 0 && value.length <= 253
    && value.split('.').every((label) => DNS_LABEL.test(label));
  if (!ok) {
    fail(owner, prop, value, 'is not a valid Kubernetes name (lowercase letters, digits, \'-\' and \'.\', each part '
      + 'starting and ending with a letter or digit, at most 253 characters)');
  }
}

/** A fully qualified host name as an Ingress rule accepts it (no wildcard, no port, no scheme). */
export function assertHostname(owner: string, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    fail(owner, prop, value, 'is empty; pass the host name users type in the browser, e.g. \'kasm.example.com\'');
  }
  const hint = 'is not a valid host name (lowercase DNS labels of letters, digits and \'-\' separated by dots, '
    + 'each label at most 63 and the whole name at most 253 characters, no scheme, port, path or wildcard), '
    + 'e.g. \'kasm.example.com\'';
  if (value.length > 253 || /^[0-9.]+$/.test(value)) fail(owner, prop, value, hint);
  const labels = value.split('.');
  if (!labels.every((label) => label.length <= 63 && DNS_LABEL.test(label))) fail(owner, prop, value, hint);
}

/** An integer in a closed range. */
export function assertInteger(owner: string, prop: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(owner, prop, value, `is not accepted; pass a whole number from ${min} to ${max}`);
  }
}

/** One of a fixed set of values. */
export function assertOneOf<T>(owner: string, prop: string, value: T, accepted: readonly T[]): void {
  if (!accepted.includes(value)) {
    fail(owner, prop, value, `is not one of ${accepted.map(show).join(', ')}`);
  }
}

const QUANTITY = /^([0-9]+(\.[0-9]+)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e[0-9]+|E[0-9]+)?$/;
const BINARY = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 } as Record<string, number>;
const DECIMAL = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 } as Record<string, number>;

/** The numeric value of a Kubernetes quantity (assumed syntactically valid). */
export function quantityValue(q: string): number {
  const m = /^([0-9.]+)(.*)$/.exec(q)!;
  const num = Number(m[1]);
  const suffix = m[2];
  if (suffix in BINARY) return num * BINARY[suffix];
  if (suffix in DECIMAL) return num * DECIMAL[suffix];
  return num * 10 ** Number(suffix.slice(1));
}

/** A CPU quantity such as '250m' or '1.5'. */
export function assertCpu(owner: string, prop: string, value: string): void {
  if (typeof value !== 'string' || !QUANTITY.test(value) || quantityValue(value) <= 0) {
    fail(owner, prop, value, 'is not a CPU quantity; pass millicores like \'250m\' or cores like \'1\' or \'1.5\'');
  }
  if (quantityValue(value) < 0.001) fail(owner, prop, value, 'is below 1m, the smallest CPU amount Kubernetes schedules');
}

/** A memory or storage quantity such as '512Mi' or '2Gi'. */
export function assertMemory(owner: string, prop: string, value: string): void {
  if (typeof value !== 'string' || !QUANTITY.test(value) || quantityValue(value) <= 0) {
    fail(owner, prop, value, 'is not a memory quantity; pass bytes with a binary suffix like \'512Mi\' or \'2Gi\'');
  }
  if (value.endsWith('m')) {
    fail(owner, prop, value, `means ${quantityValue(value)} bytes ('m' is milli); did you mean '${value.slice(0, -1)}Mi'?`);
  }
  if (quantityValue(value) < 1024 * 1024) {
    fail(owner, prop, value, 'is below 1Mi; pass bytes with a binary suffix like \'512Mi\' or \'2Gi\'');
  }
}

/** A request must not exceed its limit, or the API server rejects the pod. */
export function assertRequestWithinLimit(owner: string, prop: string, request: string, limit: string): void {
  if (quantityValue(request) > quantityValue(limit)) {
    fail(owner, prop, `${request} > ${limit}`, 'is not accepted: the request must not exceed the limit');
  }
}

/** An IPv4 CIDR such as '10.0.0.0/8'. */
export function assertCidr(owner: string, prop: string, value: string): void {
  const m = typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value) : null;
  const ok = m !== null && m.slice(1, 5).every((o) => Number(o) <= 255 && String(Number(o)) === o) && Number(m[5]) <= 32;
  if (!ok) fail(owner, prop, value, 'is not an IPv4 CIDR; pass an address and prefix length like \'192.168.10.0/24\'');
  const [a, b, c, d] = m!.slice(1, 5).map(Number);
  const prefix = Number(m![5]);
  const addr = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  if ((addr & mask) >>> 0 !== addr) {
    fail(owner, prop, value, 'has host bits set after the prefix; pass the network address (e.g. \'192.168.10.0/24\')');
  }
}

/** A plain IPv4 address such as '10.43.0.10'. */
export function assertIpv4(owner: string, prop: string, value: string): void {
  const m = typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value) : null;
  if (!m || !m.slice(1).every((o) => Number(o) <= 255 && String(Number(o)) === o)) {
    fail(owner, prop, value, 'is not an IPv4 address; pass the cluster DNS Service IP, e.g. \'10.43.0.10\'');
  }
}

/** Names must be unique within a list. */
export function assertUnique(owner: string, prop: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) fail(owner, prop, v, 'appears more than once');
    seen.add(v);
  }
}

/** A zone name as Kasm shows it in the admin UI and as env values carry it. */
export function assertZoneName(owner: string, prop: string, value: string): void {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$/.test(value)) {
    fail(owner, prop, value, 'is not a zone name (1 to 63 letters, digits, spaces, \'_\', \'.\' or \'-\', starting with a letter or digit)');
  }
}

/** Longest instance name: the longest derived Job name (`<name>-secret-generator-<6-digit digest>`) must fit 63. */
export const MAX_INSTANCE_NAME_LENGTH = 39;

/** An instance name, which prefixes object names and label values. */
export function assertInstanceName(owner: string, prop: string, value: string): void {
  assertDnsLabel(owner, prop, value);
  if (value.length > MAX_INSTANCE_NAME_LENGTH) {
    fail(owner, prop, value, `is too long: object names derived from it must fit 63 characters; pass at most ${MAX_INSTANCE_NAME_LENGTH} characters`);
  }
}

/** A container registry prefix: host, optional port and path ('registry.example.com:5000/kasm'). */
export function assertRegistry(owner: string, prop: string, value: string): void {
  if (typeof value !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9._-]+)*$/.test(value)) {
    fail(owner, prop, value, 'is not a registry host; pass a lowercase host name with optional port and path and no scheme, '
      + 'e.g. \'registry.example.com:5000/kasm\'');
  }
  const port = /:(\d+)/.exec(value)?.[1];
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) {
    fail(owner, prop, value, `has port ${port}, outside 1-65535`);
  }
}

/** A label key (optional DNS-subdomain prefix and a name part) and value, as the API server accepts them. */
export function assertLabels(owner: string, prop: string, labels: Readonly<Record<string, string>>): void {
  const namePart = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
  for (const [key, value] of Object.entries(labels)) {
    const [prefix, name] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    const prefixOk = prefix === undefined || (prefix.length <= 253 && prefix.split('.').every((l) => DNS_LABEL.test(l)));
    if (!prefixOk || !namePart.test(name) || key.split('/').length > 2) {
      fail(owner, `${prop} key`, key, 'is not a valid label key (an optional DNS-subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' or \'.\')');
    }
    if (typeof value !== 'string' || (value !== '' && !namePart.test(value))) {
      fail(owner, `${prop}['${key}']`, value, 'is not a valid label value (at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending alphanumeric)');
    }
  }
}

/** A duration in whole seconds within a range. */
export function assertWholeSeconds(owner: string, prop: string, seconds: number, min: number, max: number): void {
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    fail(owner, prop, `${seconds}s`, `is not accepted; pass whole seconds from ${min} to ${max}`);
  }
}

/**
 * A props object as plain-data callers (a values file, JavaScript) might pass it: `undefined` is fine for
 * all-optional props, anything else must be an object, so `props.x` never throws a TypeError inside the library.
 */
export function assertPlainObject(owner: string, prop: string, value: unknown, required = false): void {
  if (value === undefined && !required) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(owner, prop, value, 'is not accepted; pass an object of named settings');
  }
}

/** An array of values, for plain-data callers who might pass a single string where a list goes. */
export function assertArray(owner: string, prop: string, value: unknown): void {
  if (!Array.isArray(value)) fail(owner, prop, value, 'is not a list; pass an array, e.g. [\'a\', \'b\']');
}

/** A boolean flag. */
export function assertBoolean(owner: string, prop: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') fail(owner, prop, value, 'is not accepted; pass true or false');
}

/** Whether the IPv4 address `ip` lies inside `cidr` (both assumed valid). */
export function cidrContainsIp(cidr: string, ip: string): boolean {
  const toNumber = (a: string) => a.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const [net, bits] = cidr.split('/');
  const prefix = Number(bits);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return ((toNumber(net) & mask) >>> 0) === ((toNumber(ip) & mask) >>> 0);
}

/** A cdk8s Duration (plain-data callers may pass a number or a string instead). */
export function assertDuration(owner: string, prop: string, value: unknown): void {
  const ok = value !== null && typeof value === 'object' && typeof (value as { toSeconds?: unknown }).toSeconds === 'function'
    && typeof (value as { toMilliseconds?: unknown }).toMilliseconds === 'function';
  if (!ok) fail(owner, prop, value, ['is not a Duration; use ', durationSpelled(30, 'm')]);
  const ms = (value as { toMilliseconds(): number }).toMilliseconds();
  if (!Number.isFinite(ms) || ms <= 0) fail(owner, prop, `${ms}ms`, 'is not accepted; pass a positive, finite duration');
}

/** A cdk8s Size. */
export function assertSize(owner: string, prop: string, value: unknown): void {
  const ok = value !== null && typeof value === 'object' && typeof (value as { toMebibytes?: unknown }).toMebibytes === 'function';
  if (!ok) fail(owner, prop, value, ['is not a Size; use ', sizeSpelled(10, 'Gi')]);
}

/**
 * A cdk8s Size for a volume: at least 1Gi (smaller volumes cannot hold what Kasm writes). Returns it in mebibytes.
 * `why` completes "is below 1Gi" for the volume at hand, `example` is the Size to suggest.
 */
export function assertVolumeSize(owner: string, prop: string, value: unknown, exampleGi: number, why = ''): number {
  assertSize(owner, prop, value);
  const mi = (value as Size).toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!(mi >= 1024)) fail(owner, prop, `${mi}Mi`, [`is below 1Gi${why}; pass e.g. `, sizeSpelled(exampleGi, 'Gi')]);
  return mi;
}

/** A list of strings, each checked by `each` (plain-data callers may pass one string where a list goes). */
export function assertStringList(owner: string, prop: string, value: unknown, each: (owner: string, prop: string, item: string) => void): void {
  if (!Array.isArray(value)) fail(owner, prop, value, 'is not a list; pass an array, e.g. [\'a\', \'b\']');
  value.forEach((item, i) => {
    if (typeof item !== 'string') fail(owner, `${prop}[${i}]`, item, 'is not a string');
    each(owner, `${prop}[${i}]`, item);
  });
}

/** Namespaces the cluster owns; a Kasm install there would mix with system pods and their policies. */
export const RESERVED_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** A namespace Kasm may be installed into: a DNS label that is not one of the cluster's own. */
export function assertKasmNamespace(owner: string, prop: string, value: string): void {
  assertDnsLabel(owner, prop, value);
  if (RESERVED_NAMESPACES.includes(value)) {
    fail(owner, prop, value, `is reserved for the cluster (${RESERVED_NAMESPACES.map(show).join(', ')}); Kasm gets a namespace of its own, e.g. 'kasm'`);
  }
}

const CRON_FIELDS: readonly { readonly name: string; readonly min: number; readonly max: number; readonly names?: readonly string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];
const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** A CronJob schedule as Kubernetes parses it: five fields (numbers, names, ranges, lists, steps) or a macro. */
export function assertCron(owner: string, prop: string, value: string): void {
  const hint = 'is not cron syntax; pass five fields (minute hour day-of-month month day-of-week), e.g. \'0 2 * * *\', or a macro such as \'@daily\'';
  if (typeof value !== 'string') fail(owner, prop, value, hint);
  if (CRON_MACROS.includes(value.trim())) return;
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5) fail(owner, prop, value, hint);
  fields.forEach((field, i) => {
    const spec = CRON_FIELDS[i];
    const num = (t: string) => {
      const n = spec.names?.indexOf(t.toLowerCase()) ?? -1;
      const v = n >= 0 ? n + (spec.name === 'month' ? 1 : 0) : /^\d+$/.test(t) ? Number(t) : NaN;
      if (!(v >= spec.min && v <= spec.max)) fail(owner, prop, value, `has ${JSON.stringify(t)} in the ${spec.name} field, outside ${spec.min}-${spec.max}`);
      return v;
    };
    for (const part of field.split(',')) {
      const [range, step] = part.split('/');
      if (step !== undefined && !/^[1-9]\d*$/.test(step)) fail(owner, prop, value, hint);
      if (range === '*' || range === '?') continue;
      const [a, b] = range.split('-');
      if (a === undefined || a === '' || (b !== undefined && b === '')) fail(owner, prop, value, hint);
      const lo = num(a);
      if (b !== undefined && num(b) < lo) fail(owner, prop, value, `has the range ${JSON.stringify(range)} backwards in the ${spec.name} field`);
    }
  });
}
