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

export type ChainBreakReason = 'hash_mismatch' | 'missing_entries' | 'prev_hash_mismatch';

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  lastSeq: number;
  firstBroken?: { seq: number; reason: ChainBreakReason; detail: string };
}

/** Checks entries in `seq` order (an array or a paged stream); stops at the first broken link. */
export async function verifyAuditChain(
  entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>,
): Promise<ChainVerdict> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for await (const e of entries) {
    const broken = (reason: ChainBreakReason, detail: string): ChainVerdict => ({
      ok: false,
      checked,
      lastSeq: expectedSeq - 1,
      firstBroken: { seq: e.seq, reason, detail },
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
    prevHash = e.hash;
    expectedSeq += 1;
    checked += 1;
  }
  return { ok: true, checked, lastSeq: expectedSeq - 1 };
}
