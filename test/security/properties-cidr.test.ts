/**
 * Property tests of the CIDR arithmetic behind NetworkPeer: containment, the exceptions kept per range, and the sample
 * address the doctor stands in for agents and servers, each against a brute-force reference that checks addresses
 * one by one (ranges are drawn inside 10.0.0.0/24, so the reference can enumerate every address).
 */
import fc from 'fast-check';
import { KasmConfigError, NetworkPeer } from '../../lib';
import { cidrContains, sampleAddress } from '../../lib/security/network-peer';

/** Fixed seed and bounded runs: deterministic in CI, well under a second. */
const RUNS = { seed: 24, numRuns: 200 };

const bits = (ip: string) => ip.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
const fromBits = (b: string) => [0, 8, 16, 24].map((i) => parseInt(b.slice(i, i + 8), 2)).join('.');
const inCidr = (ip: string, cidr: string) => bits(ip).slice(0, Number(cidr.split('/')[1])) === bits(cidr.split('/')[0]).slice(0, Number(cidr.split('/')[1]));
const addresses = (cidr: string) => {
  const prefix = Number(cidr.split('/')[1]);
  const head = bits(cidr.split('/')[0]).slice(0, prefix);
  return Array.from({ length: 2 ** (32 - prefix) }, (_, i) => fromBits(head + (32 - prefix > 0 ? i.toString(2).padStart(32 - prefix, '0') : '')));
};

const ip = fc.integer({ min: 0, max: 255 }).map((d) => `10.0.0.${d}`);
const cidr = fc.tuple(ip, fc.integer({ min: 25, max: 32 })).map(([a, p]) => `${fromBits(bits(a).slice(0, p).padEnd(32, '0'))}/${p}`);
// Whole-address-space ranges too, for the prefix-0 and prefix-1 edges of the mask arithmetic.
const anyCidr = fc.oneof(cidr, fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
  .map(([n, p]) => `${fromBits(n.toString(2).padStart(32, '0').slice(0, p).padEnd(32, '0'))}/${p}`));

test('cidrContains(outer, inner) holds exactly when inner is no wider and shares outer\'s prefix bits', () => {
  fc.assert(fc.property(anyCidr, anyCidr, (outer, inner) => {
    const [o, op] = outer.split('/');
    const [i, ip2] = inner.split('/');
    expect(cidrContains(outer, inner)).toBe(Number(ip2) >= Number(op) && bits(o).slice(0, Number(op)) === bits(i).slice(0, Number(op)));
  }), RUNS);
});

test('NetworkPeer.cidrs keeps, per range, the exceptions strictly inside it, or refuses one that covers a whole range', () => {
  fc.assert(fc.property(fc.array(cidr, { minLength: 1, maxLength: 3 }), fc.array(cidr, { maxLength: 4 }), (ranges, except) => {
    const covering = except.findIndex((e) => ranges.some((r) => addresses(r).every((a) => inCidr(a, e))));
    if (covering >= 0) {
      expect(() => NetworkPeer.cidrs(ranges, except)).toThrow(KasmConfigError);
      expect(() => NetworkPeer.cidrs(ranges, except)).toThrow(`NetworkPeer except[${covering}]: '${except[covering]}' covers all of cidrs[`);
      return;
    }
    const end = NetworkPeer.cidrs(ranges, except).end;
    expect(end.kind === 'cidrs' && end.blocks).toEqual(ranges.map((r) => ({
      cidr: r, except: except.filter((e) => addresses(e).every((a) => inCidr(a, r))),
    })));
  }), RUNS);
});

test('sampleAddress returns an address of a range that no exception covers, preferring hosts, or nothing when there is none', () => {
  const block = fc.tuple(cidr, fc.array(cidr, { maxLength: 4 })).map(([r, ex]) => ({ cidr: r, except: ex.filter((e) => cidrContains(r, e) && e !== r) }));
  fc.assert(fc.property(fc.array(block, { minLength: 1, maxLength: 2 }), (blocks) => {
    const free = (b: { cidr: string; except: string[] }) => addresses(b.cidr).filter((a) => !b.except.some((e) => inCidr(a, e)));
    const sample = sampleAddress({ kind: 'cidrs', name: 'x', blocks });
    const first = blocks.find((b) => free(b).length > 0);
    if (!first) {
      expect(sample).toBeUndefined();
      return;
    }
    // The first range with a free address, and its lowest free host (not the network address) when it has one.
    const candidates = free(first);
    const hosts = addresses(first.cidr).length > 2 ? candidates.filter((a) => a !== first.cidr.split('/')[0]) : candidates;
    expect(sample).toBe((hosts.length > 0 ? hosts : candidates)[0]);
  }), RUNS);
});
