import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashAuditEntry, verifyAuditChain } from './audit.chain.js';
import type { AuditEntry } from './audit.tables.js';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const f = { seq, at: `2026-01-01T00:00:${String(seq % 60).padStart(2, '0')}Z`, actor: 'a', action: 'x', target: null, ip: null, details: { seq }, prev_hash: prev };
    const e = { ...f, hash: hashAuditEntry(f) };
    out.push(e);
    prev = e.hash;
  }
  return out;
}

describe('verifyAuditChain', () => {
  it('accepts an empty log and an intact one', async () => {
    expect(await verifyAuditChain([])).toEqual({ ok: true, checked: 0, lastSeq: 0 });
    expect(await verifyAuditChain(chain(5))).toEqual({ ok: true, checked: 5, lastSeq: 5 });
  });

  it('hashes the same entry the same way whatever the key order of its details', () => {
    const base = { seq: 1, at: 't', actor: 'a', action: 'x', target: null, ip: null, prev_hash: GENESIS_HASH };
    expect(hashAuditEntry({ ...base, details: { a: 1, b: 2 } })).toBe(hashAuditEntry({ ...base, details: { b: 2, a: 1 } }));
  });

  it('finds any single edited field at exactly that entry', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.constantFrom('actor', 'action', 'at', 'target'), async (seq, field) => {
        const log = chain(12);
        (log[seq - 1] as unknown as Record<string, unknown>)[field] = 'tampered';
        const v = await verifyAuditChain(log);
        expect(v.ok).toBe(false);
        expect(v.firstBroken?.seq).toBe(seq);
      }),
    );
  });

  it('finds a deleted entry as a gap right after the last good one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), async (seq) => {
        const log = chain(12).filter((e) => e.seq !== seq);
        const v = await verifyAuditChain(log);
        if (seq === 12) expect(v.ok).toBe(true); // @NOTE: a deleted tail is only visible against an external checkpoint.
        else expect(v.firstBroken).toMatchObject({ seq: seq + 1, reason: 'missing_entries' });
      }),
    );
  });
});

describe('verifyAuditChain against signed heads', () => {
  const anchor = (log: AuditEntry[], seq: number) => ({ seq, hash: log[seq - 1]!.hash, at: 't', source: 'local' });

  function rechain(log: AuditEntry[], from: number): void {
    let prev = from === 1 ? GENESIS_HASH : log[from - 2]!.hash;
    for (const e of log.slice(from - 1)) {
      e.prev_hash = prev;
      e.hash = hashAuditEntry(e);
      prev = e.hash;
    }
  }

  it('places any rewrite with recomputed hashes between the last agreeing and the first disagreeing anchor', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }), async (seq, at) => {
        const log = chain(12);
        const anchors = at.map((s) => anchor(log, s));
        log[seq - 1]!.actor = 'tampered';
        rechain(log, seq);
        const v = await verifyAuditChain(log, anchors);
        const covering = at.filter((s) => s >= seq);
        if (covering.length === 0) {
          expect(v.ok).toBe(true); // @NOTE: what happened after the newest checkpoint is provable by no one.
          return;
        }
        const below = Math.max(0, ...at.filter((s) => s < seq));
        expect(v.firstBroken).toMatchObject({ seq: below + 1, reason: 'rewritten', checkpoint: { seq: Math.min(...covering) } });
      }),
    );
  });

  it('finds deleted newest entries when a head beyond them was signed', async () => {
    const log = chain(12);
    const v = await verifyAuditChain(log.slice(0, 9), [anchor(log, 4), anchor(log, 12)]);
    expect(v).toMatchObject({ ok: false, lastSeq: 9, firstBroken: { seq: 10, reason: 'truncated' }, checkpoints: { compared: 2, lastAgreeingSeq: 4 } });
  });
});
