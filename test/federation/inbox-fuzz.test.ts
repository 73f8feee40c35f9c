import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanBatchText } from '../../src/federation/protocol/batch-scan.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import { DIALECTS } from '../_util/db.js';
import { inboxFixture, makeIdentity, type InboxFixture } from './_inbox.js';

/**
 * The inbox under random and hostile bodies (issue 10, bar): never a 5xx nor a crash, and a
 * batch refused as a whole writes nothing; a batch taken writes exactly what its receipt accepts.
 */
describe.each(DIALECTS)('the inbox under hostile bodies on %s', (dialect) => {
  let fx: InboxFixture;
  beforeAll(async () => {
    fx = await inboxFixture(dialect, { inboxRatePerMinute: 1_000_000 });
  }, 60_000);
  afterAll(() => fx?.close());

  async function check(body: unknown): Promise<void> {
    const before = await fx.counts();
    const r = await fx.post(body);
    expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
    const after = await fx.counts();
    if (r.status !== 200) {
      expect(r.type).toContain('application/problem+json');
      expect(after).toEqual(before);
      return;
    }
    const items = r.json.items as { status: string }[];
    const accepted = items.filter((i) => i.status === 'accepted').length;
    expect(after.inbox - before.inbox).toBe(accepted);
    expect(after.seen_batches - before.seen_batches).toBe(1);
  }

  const deep = fc.nat({ max: 3000 }).map((d) => '['.repeat(d) + ']'.repeat(d));
  const junkText = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), deep, fc.constantFrom('', '{', '{"from":', '{"from":"uz-cert"', 'null', '[]', '"x"', '{"__proto__":{"x":1}}', '{"body":1,"from":"uz-cert"}'));

  it('random text and JSON values', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(junkText, fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? 'null')), check), { numRuns: 40 });
  }, 120_000);

  /** A valid batch from the pinned peer, then changed: a member replaced, dropped or added. */
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), path: fc.constantFrom('id', 'from', 'to', 'type', 'issued_at', 'sig', 'v', 'body', 'body.envelopes', 'e.id', 'e.body', 'e.sig', 'e.to', 'e.type', 'e.issued_at', 'e.seq'), value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 50_000, max: 200_000 }).map((n) => 'x'.repeat(n))) }),
    fc.record({ kind: fc.constant('drop' as const), path: fc.constantFrom('id', 'from', 'sig', 'body', 'e.sig', 'e.body', 'e.from') }),
    fc.record({ kind: fc.constant('unknown' as const), path: fc.constantFrom('', 'e.', 'sig.', 'e.sig.'), value: fc.jsonValue({ maxDepth: 2 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), times: fc.integer({ min: 2, max: 5 }) }),
    fc.record({ kind: fc.constant('tamper' as const), which: fc.constantFrom('batch', 'message'), at: fc.nat({ max: 80 }) }),
    fc.record({ kind: fc.constant('deep' as const), depth: fc.integer({ min: 60, max: 4000 }) }),
    fc.record({ kind: fc.constant('stranger' as const) }),
    fc.record({ kind: fc.constant('as-is' as const) }),
  );

  it('valid batches changed in hostile ways', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, fc.integer({ min: 1, max: 4 }), async (m, n) => {
        const stranger = makeIdentity('xx-cert');
        const id = m.kind === 'stranger' ? stranger : fx.peer;
        const envelopes = Array.from({ length: n }, () => fx.notice({}, id));
        const b = JSON.parse(JSON.stringify(fx.batch(envelopes, {}, id))) as Record<string, unknown> & { body: { envelopes: Record<string, unknown>[] }; sig: Record<string, unknown> };
        const e = b.body.envelopes[0]!;
        const target = (path: string): [Record<string, unknown>, string] => {
          if (path.startsWith('e.sig.')) return [e.sig as Record<string, unknown>, path.slice(6)];
          if (path.startsWith('e.')) return [e, path.slice(2)];
          if (path.startsWith('sig.')) return [b.sig, path.slice(4)];
          if (path === 'body.envelopes') return [b.body, 'envelopes'];
          return [b, path];
        };
        let text: string | undefined;
        switch (m.kind) {
          case 'replace': {
            const [o, k] = target(m.path);
            o[k] = m.value;
            break;
          }
          case 'drop': {
            const [o, k] = target(m.path);
            delete o[k];
            break;
          }
          case 'unknown': {
            const [o] = target(`${m.path}zz_extra`);
            o.zz_extra = m.value;
            break;
          }
          case 'duplicate':
            // Duplicated inside the batch, correctly re-signed by the real peer: accepted once.
            b.body.envelopes = Array.from({ length: m.times }, () => e);
            Object.assign(b, fx.batch(b.body.envelopes as unknown as Envelope[]));
            break;
          case 'tamper': {
            const s = (m.which === 'batch' ? b.sig : (e.sig as Record<string, unknown>)) as { value: string };
            const i = m.at % s.value.length;
            s.value = s.value.slice(0, i) + (s.value[i] === 'A' ? 'B' : 'A') + s.value.slice(i + 1);
            break;
          }
          case 'deep':
            text = JSON.stringify(b).replace('"body":{"subject":"check","text":"x"}', `"body":${'{"a":'.repeat(m.depth)}1${'}'.repeat(m.depth)}`);
            break;
          case 'stranger':
          case 'as-is':
            break;
        }
        await check(text ?? b);
      }),
      { numRuns: 60 },
    );
  }, 300_000);
});

describe('the scan of a batch header', () => {
  it('reads the same top-level members as JSON.parse, whatever the body holds', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 }), fc.jsonValue({ maxDepth: 5 }), (members, body) => {
        const text = JSON.stringify({ body, ...members });
        const value = JSON.parse(text) as Record<string, unknown>;
        const scan = scanBatchText(Buffer.from(text), 1000);
        expect(scan.tooDeep).toBe(false);
        if (scan.tooDeep) return;
        for (const [k, v] of Object.entries(value)) if (k !== 'body' && k !== '__proto__') expect(JSON.parse(scan.header[k]!)).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it('says whether a text nests deeper than the limit', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), (v) => {
        const text = JSON.stringify(v);
        let max = 0;
        const walk = (x: unknown, d: number) => {
          if (x === null || typeof x !== 'object') return;
          max = Math.max(max, d + 1);
          for (const c of Object.values(x)) walk(c, d + 1);
        };
        walk(v, 0);
        expect(scanBatchText(Buffer.from(text), 5).tooDeep).toBe(max > 5);
      }),
      { numRuns: 500 },
    );
  });
});
