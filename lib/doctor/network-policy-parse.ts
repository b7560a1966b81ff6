/**
 * NetworkPolicy manifests read into a checked model (private to the doctor), and the primitives that model needs:
 * label selectors and IPv4 CIDRs. A manifest the API server would reject makes `parsePolicy` throw, so a broken
 * policy cannot pass for a deny; `NetworkPolicyModel` evaluates what this file parses.
 */

/** The L4 protocols NetworkPolicy can match. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** A Kubernetes label selector (matchLabels AND matchExpressions). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Every protocol a NetworkPolicy port may name. */
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * Whether `labels` satisfy `selector`, with Kubernetes semantics.
 *
 * Exported because tests also need selector matching for Services and PodDisruptionBudgets. An empty selector
 * (`{}`) matches everything; `NotIn` and `DoesNotExist` match when the key is absent.
 */
export function matchesSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[expr.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[expr.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`unknown label selector operator '${expr.operator}'`);
    }
  }
  return true;
}

/** Parses a dotted-quad IPv4 address to an unsigned 32-bit number; throws on IPv6 or malformed input. */
export function parseIpv4(ip: string): number {
  if (ip.includes(':')) {
    throw new Error(`IPv6 address '${ip}' is not supported by this NetworkPolicy model (IPv4 only)`);
  }
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) throw new Error(`'${ip}' is not a valid IPv4 address`);
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) throw new Error(`'${ip}' is not a valid IPv4 address`);
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

/** An IPv4 CIDR, parsed: its text, network address and prefix length. */
export interface Cidr {
  text: string;
  network: number;
  prefix: number;
}

/** Parse 'a.b.c.d/n'; throws on anything else. */
export function parseCidr(cidr: string): Cidr {
  const slash = cidr.indexOf('/');
  if (slash < 0) throw new Error(`'${cidr}' is not a CIDR (missing '/prefix')`);
  const addr = parseIpv4(cidr.slice(0, slash));
  const prefixText = cidr.slice(slash + 1);
  if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
    throw new Error(`'${cidr}' has an invalid prefix length`);
  }
  const prefix = Number(prefixText);
  return { text: cidr, network: (addr & maskOf(prefix)) >>> 0, prefix };
}

/** The netmask of a prefix length. */
export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Whether an address (as a number) lies inside a parsed CIDR. */
export function cidrHas(cidr: Cidr, ip: number): boolean {
  return ((ip & maskOf(cidr.prefix)) >>> 0) === cidr.network;
}

/** Whether an IPv4 address lies inside an IPv4 CIDR; exported so tests can reason about ipBlocks directly. */
export function ipv4InCidr(ip: string, cidr: string): boolean {
  return cidrHas(parseCidr(cidr), parseIpv4(ip));
}

/** One `from`/`to` element of a rule: selectors, or an ipBlock. */
export interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: Cidr; except: Cidr[] };
}

/** One `ports` element of a rule. */
export interface PortSpec {
  protocol: Protocol;
  port?: number | string;
  endPort?: number;
}

/** One ingress or egress rule. */
export interface Rule {
  /** undefined = every peer (the field was missing or empty). */
  peers?: Peer[];
  /** undefined = every port (the field was missing or empty). */
  ports?: PortSpec[];
}

/** A NetworkPolicy as the model evaluates it. */
export interface Policy {
  id: string;
  namespace: string;
  podSelector: LabelSelector;
  ingressIsolating: boolean;
  egressIsolating: boolean;
  ingress: Rule[];
  egress: Rule[];
}

/** The objects of a manifest set, with `*List` objects unpacked. */
export function flatten(manifests: any[]): any[] {
  const out: any[] = [];
  for (const m of manifests) {
    if (!m || typeof m !== 'object') continue;
    if (typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items)) {
      out.push(...flatten(m.items));
    } else {
      out.push(m);
    }
  }
  return out;
}

