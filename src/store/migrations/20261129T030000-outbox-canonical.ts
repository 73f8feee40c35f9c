import type { Kysely } from 'kysely';
import { canonicalJson } from '../../crypto/canonical.js';

type OutboxDb = Kysely<{ outbox: { id: string; envelope: string } }>;

/**
 * The outbox now keeps each envelope as its RFC 8785 canonical JSON, from which batches are
 * assembled without parsing; envelopes queued before are rewritten in that form (same
 * content, same signature, member order only).
 */
export async function up(raw: Kysely<unknown>): Promise<void> {
  const db = raw as unknown as OutboxDb;
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('outbox').select(['id', 'envelope']).where('id', '>', after).orderBy('id').limit(500).execute();
    if (rows.length === 0) return;
    for (const r of rows) {
      const canonical = canonicalJson(JSON.parse(r.envelope));
      if (canonical !== r.envelope) await db.updateTable('outbox').set({ envelope: canonical }).where('id', '=', r.id).execute();
    }
    after = rows[rows.length - 1]!.id;
  }
}

// Canonical JSON is JSON: earlier code reads it as it is.
export async function down(): Promise<void> {}
