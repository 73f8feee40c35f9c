import { CompiledQuery, sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY_ROTATION_TYPE } from '../../src/federation/keyring.js';
import { isPending, isPendingRotation } from '../../src/federation/outbox.conditions.js';
import type { Database } from '../../src/store/schema.js';
import { DIALECTS } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';

/** The plan of a query, as one string: SQLite's EXPLAIN QUERY PLAN details, or PostgreSQL's EXPLAIN lines. */
async function planOf(db: Kysely<Database>, dialect: string, q: CompiledQuery): Promise<string> {
  if (dialect === 'sqlite') {
    const r = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]));
    return r.rows.map((x) => x.detail).join('\n');
  }
  // An empty table is cheaper to scan than to index; the question is whether the index can serve.
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    const r = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${q.sql}`, [...q.parameters]));
    return r.rows.map((x) => x['QUERY PLAN']).join('\n');
  });
}

describe.each(DIALECTS)('outbox partial indexes for pending messages (%s)', (dialect) => {
  let node: TestNode;
  afterEach(() => node?.close());

  it('serve the delivery queries: pending in release order, and a pending key rotation', async () => {
    node = await createTestNode(dialect);
    const { db } = node.ctx.store;
    const next = db.selectFrom('outbox').select(['id', 'envelope']).where('peer_id', '=', 'peer-x').where(isPending).where('type', '!=', KEY_ROTATION_TYPE).orderBy('seq').limit(500).compile();
    const rotation = db.selectFrom('outbox').select(['id']).where('peer_id', '=', 'peer-x').where(isPendingRotation).orderBy('seq').limit(10).compile();
    expect(await planOf(db, dialect, next)).toContain('outbox_pending_seq_idx');
    expect(await planOf(db, dialect, rotation)).toContain('outbox_pending_rotation_idx');
  });

  it('keep only pending messages: a settled message leaves the index', async () => {
    node = await createTestNode(dialect);
    const { db } = node.ctx.store;
    const row = (id: string, seq: number, type = 'federation.notice/v1') => ({ id, peer_id: 'peer-x', seq, type, envelope: '{}', state: 'pending' as const, created_at: '2026-11-29T00:00:00.000Z', delivered_at: null, receipt_id: null, reject_reason: null });
    await db.insertInto('outbox').values([row('m-1', 1), row('m-2', 2, KEY_ROTATION_TYPE), row('m-3', 3)]).execute();
    await db.updateTable('outbox').set({ state: 'delivered' }).where('id', '=', 'm-1').execute();
    const pending = await db.selectFrom('outbox').select('id').where('peer_id', '=', 'peer-x').where(isPending).orderBy('seq').execute();
    const rotations = await db.selectFrom('outbox').select('id').where('peer_id', '=', 'peer-x').where(isPendingRotation).execute();
    expect(pending.map((r) => r.id)).toEqual(['m-2', 'm-3']);
    expect(rotations.map((r) => r.id)).toEqual(['m-2']);
  });
});
