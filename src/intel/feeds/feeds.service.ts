import { appendAudit } from '../../audit/audit.repository.js';
import type { Actor, NodeContext } from '../../context.js';
import { secretPlace } from '../../crypto/secret-box.js';
import { AppError, ConflictError, invalidFields, NotFoundError } from '../../errors.js';
import type { DbOrTrx } from '../../store/db.js';
import { newId } from '../../util/ids.js';
import type { FeedRow } from '../intel.tables.js';
import { tlpOfMarkingId } from '../policy/markings.js';
import { checkDefaultMarking, normaliseApiRoot, type ConfigProblem } from './feeds.rules.js';
import { FEED_LIMITS, type FeedChange, type FeedView, type NewFeed } from './feeds.schemas.js';

/** The job that follows feeds (feeds.jobs.ts). */
export const FEEDS_JOB = 'intel.feeds';

/** Where a feed's secret is sealed: the associated data names the row, so a copied value does not open. */
export function feedSecretPlace(feedId: string): string {
  return secretPlace('intel_feeds', 'secret', feedId);
}

export function toFeedView(r: FeedRow, now = new Date()): FeedView {
  return {
    id: r.id,
    title: r.title,
    api_root: r.api_root,
    collection_id: r.collection_id,
    auth: { kind: r.auth_kind, username: r.username, has_secret: r.secret !== null },
    default_marking: r.default_marking,
    default_tlp: tlpOfMarkingId(r.default_marking)?.level ?? 'amber',
    interval_minutes: r.interval_minutes,
    page_size: r.page_size,
    enabled: r.enabled === 1,
    state: {
      added_after: r.added_after,
      resuming: r.next !== null,
      running: r.lease_until !== null && r.lease_until > now.toISOString(),
      due_at: r.due_at,
      last_run_at: r.last_run_at,
      last_success_at: r.last_success_at,
      last_error: r.last_error,
    },
    counts: { pages: r.pages, objects: r.objects_received, stored: r.stored, duplicates: r.duplicates, refused: r.refused, marked: r.marked },
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function check(problems: (ConfigProblem | null)[]): void {
  const p = problems.filter((x): x is ConfigProblem => x !== null);
  if (p.length) throw invalidFields(p);
}

function apiRootOf(raw: string): string {
  const r = normaliseApiRoot(raw);
  if ('code' in r) throw invalidFields([r]);
  return r.url;
}

type AuthInput = NonNullable<NewFeed['auth']>;
function authColumns(ctx: NodeContext, id: string, a: AuthInput): Pick<FeedRow, 'auth_kind' | 'username' | 'secret'> {
  if (a.kind === 'none') return { auth_kind: 'none', username: null, secret: null };
  if (a.kind === 'token') return { auth_kind: 'token', username: null, secret: ctx.secrets.seal(a.token, feedSecretPlace(id)) };
  return { auth_kind: 'basic', username: a.username, secret: ctx.secrets.seal(a.password, feedSecretPlace(id)) };
}

export async function findFeed(db: DbOrTrx, id: string): Promise<FeedRow | undefined> {
  return db.selectFrom('intel_feeds').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Adds a feed to follow; it is due at once. Nothing is fetched here: the job does. */
export async function createFeed(ctx: NodeContext, actor: Actor, input: NewFeed): Promise<FeedView> {
  const api_root = apiRootOf(input.api_root);
  check([checkDefaultMarking(input.default_marking)]);
  const id = newId();
  const now = new Date().toISOString();
  const row: FeedRow = {
    id,
    title: input.title,
    api_root,
    collection_id: input.collection_id,
    ...authColumns(ctx, id, input.auth ?? { kind: 'none' }),
    default_marking: input.default_marking,
    interval_minutes: input.interval_minutes ?? FEED_LIMITS.intervalDefault,
    page_size: input.page_size ?? FEED_LIMITS.pageSizeDefault,
    enabled: input.enabled === false ? 0 : 1,
    added_after: null,
    next: null,
    run_added_after: null,
    run_added_last: null,
    last_run_at: null,
    last_success_at: null,
    last_error: null,
    due_at: now,
    lease_until: null,
    pages: 0,
    objects_received: 0,
    stored: 0,
    duplicates: 0,
    refused: 0,
    marked: 0,
    created_by: actor.ref,
    created_at: now,
    updated_at: now,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.insertInto('intel_feeds').values(row).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'intel.feed_create', target: `intel_feed:${id}`, details: { title: row.title, api_root, collection_id: row.collection_id, default_marking: row.default_marking } });
  });
  if (row.enabled) ctx.jobs.runSoon(FEEDS_JOB);
  return toFeedView(row);
}

