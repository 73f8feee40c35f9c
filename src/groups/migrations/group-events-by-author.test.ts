import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openEmptyStore } from '../../../test/_util/db.js';
import type { StoreHandle } from '../../store/db.js';
import type { Database } from '../../store/schema.js';
import { listGroupIds } from '../groups.repository.js';
import * as v1 from './20261128T190000-groups.js';
import * as byAuthor from './20261201T160000-group-events-by-author.js';

const row = (author: string, event_id: string) => ({ event_id, group_id: 'g', type: 'proposal' as const, author, created_at: '2026-12-01T00:00:00.000Z', proposal_id: null, kind: 'create', envelope: '{}', sig_key: 'k', received_at: '2026-12-01T00:00:00.000Z' });

describe.each(DIALECTS)('group events keyed by (author, event_id): the migration (%s)', (dialect) => {
  let store: StoreHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    store = await openEmptyStore(dialect);
  });
  afterAll(async () => {
    await store?.drop();
  });

  it('keeps the rows it finds, then takes one event id from two authors but not twice from one', async () => {
    const db = store.db as unknown as Kysely<Database>;
    const raw = store.db as unknown as Kysely<unknown>;
    await v1.up(raw);
    await db.insertInto('group_events').values(row('uz-cert', 'e1')).execute();
    await byAuthor.up(raw);
    expect(await db.selectFrom('group_events').select(['author', 'event_id']).execute()).toEqual([{ author: 'uz-cert', event_id: 'e1' }]);
    await db.insertInto('group_events').values(row('kg-cert', 'e1')).execute();
    await expect(db.insertInto('group_events').values(row('uz-cert', 'e1')).execute()).rejects.toThrow();
    // Two founding proposals for one group id (one squatting it) list the group once.
    expect(await listGroupIds(db)).toEqual(['g']);
    const q = { event_id: 'e1', author: 'kg-cert', digest: 'd', group_id: 'g', envelope: '{}', sig_key: 'k', received_at: '2026-12-01T00:00:00.000Z' };
    await db.insertInto('group_event_equivocations').values(q).execute();
    await expect(db.insertInto('group_event_equivocations').values(q).execute()).rejects.toThrow();
    await byAuthor.down(raw);
    expect(await db.selectFrom('group_events').select(['author', 'event_id']).execute()).toEqual([{ author: 'uz-cert', event_id: 'e1' }]);
  });
});
