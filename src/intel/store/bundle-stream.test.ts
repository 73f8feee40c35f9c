import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BundleFormatError, readBundle, type BundleElement, type BundleHeader } from './bundle-stream.js';

/** Feeds `text` in pieces of the given sizes (cycled), as a socket would. */
function pieces(text: string, sizes: number[] = [7]): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]!);
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return Readable.from(out);
}

async function read(text: string, sizes?: number[], limits?: { maxObjectBytes: number; maxDepth: number }) {
  const header: BundleHeader = {};
  const els: BundleElement[] = [];
  for await (const e of readBundle(pieces(text, sizes), header, limits)) els.push(e);
  return { header, els };
}

const ind = (n: number) => ({ type: 'indicator', id: `indicator--${n}`, name: `x "quoted" ] } { [ , \\ ${n}`, nested: { a: [1, { b: '}' }] } });

describe('readBundle', () => {
  it('yields each object of a bundle, whatever the pieces the bytes arrive in', async () => {
    const objects = [ind(1), ind(2), ind(3)];
    const text = JSON.stringify({ type: 'bundle', id: 'bundle--1', objects }, null, 1);
    for (const sizes of [[1], [2, 3], [64], [100000]]) {
      const { header, els } = await read(text, sizes);
      expect(header).toEqual({ type: 'bundle', id: 'bundle--1' });
      expect(els).toEqual(objects.map((object, index) => ({ index, object })));
    }
  });

  it('takes the header after the objects, unknown properties, and an empty list', async () => {
    const { header, els } = await read('{"objects":[ {"a":1} ,{"b":[2]}], "x_extra": {"deep": [[["]"]]]}, "type":"bundle","id":"bundle--2"}');
    expect(header).toEqual({ type: 'bundle', id: 'bundle--2' });
    expect(els).toEqual([{ index: 0, object: { a: 1 } }, { index: 1, object: { b: [2] } }]);
    expect((await read('{"type":"bundle","id":"bundle--3","objects":[]}')).els).toEqual([]);
  });

  it('reports a bad, too large or too deep object by its index and goes on', async () => {
    const deep = '['.repeat(70) + ']'.repeat(70);
    const big = JSON.stringify({ pad: 'z'.repeat(5000) });
    const { els } = await read(`{"type":"bundle","id":"bundle--4","objects":[{"a" 1}, ${deep}, ${big}, 7, {"ok":true}]}`, [13], { maxObjectBytes: 4096, maxDepth: 64 });
    expect(els.map((e) => ('error' in e ? `${e.index}:${e.error.code}` : `${e.index}:ok`))).toEqual(['0:invalid-json', '1:too-deep', '2:object-too-large', '3:ok', '4:ok']);
  });

  it('refuses what is not a bundle, with the byte offset', async () => {
    for (const [text, msg] of [
      ['[1,2]', 'a STIX bundle is a JSON object (at byte 0)'],
      ['{"type":"bundle","objects":[{"a":1}', 'the bundle ends early'],
      ['{"objects": 5}', 'objects must be an array (at byte 12)'],
      ['{"objects":[],"objects":[]}', 'objects appears twice'],
      ['{"type" "bundle"}', "expected ':' (at byte 8)"],
      ['{"type":"bundle"} x', 'unexpected bytes after the bundle (at byte 18)'],
    ] as const) {
      await expect(read(text)).rejects.toThrow(BundleFormatError);
      await expect(read(text)).rejects.toThrow(msg);
    }
  });

  it('reads any JSON objects back as JSON.parse would, in any pieces', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), async (objects, sizes) => {
        const { els } = await read(JSON.stringify({ type: 'bundle', id: 'bundle--5', objects }), sizes);
        expect(els).toEqual(objects.map((object, index) => ({ index, object: JSON.parse(JSON.stringify(object)) })));
      }),
      { numRuns: 200 },
    );
  });

  it('tells escaped quotes from closing ones wherever the pieces cut, in strings dense with backslashes', async () => {
    const text = fc.string({ unit: fc.constantFrom('\\', '"', 'a', '}', ']', ',', '{', 'я'), maxLength: 30 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 }))), { maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }), async (objects, sizes) => {
        const { els } = await read(JSON.stringify({ type: 'bundle', id: 'bundle--6', objects }), sizes);
        expect(els).toEqual(objects.map((object, index) => ({ index, object: JSON.parse(JSON.stringify(object)) })));
      }),
      { numRuns: 300 },
    );
  });
});
