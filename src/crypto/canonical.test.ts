import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalMembers, canonicalMembersWithAndWithout, sha256Hex } from './canonical.js';

// The RFC 8785 library is the reference: canonicalJson writes plain data itself and must agree.
const reference = (v: unknown): string => {
  const out = (canonicalize as unknown as (x: unknown) => string | undefined)(v);
  if (out === undefined) throw new TypeError('value cannot be canonicalised');
  return out;
};

/** What a function gives, or that it threw: two writers agree when both give the same or both throw. */
const outcome = (f: () => string): string => {
  try {
    return f();
  } catch {
    return '(throws)';
  }
};

describe('canonical JSON written member by member', () => {
  // What arrives is what JSON.parse made, so the generated values go through it first.
  it('equals the RFC 8785 library on any parsed JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (generated) => {
        const v: unknown = JSON.parse(JSON.stringify(generated));
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('equals the library on anything else as well: dates, holes, undefined, null prototypes, boxed values, -0', () => {
    const anything = fc.anything({ withDate: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true, withObjectString: true, withMap: true, withSet: true });
    fc.assert(
      fc.property(anything, (v) => {
        expect(outcome(() => canonicalJson(v))).toBe(outcome(() => reference(v)));
      }),
      { numRuns: 3000 },
    );
    // eslint-disable-next-line no-sparse-arrays
    for (const v of [[1, , 2], [undefined], -0, { a: undefined, b: [new Date(0)] }, Object.assign(Object.create(null), { b: 1, a: 2 }), undefined]) {
      expect(outcome(() => canonicalJson(v))).toBe(outcome(() => reference(v)));
    }
  });

  it('writes objects member by member as the library does', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (generated) => {
        const obj = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>;
        expect(canonicalMembers(obj)).toBe(reference(obj));
      }),
      { numRuns: 3000 },
    );
  });

  it('sorts keys by UTF-16 code units, skips undefined members and leaves dates to the library', () => {
    const obj = { b: 1, a: [true, null, { z: 'é', y: '\u2028' }], '\u{1F600}': 'x', '\uFB33': 'y', u: undefined, d: new Date(0) };
    expect(canonicalMembers(obj)).toBe(reference(obj));
    expect(canonicalJson(obj)).toBe(reference(obj));
    expect(canonicalMembers({ b: 1, a: 2 }, { b: '"preset"' })).toBe('{"a":2,"b":"preset"}');
    expect(canonicalMembers({ a: 1, sig: {} }, {}, 'sig')).toBe('{"a":1}');
  });

  it('writes an object with and without one member in one pass', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (generated, omit) => {
        const obj = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>;
        const { [omit]: _dropped, ...rest } = obj;
        expect(canonicalMembersWithAndWithout(obj, omit)).toEqual({ with: reference(obj), without: reference(rest) });
      }),
      { numRuns: 1000 },
    );
  });

  it('writes bodies nested far deeper than any message may be (the federation refuses more than 64 levels)', () => {
    let v: unknown = { a: 1 };
    for (let i = 0; i < 1000; i++) v = i % 2 ? { k: v } : [v];
    expect(canonicalJson(v)).toBe(reference(v));
  });

  it('hashes text as its UTF-8 bytes', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('é')).toBe(sha256Hex(Buffer.from('é', 'utf8')));
  });
});
