/** der.ts on its own: each length form, each integer form, each OID and time rule, and each reading error. */
import { der, derChildren, derRead, oidContent, tlv } from '../../lib/security/generator/der';

const hex = (b: Buffer) => b.toString('hex');

describe('lengths', () => {
  test.each([
    [0, '00'], [1, '01'], [127, '7f'], [128, '8180'], [255, '81ff'], [256, '820100'], [65535, '82ffff'], [65536, '83010000'],
  ])('%i octets of content: length octets %s', (length, octets) => {
    const encoded = tlv(0x04, Buffer.alloc(length, 0xaa));
    expect(hex(encoded.subarray(0, 1 + octets.length / 2))).toBe(`04${octets}`);
    expect(encoded.length).toBe(1 + octets.length / 2 + length);
    const read = derRead(encoded);
    expect([read.tag, read.content.length, read.end]).toEqual([0x04, length, encoded.length]);
  });
});

describe('integers', () => {
  test.each<[string, number | bigint | Buffer, string]>([
    ['zero', 0, '020100'], ['one', 1, '020101'], ['255, with a sign octet', 255, '020200ff'], ['256', 256, '02020100'],
    ['an odd count of hex digits', 0x0fff, '02020fff'], ['a bigint', 2n ** 64n, '0209010000000000000000'],
    ['an empty buffer', Buffer.alloc(0), '020100'], ['a buffer of zeros', Buffer.from([0, 0, 0]), '020100'],
    ['a buffer with a leading zero', Buffer.from([0, 0x7f]), '02017f'], ['a buffer whose zero is a sign octet', Buffer.from([0, 0x80]), '02020080'],
    ['a buffer with the top bit set', Buffer.from([0x80, 0x01]), '0203008001'],
    ['a buffer with one leading zero before two octets', Buffer.from([0, 1, 2]), '02020102'],
    ['a buffer with zeros inside', Buffer.from([0, 0, 1, 0, 0]), '0203010000'],
  ])('%s', (_name, value, encoded) => {
    expect(hex(der.integer(value))).toBe(encoded);
  });

  test('negative integers are refused', () => {
    expect(() => der.integer(-1)).toThrow(/^derInteger: negative integers are not supported$/);
    expect(() => der.integer(-1n)).toThrow('derInteger: negative integers are not supported');
  });
});

describe('object identifiers', () => {
  test.each([
    ['0.39', '27'], ['1.0', '28'], ['2.40', '78'], ['2.999.3', '883703'], ['1.2.127', '2a7f'], ['1.2.128', '2a8100'],
    ['1.2.840.113549', '2a864886f70d'], ['2.5.29.17', '551d11'],
  ])('%s', (dotted, content) => {
    expect(hex(oidContent(dotted))).toBe(content);
    expect(hex(der.oid(dotted))).toBe(`06${(content.length / 2).toString(16).padStart(2, '0')}${content}`);
  });

  test.each([
    ['1', 'derOid: invalid OID 1'], ['3.1', 'derOid: invalid OID 3.1'], ['0.40', 'derOid: invalid OID 0.40'], ['1.40', 'derOid: invalid OID 1.40'],
    ['1.2.x', 'derOid: invalid arc in 1.2.x'], ['1.2.3x', 'derOid: invalid arc in 1.2.3x'], ['1.x2', 'derOid: invalid arc in 1.x2'], ['1..2', 'derOid: invalid arc in 1..2'], ['1.2.-3', 'derOid: invalid arc in 1.2.-3'],
  ])('%s is refused', (dotted, message) => {
    expect(() => oidContent(dotted)).toThrow(message);
    let thrown: unknown;
    try {
      oidContent(dotted);
    } catch (e) {
      thrown = e;
    }
    expect((thrown as Error).message).toBe(message);
  });
});

describe('times', () => {
  test.each([
    ['1949-12-31T23:59:59Z', 0x18, '19491231235959Z'],
    ['1950-01-01T00:00:00Z', 0x17, '500101000000Z'],
    ['2001-02-03T04:05:06Z', 0x17, '010203040506Z'],
    ['2049-12-31T23:59:59Z', 0x17, '491231235959Z'],
    ['2050-01-01T00:00:00Z', 0x18, '20500101000000Z'],
    ['9999-12-31T23:59:59Z', 0x18, '99991231235959Z'],
    ['0000-01-01T00:00:00Z', 0x18, '00000101000000Z'],
    ['2030-06-15T12:30:45.999Z', 0x17, '300615123045Z'],
  ])('%s', (iso, tag, text) => {
    const encoded = der.time(new Date(iso));
    expect(encoded[0]).toBe(tag);
    expect(encoded[1]).toBe(text.length);
    expect(encoded.toString('ascii', 2)).toBe(text);
  });

  test('a year outside 0-9999 and an invalid date are refused', () => {
    expect(() => der.time(new Date('+010000-01-01T00:00:00Z'))).toThrow(/^derTime: year out of range$/);
    expect(() => der.time(new Date('-000001-12-31T00:00:00Z'))).toThrow(/^derTime: year out of range$/);
    expect(() => der.time(new Date('not a date'))).toThrow(/^derTime: invalid date$/);
    expect(() => der.time('2030-01-01' as unknown as Date)).toThrow(/^derTime: invalid date$/);
  });
});

