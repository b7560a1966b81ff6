/** String order used for everything synth sorts: by UTF-16 code unit, whatever the machine's locale. */
import { compareText } from '../../lib/core/order';

test('code-unit order: upper case before lower, hyphen and dot before letters, no locale tailoring', () => {
  const words = ['kasm-proxy', 'kasm_api', 'Kasm', 'kasm.api', 'kasm-api', 'zeta', 'ä', 'a'];
  expect([...words].sort(compareText)).toEqual(['Kasm', 'a', 'kasm-api', 'kasm-proxy', 'kasm.api', 'kasm_api', 'zeta', 'ä']);
});

test('equal strings compare as 0, and the order is antisymmetric', () => {
  expect(compareText('x', 'x')).toBe(0);
  expect(Math.sign(compareText('a-b', 'ab'))).toBe(-Math.sign(compareText('ab', 'a-b')));
});
