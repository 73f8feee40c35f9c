import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalMembers, canonicalMembersWithAndWithout, sha256Hex } from './canonical.js';

describe('canonical JSON written member by member', () => {
  // What arrives is what JSON.parse made, so the generated values go through it first.
  it('equals the RFC 8785 library on any parsed JSON object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (generated) => {
        const obj = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>;
        expect(canonicalMembers(obj)).toBe(canonicalJson(obj));
      }),
      { numRuns: 3000 },
    );
  });

  it('sorts keys by UTF-16 code units, skips undefined members and leaves dates to the library', () => {
    const obj = { b: 1, a: [true, null, { z: 'é', y: '\u2028' }], '\u{1F600}': 'x', '\uFB33': 'y', u: undefined, d: new Date(0) };
    expect(canonicalMembers(obj)).toBe(canonicalJson(obj));
    expect(canonicalMembers({ b: 1, a: 2 }, { b: '"preset"' })).toBe('{"a":2,"b":"preset"}');
    expect(canonicalMembers({ a: 1, sig: {} }, {}, 'sig')).toBe('{"a":1}');
  });

  it('writes an object with and without one member in one pass', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (generated, omit) => {
        const obj = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>;
        const { [omit]: _dropped, ...rest } = obj;
        expect(canonicalMembersWithAndWithout(obj, omit)).toEqual({ with: canonicalJson(obj), without: canonicalJson(rest) });
      }),
      { numRuns: 1000 },
    );
  });

  it('hashes text as its UTF-8 bytes', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('é')).toBe(sha256Hex(Buffer.from('é', 'utf8')));
  });
});