describe('the other types', () => {
  test('bit strings, named bits and their unused bits', () => {
    expect(hex(der.bitString(Buffer.from([0xff])))).toBe('030200ff');
    expect(hex(der.bitString(Buffer.from([0xf0]), 4))).toBe('030204f0');
    expect(hex(der.namedBits([]))).toBe('030100');
    expect(hex(der.namedBits([0]))).toBe('03020780');
    expect(hex(der.namedBits([7]))).toBe('03020001');
    expect(hex(der.namedBits([8]))).toBe('0303070080');
    expect(hex(der.namedBits([9, 1]))).toBe('0303064040');
  });

  test('strings, booleans, null, tags and sequences', () => {
    expect(hex(der.utf8String('é'))).toBe('0c02c3a9');
    expect(hex(der.ia5String('a.b'))).toBe('1603612e62');
    expect(hex(der.ia5String('é'))).toBe('1601e9'); // one octet per character, never a UTF-8 sequence
    expect(hex(der.octetString(Buffer.from([1, 2])))).toBe('04020102');
    expect(hex(der.boolean(false))).toBe('010100');
    expect(hex(der.boolean(true))).toBe('0101ff');
    expect(hex(der.null())).toBe('0500');
    expect(hex(der.sequence())).toBe('3000');
    expect(hex(der.sequence(der.null(), der.boolean(true)))).toBe('30050500' + '0101ff');
    expect(hex(der.set(der.integer(3), der.integer(1), der.integer(2)))).toBe('3109020101020102020103');
    expect(hex(der.explicit(0, der.null()))).toBe('a0020500');
    expect(hex(der.implicit(7, Buffer.from([10, 0, 0, 1])))).toBe('87040a000001');
    expect(hex(der.implicit(0, der.null(), true))).toBe('a0020500');
  });
});

describe('derRead and derChildren', () => {
  test('an element at an offset: tag, whole TLV, content and end', () => {
    const read = derRead(Buffer.from('ff0402aabbcc', 'hex'), 1);
    expect([read.tag, hex(read.raw), hex(read.content), read.end]).toEqual([0x04, '0402aabb', 'aabb', 5]);
    expect(hex(derRead(Buffer.from('0500', 'hex')).content)).toBe('');
    expect(derRead(Buffer.from('1e00', 'hex')).tag).toBe(0x1e);
  });

  test('every long length form up to four octets', () => {
    expect(hex(derRead(Buffer.from('048101aa', 'hex')).content)).toBe('aa');
    expect(hex(derRead(Buffer.from('04820001aa', 'hex')).content)).toBe('aa');
    expect(hex(derRead(Buffer.from('048400000001aa', 'hex')).content)).toBe('aa');
    const big = derRead(tlv(0x04, Buffer.alloc(70000, 1)));
    expect([big.content.length, big.end]).toEqual([70000, 70005]);
  });

  test.each([
    ['an empty buffer', '', 0, 'DER: truncated element'],
    ['a lone tag', '30', 0, 'DER: truncated element'],
    ['an offset at the last octet', '0500', 1, 'DER: truncated element'],
    ['a high tag number', '1f00', 0, 'DER: high tag numbers are not supported'],
    ['a constructed high tag number', 'bf00', 0, 'DER: high tag numbers are not supported'],
    ['the indefinite length', '0480', 0, 'DER: unsupported length'],
    ['five length octets', '04850000000001aa', 0, 'DER: unsupported length'],
    ['content beyond the buffer', '0402aa', 0, 'DER: element overruns its container'],
    ['long-form content beyond the buffer', '048102aa', 0, 'DER: element overruns its container'],
  ])('%s is refused', (_name, bytes, offset, message) => {
    expect(() => derRead(Buffer.from(bytes, 'hex'), offset)).toThrow(new Error(message));
  });

  test('children follow one another to the end of the content', () => {
    const children = derChildren(Buffer.from('020101' + '04020a0b' + '0500', 'hex'));
    expect(children.map((c) => [c.tag, hex(c.content), c.end])).toEqual([[0x02, '01', 3], [0x04, '0a0b', 7], [0x05, '', 9]]);
    expect(derChildren(Buffer.alloc(0))).toEqual([]);
    expect(() => derChildren(Buffer.from('020101ff', 'hex'))).toThrow('DER: truncated element');
  });
});
