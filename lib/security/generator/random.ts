/** The generator's randomness: credential tokens and certificate serials, both from Node's CSPRNG. */
import * as crypto from 'crypto';

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 characters of [A-Za-z0-9] by default; `crypto.randomInt` keeps every character uniformly distributed. */
export function randomToken(length = 32): string {
  if (!Number.isInteger(length) || length < 1) throw new Error('randomToken: length must be a positive integer');
  let token = '';
  for (let i = 0; i < length; i++) token += TOKEN_ALPHABET[crypto.randomInt(TOKEN_ALPHABET.length)];
  return token;
}

/** A 128-bit positive serial (RFC 5280 §4.1.2.2: unique per CA, at most 20 octets, never zero). */
export function randomSerial(): Buffer {
  const bytes = crypto.randomBytes(16);
  if (bytes.every((b) => b === 0)) bytes[15] = 1;
  return bytes;
}
