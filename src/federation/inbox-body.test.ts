import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { BodyArena, bodyEnds, joinBody, readBodyChunks } from './inbox-body.js';

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
    expect((await joinBody(body)).toString()).toBe('{"a":1}');
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

  it('settles when the connection is destroyed before the body ends', async () => {
    const s = stream([Buffer.alloc(4)]);
    const reading = readBodyChunks(s, 10, 8);
    s.once('data', () => s.destroy());
    await expect(reading).rejects.toMatchObject({ statusCode: 400 });
  });

  it('joins a large body a step at a time, letting other work run between steps, into the arena when it fits', async () => {
    const body = await readBodyChunks(stream([Buffer.from('{"a":'), Buffer.from('1,"b":'), Buffer.from('2}')]), 100, 13);
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    const fresh = await joinBody(body, null, 4);
    expect(ranBetween).toBe(true);
    expect(fresh.toString()).toBe('{"a":1,"b":2}');
    const arena = Buffer.alloc(16);
    const joined = await joinBody(body, arena, 4);
    expect(joined.toString()).toBe('{"a":1,"b":2}');
    expect(joined.buffer).toBe(arena.buffer);
    const small = Buffer.alloc(8);
    const apart = await joinBody(body, small, 4);
    expect(apart.toString()).toBe('{"a":1,"b":2}');
    expect(apart.buffer).not.toBe(small.buffer);
    // The join is a copy, never the socket's own piece.
    const one = { chunks: [Buffer.from('{}')], bytes: 2 };
    expect(await joinBody(one)).not.toBe(one.chunks[0]);
  });

  it('lends its arena to one body at a time, keeps the same memory, and lets it go when unused', () => {
    vi.useFakeTimers();
    try {
      const arena = new BodyArena(1024, 60_000);
      const first = arena.take()!;
      expect(first.length).toBe(1024);
      expect(arena.take()).toBeNull();
      arena.release();
      expect(arena.take()).toBe(first);
      arena.release();
      vi.advanceTimersByTime(59_000);
      expect(arena.held).toBe(true);
      vi.advanceTimersByTime(1_000);
      expect(arena.held).toBe(false);
      expect(arena.take()).not.toBe(first);
    } finally {
      vi.useRealTimers();
    }
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
