import { CompiledQuery } from 'kysely';
import { type Db, type DbOrTrx, type Dialect, transactionLock } from '../store/db.js';
import { sqliteInsert } from '../store/insert-rows.js';
import { GENESIS_HASH, hashAuditEntry } from './audit.chain.js';
import type { AuditEntry, AuditTable } from './audit.tables.js';

export interface AuditInput {
  actor: string;
  action: string;
  target?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

function rowToEntry(r: AuditTable): AuditEntry {
  return { ...r, seq: Number(r.seq), details: JSON.parse(r.details) as Record<string, unknown> };
}

/**
 * Appends one entry. Must run inside a transaction so that the entry commits with the change
 * it records; on PostgreSQL an advisory lock serialises writers from every process.
 */
export async function appendAudit(trx: DbOrTrx, dialect: Dialect, input: AuditInput): Promise<AuditEntry> {
  return (await appendAuditMany(trx, dialect, [input]))[0]!;
}

/** Holds the chain's head still until the transaction ends (PostgreSQL; SQLite has one writer). */
export async function lockAuditChain(trx: DbOrTrx, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await transactionLock(trx, 'audit.chain');
}

/** The newest entry's seq and hash, or none in an empty log. */
export async function auditHead(trx: DbOrTrx): Promise<{ seq: number; hash: string } | undefined> {
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return last ? { seq: Number(last.seq), hash: last.hash } : undefined;
}

const HEAD = CompiledQuery.raw('select "seq", "hash" from "audit_log" order by "seq" desc limit 1');
const AUDIT_COLUMNS = ['seq', 'at', 'actor', 'action', 'target', 'ip', 'details', 'prev_hash', 'hash'] as const;

/** Appends several entries, chained in the order given, with one lock and one read of the head. */
export async function appendAuditMany(trx: DbOrTrx, dialect: Dialect, inputs: AuditInput[]): Promise<AuditEntry[]> {
  if (inputs.length === 0) return [];
  // The head is read and the entries written under one lock, which lasts as long as a transaction.
  if (!trx.isTransaction) return trx.transaction().execute((t) => appendAuditMany(t, dialect, inputs));
  await lockAuditChain(trx, dialect);
  // Written out once rather than built for each of a busy node's actions (as the insert on SQLite).
  const last = (await trx.executeQuery<{ seq: number | string; hash: string }>(HEAD)).rows[0];
  let seq = last ? Number(last.seq) : 0;
  let prev = last?.hash ?? GENESIS_HASH;
  const at = new Date().toISOString();
  const entries = inputs.map((input): AuditEntry => {
    const fields = { seq: ++seq, at, actor: input.actor, action: input.action, target: input.target ?? null, ip: input.ip ?? null, details: input.details ?? {}, prev_hash: prev };
    const entry = { ...fields, hash: hashAuditEntry(fields) };
    prev = entry.hash;
    return entry;
  });
  const rows = entries.map((e) => ({ ...e, details: JSON.stringify(e.details) }));
  if (dialect === 'sqlite') {
    await sqliteInsert(trx, 'audit_log', AUDIT_COLUMNS, rows, { returning: [] });
    return entries;
  }
  // 100 rows × 9 columns stays well under PostgreSQL's bind-parameter limit.
  for (let i = 0; i < entries.length; i += 100) {
    await trx
      .insertInto('audit_log')
      .values(rows.slice(i, i + 100))
      .execute();
  }
  return entries;
}

export async function listAudit(
  db: Db,
  opts: { afterSeq?: number; limit: number; newestFirst?: boolean },
): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (opts.newestFirst) {
    if (opts.afterSeq !== undefined) q = q.where('seq', '<', opts.afterSeq);
    q = q.orderBy('seq', 'desc');
  } else {
    if (opts.afterSeq !== undefined) q = q.where('seq', '>', opts.afterSeq);
    q = q.orderBy('seq', 'asc');
  }
  const rows = await q.limit(opts.limit).execute();
  return rows.map(rowToEntry);
}

/** Streams the whole log in pages, oldest first, without holding it all in memory. */
export async function* iterateAudit(db: Db, pageSize = 1000): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const page = await listAudit(db, { afterSeq: after, limit: pageSize });
    for (const e of page) yield e;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.seq;
  }
}
