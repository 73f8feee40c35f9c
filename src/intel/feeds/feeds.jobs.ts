import { appendAudit } from '../../audit/audit.repository.js';
import type { JobContext } from '../../capability.js';
import type { FastifyBaseLogger } from 'fastify';
import type { NodeContext } from '../../context.js';
import type { DbOrTrx } from '../../store/db.js';
import { NotFoundError } from '../../errors.js';
import { parseWebhookAllow } from '../../notifications/webhook-target.js';
import type { FeedRow } from '../intel.tables.js';
import { RELEASES_JOB } from '../releases/releases.service.js';
import { validateStixObject } from '../stix/index.js';
import { idIn, indexedLookups, storeObjects, type PreparedObject } from '../store/objects.repository.js';
import { prepareObject } from '../store/prepare.js';
import { afterPage, isTaxiiTimestamp, objectsUrl, pageRequest, restartWalk, startRun, withDefaultMarking, type FeedCursor } from './feeds.rules.js';
import { FEEDS_JOB, FeedBusyError, feedSecretPlace, findFeed } from './feeds.service.js';
import { FeedFetchError, fetchObjectsPage, type FeedAuth } from './taxii-client.js';

/** One request's deadline. */
const TIMEOUT_MS = 30_000;
/** The largest page body read (1,000 objects of up to 32 kB). */
const MAX_PAGE_BYTES = 32 * 1024 * 1024;
/** A run reads at most this many pages, then lets the next run go on (other feeds get their turn). */
const PAGES_PER_RUN = 50;
/** A run holds its feed this long at most; one that died lets go when it passes. */
const LEASE_MS = 10 * 60_000;

export interface RunOutcome {
  pages: number;
  objects: number;
  stored: number;
  duplicates: number;
  refused: number;
  marked: number;
  error: string | null;
  /** The walk reached the collection's end. */
  done: boolean;
}

/** How many of these object versions the store holds already. */
async function countHeld(trx: DbOrTrx, objects: readonly PreparedObject[]): Promise<number> {
  if (objects.length === 0) return 0;
  // Through the (id, version) index whatever the statistics say (see indexedLookups).
  await indexedLookups(trx, true);
  let n = 0;
  for (let i = 0; i < objects.length; i += 500) {
    const chunk = objects.slice(i, i + 500);
    const rows = await trx.selectFrom('intel_objects').select(['id', 'version']).where(idIn(trx, [...new Set(chunk.map((o) => o.id))])).execute();
    const held = new Set(rows.map((r) => `${r.id}\u0000${r.version}`));
    n += chunk.filter((o) => held.has(`${o.id}\u0000${o.version}`)).length;
  }
  await indexedLookups(trx, false);
  return n;
}

/** Follows every enabled feed that is due (job `intel.feeds`). */
export async function followFeeds(ctx: NodeContext, job?: JobContext): Promise<void> {
  const now = new Date().toISOString();
  const due = await ctx.store.db.selectFrom('intel_feeds').select('id').where('enabled', '=', 1).where('due_at', '<=', now).orderBy('due_at').execute();
  for (const { id } of due) {
    try {
      await runFeed(ctx, id, job?.log);
    } catch (e) {
      if (!(e instanceof FeedBusyError) && !(e instanceof NotFoundError)) job?.log.error({ err: e, feed: id }, 'feed run failed');
    }
  }
}

function cursorOf(r: FeedRow): FeedCursor {
  return { added_after: r.added_after, next: r.next, run_added_after: r.run_added_after, run_added_last: r.run_added_last };
}

function authOf(ctx: NodeContext, r: FeedRow): FeedAuth {
  if (r.auth_kind === 'none' || r.secret === null) return { kind: 'none' };
  const secret = ctx.secrets.open(r.secret, feedSecretPlace(r.id));
  return r.auth_kind === 'token' ? { kind: 'token', token: secret } : { kind: 'basic', username: r.username ?? '', password: secret };
}

/**
 * Reads a feed now: pages from its cursor (feeds.rules.ts), each page's objects marked with the
 * feed's default marking when they carry no TLP, validated as imports are, and stored as
 * `received` from `feed:<id>` in the transaction that moves the cursor past the page. Stops at
 * the collection's end, at the first error (kept on the feed; the next run asks the same page
 * again) or after PAGES_PER_RUN pages. A hostile or broken server cannot keep a run going: a
 * `next` token it gave before in the run (A, B, A…) is an error, and a page that is not a TAXII
 * envelope, too large or nested too deep is refused whole before anything of it is stored. Throws FeedBusyError when another run holds the feed.
 */
