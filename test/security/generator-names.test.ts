/** names.ts on its own: dNSName syntax, IP address octets, and the CA's name constraints, at each edge. */
import { isDnsName, namesOutside, parseIpAddress, permittedSubtrees } from '../../lib/security/generator/names';

describe('isDnsName', () => {
  test.each(['a', 'kasm-db', 'kasm-db.kasm.svc.cluster.local', 'A1.B2', '*.example.com', '0.a', 'a-1-b.c'])('%s is a DNS name', (name) => {
    expect(isDnsName(name)).toBe(true);
  });
  test.each(['', '*', '*.', 'a.*.b', '**.a', '-a', 'a-', 'a..b', 'a.', '.a', 'a_b', ' a', 'a ', 'a.-b', 'a.b-'])('%j is not', (name) => {
    expect(isDnsName(name)).toBe(false);
  });
  test('nor is anything but a string', () => {
    expect(isDnsName(5)).toBe(false);
    expect(isDnsName(['a'])).toBe(false);
    expect(isDnsName(null)).toBe(false);
  });
});

describe('parseIpAddress', () => {
  const hex = (text: string) => parseIpAddress(text).toString('hex');
  test.each([
    ['0.0.0.0', '00000000'], ['255.255.255.255', 'ffffffff'], ['10.0.2.1', '0a000201'],
    ['::', '0'.repeat(32)], ['::1', `${'0'.repeat(30)}01`], ['1::', `0001${'0'.repeat(28)}`],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'], ['FD00::aB', `fd00${'0'.repeat(24)}00ab`],
    ['1:2:3:4:5:6::8', '00010002000300040005000600000008'], ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
    ['::2:3:4:5:6:7:8', '00000002000300040005000600070008'],
    ['::ffff:192.0.2.1', `${'0'.repeat(20)}ffffc0000201`], ['1:2:3:4:5:6:10.0.0.1', '0001000200030004000500060a000001'],
  ])('%s', (text, octets) => {
    expect(hex(text)).toBe(octets);
  });

  test.each([
    ['256.0.0.0', 'invalid IPv4 address 256.0.0.0'], ['01.2.3.4', 'invalid IPv4 address 01.2.3.4'], ['1.2.3.00', 'invalid IPv4 address 1.2.3.00'],
    ['1.2.3', 'invalid IP address 1.2.3'], ['1.2.3.4x', 'invalid IP address 1.2.3.4x'], ['g::1', 'invalid IP address g::1'],
    ['1.2.3.4:5', 'invalid IPv6 address 1.2.3.4:5'], ['example.com', 'invalid IP address example.com'], ['1::g', 'invalid IP address 1::g'],
    ['1:2:3:4:5:6:7', 'invalid IPv6 address 1:2:3:4:5:6:7'], ['1:2:3:4:5:6:7:8:9', 'invalid IPv6 address 1:2:3:4:5:6:7:8:9'],
    ['1::2:3:4:5:6:7:8', 'invalid IPv6 address 1::2:3:4:5:6:7:8'], ['1::2::3', 'invalid IPv6 address 1::2::3'],
    ['1::12345', 'invalid IPv6 address 1::12345'], [':1', 'invalid IPv6 address :1'], ['1:', 'invalid IPv6 address 1:'],
    ['::1.2.3.256', 'invalid IPv4 address 1.2.3.256'], ['::1.2.3', 'invalid IP address 1.2.3'],
  ])('%s is refused', (text, message) => {
    expect(() => parseIpAddress(text)).toThrow(new Error(message));
  });
});

describe('permittedSubtrees', () => {
  test('a name permits itself and every name with more labels on its left, case aside', () => {
    expect(permittedSubtrees(['b.example.com', 'Example.com', 'a.example.COM', 'x.other.org', 'other.org', 'example.com'])).toEqual(['example.com', 'other.org']);
  });
  test('a name that only ends with the same letters is not inside', () => {
    expect(permittedSubtrees(['badexample.com', 'example.com'])).toEqual(['badexample.com', 'example.com']);
  });
  test('the deepest names are dropped whatever order they come in, and the result is sorted', () => {
    expect(permittedSubtrees(['a.b.c.d', 'c.d', 'b.c.d', 'z.org', 'y.org'])).toEqual(['c.d', 'y.org', 'z.org']);
    expect(permittedSubtrees(['z.x.org', 'a.x.org', 'x.org'])).toEqual(['x.org']);
    expect(permittedSubtrees([])).toEqual([]);
  });
  test('names with as many labels keep their alphabetical order', () => {
    expect(permittedSubtrees(['b.org', 'a.org', 'c.org'])).toEqual(['a.org', 'b.org', 'c.org']);
    expect(permittedSubtrees(['b.org', 'a.x.net'])).toEqual(['a.x.net', 'b.org']);
  });
});

describe('namesOutside', () => {
  test('names outside the subtrees, case aside; none when the CA has no constraints', () => {
    expect(namesOutside(['example.com'], ['Example.com', 'a.EXAMPLE.com', 'badexample.com', 'example.org', 'com'])).toEqual(['badexample.com', 'example.org', 'com']);
    expect(namesOutside(null, ['anything.org'])).toEqual([]);
    expect(namesOutside([], ['a.org'])).toEqual(['a.org']);
    expect(namesOutside(['a.org', 'b.org'], ['x.b.org', 'x.a.org', 'x.c.org'])).toEqual(['x.c.org']);
  });
});
