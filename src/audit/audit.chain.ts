import { canonicalHash } from '../crypto/canonical.js';
import type { AuditEntry } from './audit.tables.js';

/**
 * The audit log is a hash chain: each entry's hash covers its own fields and the previous
 * entry's hash, over RFC 8785 canonical JSON. Editing a row breaks its hash; deleting one
 * leaves a gap in `seq`; moving or inserting one breaks the next entry's `prev_hash`.
 */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditFields = Omit<AuditEntry, 'hash'>;

export function hashAuditEntry(e: AuditFields): string {
  return canonicalHash({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    target: e.target,
    ip: e.ip,
    details: e.details,
    prev_hash: e.prev_hash,
  });
}

export type ChainBreakReason = 'hash_mismatch' | 'missing_entries' | 'prev_hash_mismatch' | 'rewritten' | 'truncated';

/**
 * A head the node signed earlier (its own checkpoint, or one a peer witnessed): at `seq` the
 * chain's hash was `hash`. The chain can be recomputed by whoever holds the database, but
 * not these signed heads.
 */
export interface ChainAnchor {
  seq: number;
  hash: string;
  at: string;
  /** Where the anchor comes from: `local`, or the witnessing peer's node id. */
  source: string;
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  lastSeq: number;
  firstBroken?: { seq: number; reason: ChainBreakReason; detail: string; checkpoint?: ChainAnchor };
  /** How many signed checkpoints the chain was compared with, and the newest that agrees. */
  checkpoints?: { compared: number; lastAgreeingSeq: number };
}

/**
 * Checks entries in `seq` order (an array or a paged stream); stops at the first broken link.
 * With anchors, a chain that is consistent in itself must also pass through every signed head:
 * an anchor that disagrees means the entries after the last agreeing anchor were rewritten
 * (which one exactly cannot be known from heads alone); one beyond the last entry means the
 * newest entries were deleted.
 */
export async function verifyAuditChain(
  entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>,
  anchors: readonly ChainAnchor[] = [],
): Promise<ChainVerdict> {
  const bySeq = new Map<number, ChainAnchor[]>();
  for (const a of anchors) bySeq.set(a.seq, [...(bySeq.get(a.seq) ?? []), a]);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let lastAgreeing = 0;
  const summary = () => (anchors.length > 0 ? { checkpoints: { compared: anchors.length, lastAgreeingSeq: lastAgreeing } } : {});
  for await (const e of entries) {
    const broken = (reason: ChainBreakReason, detail: string, seq = e.seq, checkpoint?: ChainAnchor): ChainVerdict => ({
      ok: false,
      checked,
      lastSeq: expectedSeq - 1,
      firstBroken: { seq, reason, detail, ...(checkpoint ? { checkpoint } : {}) },
      ...summary(),
    });
    if (e.seq !== expectedSeq) {
      return broken('missing_entries', `expected entry ${expectedSeq}, found ${e.seq}`);
    }
    if (e.prev_hash !== prevHash) {
      return broken('prev_hash_mismatch', `entry ${e.seq} does not follow entry ${e.seq - 1}`);
    }
    if (hashAuditEntry(e) !== e.hash) {
      return broken('hash_mismatch', `entry ${e.seq} was altered after it was written`);
    }
    const disagreeing = bySeq.get(e.seq)?.find((a) => a.hash !== e.hash);
    if (disagreeing) {
      const from = lastAgreeing + 1;
      return broken(
        'rewritten',
        `the chain differs from the head signed at entry ${e.seq} on ${disagreeing.at} (checkpoint held by ${disagreeing.source}): ` +
          `entries ${from}..${e.seq} were rewritten and their hashes recomputed; entries up to ${lastAgreeing} match a signed checkpoint`,
        from,
        disagreeing,
      );
    }
    if (bySeq.has(e.seq)) lastAgreeing = e.seq;
    prevHash = e.hash;
    expectedSeq += 1;
    checked += 1;
  }
  const lastSeq = expectedSeq - 1;
  const beyond = anchors.filter((a) => a.seq > lastSeq).sort((x, y) => y.seq - x.seq)[0];
  if (beyond) {
    return {
      ok: false,
      checked,
      lastSeq,
      firstBroken: {
        seq: lastSeq + 1,
        reason: 'truncated',
        detail:
          `the node signed a head at entry ${beyond.seq} on ${beyond.at} (checkpoint held by ${beyond.source}) but the log ends at ${lastSeq}: ` +
          `entries ${lastSeq + 1}..${beyond.seq} were deleted, or entries after ${lastAgreeing} were deleted and the rest renumbered; entries up to ${lastAgreeing} match a signed checkpoint`,
        checkpoint: beyond,
      },
      ...summary(),
    };
  }
  return { ok: true, checked, lastSeq, ...summary() };
}
