import { sql, type Kysely } from 'kysely';

/**
 * Phone and fax numbers are searched by their digits too (directory.search.ts): the search
 * text of the entries already stored gets the digits-only form of their numbers appended, as
 * storing them again would write it. Nothing to undo: the extra text only adds matches.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const rows = await sql<{ node_id: string; entry: string; search_text: string }>`select node_id, entry, search_text from directory_entries`.execute(db);
  for (const r of rows.rows) {
    const digits = numbersOf(r.entry);
    if (digits.length === 0) continue;
    await sql`update directory_entries set search_text = ${[r.search_text, ...digits].join(' \u0001 ')} where node_id = ${r.node_id}`.execute(db);
  }
}

export async function down(): Promise<void> {}

// A copy, not an import: a migration must keep doing what it did when it shipped.
function numbersOf(entry: string): string[] {
  try {
    const e = JSON.parse(entry) as { contacts?: { channels?: { kind?: unknown; value?: unknown }[] }[] };
    return (e.contacts ?? []).flatMap((c) => (c.channels ?? []).filter((ch) => (ch.kind === 'phone' || ch.kind === 'fax') && typeof ch.value === 'string').map((ch) => String(ch.value).replace(/\D/g, '')));
  } catch {
    return [];
  }
}
