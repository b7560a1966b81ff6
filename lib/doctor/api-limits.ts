/**
 * The API server's limits on names, labels, ports and quantities, checked on synthesized objects: the JSON schemas
 * do not carry them, so without this a long instance name synthesizes fine and is rejected at `kubectl apply` (or,
 * worse, a Job is accepted and its pods are not, because the `job-name` label is longer than 63 characters).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** Longest `metadata.name` per kind, where it is tighter than the DNS-subdomain 253. */
const NAME_LIMITS: Record<string, { max: number; why: string; pattern?: RegExp }> = {
  Namespace: { max: 63, why: 'a namespace name is a DNS label', pattern: DNS_LABEL },
  Service: { max: 63, why: 'a Service name is a DNS-1035 label', pattern: DNS_1035_LABEL },
  Job: { max: 63, why: 'the Job controller copies the name into the `job-name` label of its pods' },
  CronJob: { max: 52, why: 'the CronJob controller appends an 11-character suffix to its Jobs' },
  StatefulSet: { max: 52, why: 'pods carry `controller-revision-hash: <name>-<10 characters>`' },
  Deployment: { max: 253, why: 'a DNS subdomain' },
};

/** Kubernetes' IsDNS1123Subdomain: at most 253 characters of dot-separated DNS labels (no per-label limit). */
function subdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((l) => DNS_LABEL.test(l));
}

function labelProblems(labels: Record<string, unknown> | undefined, at: string): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    const [prefix, name] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    if ((prefix !== undefined && !subdomain(prefix)) || !LABEL_NAME.test(name) || name.length > 63) out.push(`${at} key '${key}' is not a valid label key`);
    if (typeof value !== 'string' || value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
      out.push(`${at}['${key}'] = ${JSON.stringify(value)} is not a valid label value (at most 63 characters)`);
    }
  }
  return out;
}

/** A path into the spec as the messages print it (`spec.template.spec.containers[0].ports`), built only for a problem. */
type Path = readonly (string | number)[];
const pathText = (at: Path): string => at.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

const PORT_FIELDS = new Set(['port', 'containerPort', 'targetPort']);

function quantityProblem(at: Path, value: unknown, out: string[]): void {
  if (typeof value !== 'string' || !QUANTITY.test(value)) out.push(`${pathText(at)} = ${JSON.stringify(value)} is not a quantity`);
}

/**
 * One walk over a spec for the quantities (resource requests and limits, `sizeLimit`, `storage`) and the ports
 * (numbers in range, IANA names in every `ports` list). Why one: the spec is the bulk of a manifest, and the doctor
 * reads every manifest at every synth.
 */
function walkSpec(value: unknown, at: (string | number)[], out: string[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) { at.push(i); walkSpec(value[i], at, out); at.pop(); }
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    at.push(k);
    if ((k === 'requests' || k === 'limits') && v && typeof v === 'object') {
      for (const res of Object.keys(v)) { at.push(res); quantityProblem(at, (v as Record<string, unknown>)[res], out); at.pop(); }
    } else if (k === 'sizeLimit' || (k === 'storage' && typeof v === 'string')) {
      quantityProblem(at, v, out);
    } else if (PORT_FIELDS.has(k) && typeof v === 'number') {
      if (!(Number.isInteger(v) && v >= 1 && v <= 65535)) out.push(`${pathText(at)} = ${v} is not a port (1 to 65535)`);
    } else {
      if (k === 'ports' && Array.isArray(v)) {
        v.forEach((p: any, i: number) => {
          if (typeof p?.name === 'string' && (p.name.length > 15 || !IANA_SVC_NAME.test(p.name) || !/[a-z]/.test(p.name))) {
            out.push(`${pathText([...at, i])}.name '${p.name}' is not an IANA service name (at most 15 characters)`);
          }
        });
      }
      walkSpec(v, at, out);
    }
    at.pop();
  }
}

function podTemplateOf(m: any): any {
  if (m.kind === 'CronJob') return m.spec?.jobTemplate?.spec?.template;
  return ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(m.kind) ? m.spec?.template : undefined;
}

/** Every limit one manifest breaks, as readable lines. */
export function apiLimitProblems(m: any): string[] {
  const out: string[] = [];
  const name: unknown = m?.metadata?.name;
  const limit = NAME_LIMITS[m?.kind];
  if (typeof name !== 'string' || !subdomain(name)) out.push(`metadata.name ${JSON.stringify(name)} is not a DNS subdomain`);
  else if (limit && (name.length > limit.max || (limit.pattern && !limit.pattern.test(name)))) {
    out.push(`metadata.name '${name}' has ${name.length} characters; ${m.kind} names are limited to ${limit.max} (${limit.why})`);
  }
  out.push(...labelProblems(m?.metadata?.labels, 'metadata.labels'));
  const broken = notUnicodeAt(m, '');
  if (broken !== undefined) out.push(`${broken} holds text that is not valid Unicode (a lone surrogate), which cannot be written as UTF-8; check the prop it came from`);
  const template = podTemplateOf(m);
  if (template) {
    out.push(...labelProblems(template.metadata?.labels, 'template labels'));
    const spec = template.spec ?? {};
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      if (typeof c.name !== 'string' || c.name.length > 63 || !DNS_LABEL.test(c.name)) out.push(`container name '${c.name}' is not a DNS label`);
    }
    for (const v of spec.volumes ?? []) {
      if (typeof v.name !== 'string' || v.name.length > 63 || !DNS_LABEL.test(v.name)) out.push(`volume name '${v.name}' is not a DNS label`);
    }
  }
  walkSpec(m?.spec, ['spec'], out);
  return out;
}

/** Whether `s` has no lone surrogate (String.prototype.isWellFormed, spelled for older targets). */
const wellFormed = (s: string): boolean => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** The path of the first string in `v` (keys included) with a lone surrogate, which no UTF-8 file can hold. */
function notUnicodeAt(v: unknown, at: string): string | undefined {
  if (typeof v === 'string') return wellFormed(v) ? undefined : at || '(value)';
  if (v === null || typeof v !== 'object') return undefined;
  for (const [k, item] of Object.entries(v)) {
    const here = Array.isArray(v) ? `${at}[${k}]` : at ? `${at}.${k}` : k;
    if (!wellFormed(k)) return here;
    const found = notUnicodeAt(item, here);
    if (found !== undefined) return found;
  }
  return undefined;
}