export async function listFeeds(ctx: NodeContext): Promise<FeedView[]> {
  const rows = await ctx.store.db.selectFrom('intel_feeds').selectAll().orderBy('title').orderBy('id').limit(1000).execute();
  const now = new Date();
  return rows.map((r) => toFeedView(r, now));
}

export async function getFeed(ctx: NodeContext, id: string): Promise<FeedView> {
  const r = await findFeed(ctx.store.db, id);
  if (!r) throw new NotFoundError(`feed ${id}`);
  return toFeedView(r);
}

/** Changes a feed. A new address or collection starts from the beginning (the old cursor means nothing there). */
export async function updateFeed(ctx: NodeContext, actor: Actor, id: string, change: FeedChange): Promise<FeedView> {
  const api_root = change.api_root === undefined ? undefined : apiRootOf(change.api_root);
  if (change.default_marking !== undefined) check([checkDefaultMarking(change.default_marking)]);
  await ctx.store.db.transaction().execute(async (trx) => {
    const r = await findFeed(trx, id);
    if (!r) throw new NotFoundError(`feed ${id}`);
    const now = new Date().toISOString();
    if (r.lease_until !== null && r.lease_until > now) throw new ConflictError(`feed ${id} is being read; change it when the run ends`);
    const moved = (api_root !== undefined && api_root !== r.api_root) || (change.collection_id !== undefined && change.collection_id !== r.collection_id);
    const set: Partial<FeedRow> = {
      ...(change.title !== undefined ? { title: change.title } : {}),
      ...(api_root !== undefined ? { api_root } : {}),
      ...(change.collection_id !== undefined ? { collection_id: change.collection_id } : {}),
      ...(change.auth !== undefined ? authColumns(ctx, id, change.auth) : {}),
      ...(change.default_marking !== undefined ? { default_marking: change.default_marking } : {}),
      ...(change.interval_minutes !== undefined ? { interval_minutes: change.interval_minutes } : {}),
      ...(change.page_size !== undefined ? { page_size: change.page_size } : {}),
      ...(change.enabled !== undefined ? { enabled: change.enabled ? 1 : 0 } : {}),
      ...(moved ? { added_after: null, next: null, run_added_after: null, run_added_last: null, due_at: now } : {}),
      ...(change.enabled === true && r.enabled === 0 ? { due_at: now } : {}),
      updated_at: now,
    };
    await trx.updateTable('intel_feeds').set(set).where('id', '=', id).execute();
    const details = { ...change, ...(change.auth ? { auth: { kind: change.auth.kind } } : {}), ...(moved ? { restarted: true } : {}) };
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'intel.feed_update', target: `intel_feed:${id}`, details });
  });
  ctx.jobs.runSoon(FEEDS_JOB);
  return getFeed(ctx, id);
}

/** Stops following a feed. What it brought stays in the store. */
export async function deleteFeed(ctx: NodeContext, actor: Actor, id: string): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const r = await findFeed(trx, id);
    if (!r) throw new NotFoundError(`feed ${id}`);
    await trx.deleteFrom('intel_feeds').where('id', '=', id).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'intel.feed_delete', target: `intel_feed:${id}`, details: { title: r.title } });
  });
}

/** A run asked for while another holds the feed. */
export class FeedBusyError extends AppError {
  override name = 'FeedBusyError';
  constructor(id: string) {
    super(409, 'feed-running', 'Feed being read', `feed ${id} is being read now; its state shows the outcome when the run ends`);
  }
}