/** One NetworkPolicy manifest, checked and with API defaulting applied. */
export function parsePolicy(m: any): Policy {
  const namespace: string = m.metadata?.namespace ?? 'default';
  const id = `${namespace}/${m.metadata?.name ?? '?'}`;
  const fail = (msg: string): never => {
    throw new Error(`NetworkPolicy ${id}: ${msg}`);
  };
  const spec = m.spec ?? {};
  const ingressList: any[] = spec.ingress ?? [];
  const egressList: any[] = spec.egress ?? [];
  // API defaulting: an empty/missing policyTypes means Ingress, plus Egress when spec.egress has rules.
  let types: string[] = spec.policyTypes ?? [];
  if (types.length === 0) types = egressList.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const t of types) if (t !== 'Ingress' && t !== 'Egress') fail(`unknown policyType '${t}'`);
  const cidrAt = (text: unknown, where: string): Cidr => {
    if (typeof text !== 'string') return fail(`${where}: must be a CIDR string`);
    try {
      return parseCidr(text);
    } catch (err) {
      return fail(`${where}: ${(err as Error).message}`);
    }
  };
  const selector = (s: any, where: string): LabelSelector => {
    const sel: LabelSelector = s ?? {};
    for (const e of sel.matchExpressions ?? []) {
      if (!SELECTOR_OPERATORS.includes(e.operator)) fail(`${where}: unknown operator '${e.operator}'`);
      const n = e.values?.length ?? 0;
      if ((e.operator === 'In' || e.operator === 'NotIn') && n === 0) fail(`${where}: ${e.operator} needs values`);
      if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && n > 0) {
        fail(`${where}: ${e.operator} must not have values`);
      }
    }
    return sel;
  };
  const parseRule = (r: any, where: string, peerField: 'from' | 'to'): Rule => {
    const rawPeers: any[] = r?.[peerField] ?? [];
    const rawPorts: any[] = r?.ports ?? [];
    const peers = rawPeers.map((p, i): Peer => {
      const at = `${where}.${peerField}[${i}]`;
      const hasSelector = p.podSelector != null || p.namespaceSelector != null;
      if (p.ipBlock != null) {
        if (hasSelector) fail(`${at}: ipBlock cannot be combined with podSelector/namespaceSelector`);
        const cidr = cidrAt(p.ipBlock.cidr, `${at}.ipBlock.cidr`);
        const except = ((p.ipBlock.except ?? []) as unknown[]).map((e, j) => {
          const ex = cidrAt(e, `${at}.ipBlock.except[${j}]`);
          if (ex.prefix <= cidr.prefix || !cidrHas(cidr, ex.network)) {
            fail(`${at}.ipBlock.except[${j}]: '${ex.text}' must be a strict subset of cidr '${cidr.text}'`);
          }
          return ex;
        });
        return { ipBlock: { cidr, except } };
      }
      if (!hasSelector) fail(`${at}: must specify a peer (podSelector, namespaceSelector or ipBlock)`);
      return {
        podSelector: p.podSelector == null ? undefined : selector(p.podSelector, `${at}.podSelector`),
        namespaceSelector: p.namespaceSelector == null
          ? undefined : selector(p.namespaceSelector, `${at}.namespaceSelector`),
      };
    });
    const ports = rawPorts.map((p, i): PortSpec => {
      const at = `${where}.ports[${i}]`;
      const protocol: Protocol = p.protocol ?? 'TCP';
      if (!PROTOCOLS.includes(protocol)) fail(`${at}: unknown protocol '${p.protocol}'`);
      const port = p.port;
      if (port !== undefined && typeof port !== 'number' && typeof port !== 'string') fail(`${at}: invalid port`);
      if (typeof port === 'number' && (!Number.isInteger(port) || port < 1 || port > 65535)) {
        fail(`${at}: port ${port} out of range`);
      }
      if (p.endPort !== undefined) {
        if (typeof port !== 'number') fail(`${at}: endPort requires a numeric port`);
        if (typeof p.endPort !== 'number' || p.endPort < port || p.endPort > 65535) {
          fail(`${at}: endPort ${p.endPort} must be between port ${port} and 65535`);
        }
      }
      return { protocol, port, endPort: p.endPort };
    });
    return { peers: peers.length > 0 ? peers : undefined, ports: ports.length > 0 ? ports : undefined };
  };
  return {
    id,
    namespace,
    podSelector: selector(spec.podSelector, 'spec.podSelector'),
    ingressIsolating: types.includes('Ingress'),
    egressIsolating: types.includes('Egress'),
    ingress: ingressList.map((r, i) => parseRule(r, `ingress[${i}]`, 'from')),
    egress: egressList.map((r, i) => parseRule(r, `egress[${i}]`, 'to')),
  };
}
