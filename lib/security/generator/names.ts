/** Host names and addresses in certificates: SAN syntax, iPAddress octets and the internal CA's name constraints. */

const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Whether a dNSName SAN is well formed (one leading wildcard label allowed). */
export function isDnsName(name: unknown): name is string {
  return typeof name === 'string' && DNS_NAME.test(name);
}

/** iPAddress SAN octets (4 or 16) from IPv4 or IPv6 text, so API-style endpoints reached by IP can verify. */
export function parseIpAddress(text: string): Buffer {
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
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
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
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = Buffer.alloc(16);
  all.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  return bytes;
}

/**
 * The fewest dNSName subtrees that permit every name (RFC 5280 §4.2.1.10: a subtree also permits names with more
 * labels on the left), so the internal CA can only vouch for the deployment's own names.
 */
export function permittedSubtrees(names: readonly string[]): string[] {
  const unique = [...new Set(names.map((n) => n.toLowerCase()))]
    .sort((a, b) => a.split('.').length - b.split('.').length || (a < b ? -1 : 1));
  const kept: string[] = [];
  for (const name of unique) {
    if (!kept.some((k) => name === k || name.endsWith(`.${k}`))) kept.push(name);
  }
  return kept.sort();
}

/** Names a CA with `permitted` subtrees may not vouch for (null: the CA has no constraints). */
export function namesOutside(permitted: readonly string[] | null, names: readonly string[]): string[] {
  if (permitted === null) return [];
  return names.filter((n) => !permitted.some((s) => n.toLowerCase() === s || n.toLowerCase().endsWith(`.${s}`)));
}
