/**
 * DER (ITU-T X.690), only what an X.509 v3 certificate needs: Node can sign and parse certificates but not build them,
 * and the smallest maintained ASN.1 library would be ten times this program (docs/architecture.md, "Secret generator").
 */

/** A decoded DER element: `raw` is the whole TLV, `content` its value, `end` the offset just past it. */
export interface DerElement {
  readonly tag: number;
  readonly raw: Buffer;
  readonly content: Buffer;
  readonly end: number;
}

/** Length octets: short form below 128, otherwise the minimal long form. */
function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV; every other encoder is built on this. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  const body = Buffer.from(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

/** Minimal two's-complement octets of a non-negative integer, with a 0x00 prefix when the top bit is set. */
function unsignedIntegerBytes(value: number | bigint | Buffer): Buffer {
  let bytes: Buffer;
  if (Buffer.isBuffer(value)) {
    bytes = value;
  } else {
    const big = BigInt(value);
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

/** OBJECT IDENTIFIER content octets from dotted notation (also used to compare with parsed OIDs). */
export function oidContent(dotted: string): Buffer {
  const arcs = String(dotted).split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new Error(`derOid: invalid arc in ${dotted}`);
    return BigInt(a);
  });
  if (arcs.length < 2 || arcs[0] > 2n || (arcs[0] < 2n && arcs[1] > 39n)) throw new Error(`derOid: invalid OID ${dotted}`);
  const values = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  const out: number[] = [];
  for (const value of values) {
    const chunk = [Number(value & 0x7fn)];
    for (let v = value >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return Buffer.from(out);
}

/** Time as RFC 5280 §4.1.2.5 demands: UTCTime for 1950-2049, GeneralizedTime otherwise, whole seconds only. */
function encodeTime(date: Date): Buffer {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new Error('derTime: invalid date');
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const year = date.getUTCFullYear();
  const rest = pad(date.getUTCMonth() + 1) + pad(date.getUTCDate()) + pad(date.getUTCHours())
    + pad(date.getUTCMinutes()) + pad(date.getUTCSeconds()) + 'Z';
  if (year >= 1950 && year <= 2049) return tlv(0x17, Buffer.from(pad(year % 100) + rest, 'ascii'));
  if (year < 0 || year > 9999) throw new Error('derTime: year out of range');
  return tlv(0x18, Buffer.from(pad(year, 4) + rest, 'ascii'));
}

/** BIT STRING holding whole octets (signatures, public keys). */
function bitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), Buffer.from(bytes)]));
}

/** BIT STRING of named bits (KeyUsage), trailing zero bits removed as DER requires. */
function namedBits(bitNumbers: readonly number[]): Buffer {
  if (bitNumbers.length === 0) return bitString(Buffer.alloc(0), 0);
  const highest = Math.max(...bitNumbers);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bitNumbers) bytes[Math.floor(bit / 8)] |= 0x80 >> (bit % 8);
  return bitString(bytes, 7 - (highest % 8));
}

/** DER encoders for the handful of ASN.1 types an X.509 v3 certificate uses. */
export const der = {
  /** INTEGER from a number, bigint or big-endian unsigned Buffer (serials are 128-bit, beyond Number). */
  integer: (value: number | bigint | Buffer): Buffer => tlv(0x02, unsignedIntegerBytes(value)),
  /** SEQUENCE of already encoded elements. */
  sequence: (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items)),
  /** SET OF already encoded elements, sorted as DER requires. */
  set: (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat([...items].sort(Buffer.compare))),
  oid: (dotted: string): Buffer => tlv(0x06, oidContent(dotted)),
  utf8String: (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8')),
  /** IA5String (ASCII), the type of dNSName. */
  ia5String: (text: string): Buffer => tlv(0x16, Buffer.from(text, 'ascii')),
  time: encodeTime,
  bitString,
  namedBits,
  octetString: (bytes: Uint8Array): Buffer => tlv(0x04, bytes),
  /** BOOLEAN (DER: TRUE is 0xFF). */
  boolean: (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0x00])),
  null: (): Buffer => Buffer.from([0x05, 0x00]),
  /** [n] EXPLICIT: a constructed context tag wrapping a complete element. */
  explicit: (n: number, element: Buffer): Buffer => tlv(0xa0 | n, element),
  /** [n] IMPLICIT: the context tag replaces the universal one (constructed if the original was). */
  implicit: (n: number, content: Uint8Array, constructed = false): Buffer => tlv((constructed ? 0xa0 : 0x80) | n, content),
};

/** Reads the TLV at `offset`: just enough to take names, keys and extensions out of an existing certificate. */
export function derRead(buffer: Buffer, offset = 0): DerElement {
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
export function derChildren(content: Buffer): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < content.length;) {
    const child = derRead(content, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}
