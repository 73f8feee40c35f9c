import { sql, type Kysely } from 'kysely';

/** Rows of the store read per step of the backfill. */
const STEP = 2000;

/**
 * The incoming-links index (target id → the relationship or sighting version pointing at it),
 * filled from the objects already held; and the record of which objects came in which peer's
 * release (for the TAXII collections of received releases and groups: it starts empty, since
 * what came before was not recorded).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('intel_links')
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('intel_links_pk', ['target_id', 'object_id', 'version'])
    .execute();
  await db.schema
    .createTable('intel_received_objects')
    .addColumn('from_node', 'text', (c) => c.notNull())
    .addColumn('release_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('intel_received_objects_pk', ['from_node', 'release_id', 'object_id', 'version'])
    .execute();
  await db.schema.createIndex('intel_received_objects_group_idx').on('intel_received_objects').columns(['group_id', 'object_id', 'version']).execute();
  await db.schema.createIndex('intel_received_objects_object_idx').on('intel_received_objects').columns(['object_id', 'version']).execute();

  // Backfill the links from the relationships and sightings held, a step at a time.
  let after = 0;
  for (;;) {
    const rows = (
      await sql<{ seq: number | string; id: string; version: string; object: string }>`
        select seq, id, version, object from intel_objects
        where type in ('relationship', 'sighting') and seq > ${after} order by seq limit ${STEP}`.execute(db)
    ).rows;
    if (rows.length === 0) break;
    for (const r of rows) {
      const o = JSON.parse(r.object) as { target_ref?: unknown; sighting_of_ref?: unknown };
      const target = typeof o.target_ref === 'string' ? o.target_ref : typeof o.sighting_of_ref === 'string' ? o.sighting_of_ref : null;
      if (target) await sql`insert into intel_links (target_id, object_id, version) values (${target}, ${r.id}, ${r.version}) on conflict do nothing`.execute(db);
    }
    after = Number(rows[rows.length - 1]!.seq);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('intel_received_objects').execute();
  await db.schema.dropTable('intel_links').execute();
}
