import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyEnds, joinBody, readBodyChunks } from './inbox-body.js';

const stream = (parts: (Buffer | Error)[]) =>
  new Readable({
    read() {
      const p = parts.shift();
      if (p === undefined) this.push(null);
      else if (p instanceof Error) this.destroy(p);
      else this.push(p);
    },
  });

describe('reading an inbox body in pieces', () => {
  it('gives the pieces as they came, and their join is the body', async () => {
    const body = await readBodyChunks(stream([Buffer.from('{"a":'), Buffer.from('1}')]), 100, 7);
    expect(body.bytes).toBe(7);
    expect(body.chunks).toHaveLength(2);
    expect(joinBody(body).toString()).toBe('{"a":1}');
  });

  it('refuses a body over the limit, declared or as it arrives, and a length other than declared', async () => {
    await expect(readBodyChunks(stream([Buffer.alloc(10)]), 5, 10)).rejects.toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    await expect(readBodyChunks(stream([Buffer.alloc(4), Buffer.alloc(4)]), 5, Number.NaN)).rejects.toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    await expect(readBodyChunks(stream([Buffer.alloc(4)]), 10, 6)).rejects.toMatchObject({ code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', statusCode: 400 });
    expect((await readBodyChunks(stream([Buffer.alloc(4)]), 10, Number.NaN)).bytes).toBe(4);
  });

  it('answers a stream that breaks with a client error', async () => {
    await expect(readBodyChunks(stream([Buffer.alloc(4), new Error('aborted')]), 10, 8)).rejects.toMatchObject({ message: 'aborted', statusCode: 400 });
  });

  it("puts a body's two ends side by side, however it was cut into pieces", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 6 }), fc.integer({ min: 1, max: 120 }), (bytes, cuts, edge) => {
        const all = Buffer.from(bytes);
        const at = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((x, y) => x - y);
        const chunks = [0, ...at].map((from, i, xs) => all.subarray(from, xs[i + 1] ?? all.length));
        const ends = bodyEnds({ chunks, bytes: all.length }, edge);
        const expected = all.length <= 2 * edge ? all : Buffer.concat([all.subarray(0, edge), all.subarray(all.length - edge)]);
        expect(ends.equals(expected)).toBe(true);
      }),
    );
  });
});
