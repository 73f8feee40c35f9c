import { sql, type Kysely } from 'kysely';

/**
 * The fingerprint of the key that signed each cached directory entry (`sig.key` of the
 * envelope it came in), as a column of its own: a search answers with it for every entry it
 * returns, and reading it from the envelope meant fetching and parsing a second copy of the
 * entry. Filled from the stored envelopes; own entries (no envelope) keep null.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('directory_entries').addColumn('signed_by', 'text').execute();
  const rows = await sql<{ node_id: string; envelope: string }>`select node_id, envelope from directory_entries where envelope is not null`.execute(db);
  for (const r of rows.rows) {
    await sql`update directory_entries set signed_by = ${signerOf(r.envelope)} where node_id = ${r.node_id}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('directory_entries').dropColumn('signed_by').execute();
}

// A copy, not an import: a migration must keep doing what it did when it shipped.
function signerOf(envelope: string): string | null {
  try {
    const key = (JSON.parse(envelope) as { sig?: { key?: unknown } }).sig?.key;
    return typeof key === 'string' ? key : null;
  } catch {
    return null;
  }
}