export async function runFeed(ctx: NodeContext, id: string, log?: FastifyBaseLogger): Promise<RunOutcome> {
  const db = ctx.store.db;
  const started = new Date();
  const lease = new Date(started.getTime() + LEASE_MS).toISOString();
  const took = await db
    .updateTable('intel_feeds')
    .set({ lease_until: lease })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', started.toISOString())]))
    .executeTakeFirst();
  if (Number(took.numUpdatedRows) !== 1) {
    if (!(await findFeed(db, id))) throw new NotFoundError(`feed ${id}`);
    throw new FeedBusyError(id);
  }
  const out: RunOutcome = { pages: 0, objects: 0, stored: 0, duplicates: 0, refused: 0, marked: 0, error: null, done: false };
  const row = (await findFeed(db, id))!;
  const source = `feed:${id}`;
  let cursor = startRun(cursorOf(row));
  let restarted = false;
  /** The tokens this run asked with: one given again means the server's paging loops. */
  const tokens = new Set(cursor.next === null ? [] : [cursor.next]);
  try {
    const auth = authOf(ctx, row);
    const allow = parseWebhookAllow(ctx.settings.feedAllow);
    while (out.pages < PAGES_PER_RUN) {
      const q = pageRequest(cursor);
      const url = objectsUrl(row.api_root, row.collection_id, { ...q, limit: row.page_size });
      let page;
      try {
        page = await fetchObjectsPage(url, { auth, allow, timeoutMs: TIMEOUT_MS, maxBytes: MAX_PAGE_BYTES });
      } catch (e) {
        // A token the server no longer knows: the walk starts again at its own added_after (once a run).
        if (e instanceof FeedFetchError && q.next !== null && !restarted && (e.status === 400 || e.status === 404)) {
          restarted = true;
          cursor = restartWalk(cursor);
          tokens.clear();
          continue;
        }
        throw e;
      }
      if (page.more && page.next !== null) {
        if (tokens.has(page.next)) throw new FeedFetchError(`the server's paging loops: it gave the token ${JSON.stringify(page.next.slice(0, 40))} again; the walk stopped there`);
        tokens.add(page.next);
      }
      const prepared: PreparedObject[] = [];
      const markedObjects: PreparedObject[] = [];
      let refused = 0;
      for (const raw of page.objects) {
        if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
          refused++;
          continue;
        }
        const m = withDefaultMarking(raw as Record<string, unknown>, row.default_marking);
        const v = validateStixObject(m.object);
        if (!v.ok) {
          refused++;
          continue;
        }
        const p = prepareObject(v.object);
        if (m.marked) markedObjects.push(p);
        prepared.push(p);
      }
      const dateAddedLast = page.dateAddedLast !== null && isTaxiiTimestamp(page.dateAddedLast) ? page.dateAddedLast : null;
      const step = afterPage(cursor, { more: page.more && page.objects.length > 0, next: page.next, dateAddedLast });
      let marked = 0;
      await db.transaction().execute(async (trx) => {
        // Marked: those stored now (one read again, already held, was counted when it came).
        marked = markedObjects.length - (await countHeld(trx, markedObjects));
        const s = await storeObjects(trx, prepared, 'received', source, new Date(), ctx.store.sqlite);
        out.stored += s.stored;
        out.duplicates += s.duplicates;
        // The cursor moves only from where this run found it and while it holds the feed.
        const u = await trx
          .updateTable('intel_feeds')
          .set((eb) => ({
            ...step.cursor,
            pages: eb('pages', '+', 1),
            objects_received: eb('objects_received', '+', page.objects.length),
            stored: eb('stored', '+', s.stored),
            duplicates: eb('duplicates', '+', s.duplicates),
            refused: eb('refused', '+', refused),
            marked: eb('marked', '+', marked),
          }))
          .where('id', '=', id)
          .where('lease_until', '=', lease)
          .executeTakeFirst();
        if (Number(u.numUpdatedRows) !== 1) throw new FeedFetchError('the feed was changed or removed during the run');
      });
      out.pages++;
      out.objects += page.objects.length;
      out.refused += refused;
      out.marked += marked;
      cursor = step.cursor;
      if (step.done) {
        out.done = true;
        break;
      }
    }
  } catch (e) {
    out.error = e instanceof FeedFetchError ? e.message : 'the run failed (see the node log)';
    if (!(e instanceof FeedFetchError)) log?.error({ err: e, feed: id }, 'feed run failed');
  }
  const ended = new Date();
  const current = await findFeed(db, id);
  if (current) {
    const interval = current.interval_minutes * 60_000;
    // Unfinished without error (the page budget): go on at once. An error: try again in a fifth of the interval (at least a minute).
    const wait = out.error !== null ? Math.max(60_000, interval / 5) : out.done ? interval : 0;
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('intel_feeds')
        .set({ lease_until: null, last_run_at: ended.toISOString(), last_error: out.error, due_at: new Date(ended.getTime() + wait).toISOString(), ...(out.error === null ? { last_success_at: ended.toISOString() } : {}) })
        .where('id', '=', id)
        .where('lease_until', '=', lease)
        .execute();
      if (out.stored > 0 || out.refused > 0 || out.error !== null) {
        await appendAudit(trx, ctx.store.dialect, { actor: 'system', ip: null, action: 'intel.feed_run', target: `intel_feed:${id}`, details: { pages: out.pages, stored: out.stored, duplicates: out.duplicates, refused: out.refused, marked: out.marked, error: out.error } });
      }
    });
    if (!out.done && out.error === null) ctx.jobs.runSoon(FEEDS_JOB);
  }
  // What arrived may belong to releases (CLEAR and GREEN may be passed on).
  if (out.stored > 0) ctx.jobs.runSoon(RELEASES_JOB);
  return out;
}
