import { GENESIS_HASH, hashAuditEntry } from '../../src/audit/audit.chain.js';
import type { Db } from '../../src/store/db.js';

/**
 * What an intruder with write access to the database does to hide a change: edit an entry and
 * recompute every hash after it, so that the chain is consistent in itself again.
 */
export async function rewriteFrom(db: Db, seq: number, change: { actor?: string; action?: string; details?: Record<string, unknown> } = {}): Promise<void> {
  const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', seq).orderBy('seq').execute();
  const before = await db.selectFrom('audit_log').select('hash').where('seq', '=', seq - 1).executeTakeFirst();
  let prev = before?.hash ?? GENESIS_HASH;
  for (const r of rows) {
    const fields = { seq: Number(r.seq), at: r.at, actor: r.actor, action: r.action, target: r.target, ip: r.ip, details: JSON.parse(r.details) as Record<string, unknown>, prev_hash: prev };
    if (fields.seq === seq) Object.assign(fields, change);
    const hash = hashAuditEntry(fields);
    await db.updateTable('audit_log').set({ actor: fields.actor, action: fields.action, details: JSON.stringify(fields.details), prev_hash: prev, hash }).where('seq', '=', fields.seq).execute();
    prev = hash;
  }
}

/** Deletes one entry, renumbers the ones after it and recomputes their hashes: no gap is left. */
export async function deleteAndRenumber(db: Db, seq: number): Promise<void> {
  await db.deleteFrom('audit_log').where('seq', '=', seq).execute();
  const later = await db.selectFrom('audit_log').select('seq').where('seq', '>', seq).orderBy('seq').execute();
  for (const r of later) await db.updateTable('audit_log').set({ seq: Number(r.seq) - 1 }).where('seq', '=', Number(r.seq)).execute();
  await rewriteFrom(db, seq);
}

export async function headSeq(db: Db): Promise<number> {
  const r = await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
  return Number(r.seq);
}
