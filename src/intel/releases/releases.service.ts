import { createHash } from 'node:crypto';
import { appendAudit } from '../../audit/audit.repository.js';
import type { Actor, NodeContext } from '../../context.js';
import { ConflictError, invalidFields, NotFoundError } from '../../errors.js';
import { findPeer } from '../../federation/peers.repository.js';
import { getGroup } from '../../groups/groups.service.js';
import type { DbOrTrx } from '../../store/db.js';
import { newId } from '../../util/ids.js';
import type { ReleaseFilter, ReleasePeerRow, ReleaseRow } from '../intel.tables.js';
import { DEFAULT_POLICY, type Audience } from '../policy/release.policy.js';
import { policyWhere } from '../store/objects.query.js';
import { idIn } from '../store/objects.repository.js';
import type { AudienceInput, NewRelease } from './releases.schemas.js';

/** The job that sends releases to their peers (releases.jobs.ts). */
export const RELEASES_JOB = 'intel.releases';

export interface ReleaseView {
  id: string;
  title: string;
  audience: AudienceInput;
  filter: ReleaseFilter;
  state: 'active' | 'stopped';
  created_by: string;
  created_at: string;
  stopped_by: string | null;
  stopped_at: string | null;
  peers: { peer_id: string; sent: number; withheld: number; messages: number; updated_at: string }[];
  /** The TAXII collection of this release's objects (the same id). */
  collection_id: string;
}

export function audienceOf(r: Pick<ReleaseRow, 'audience_kind' | 'audience_id'>): AudienceInput {
  return r.audience_kind === 'peer' ? { kind: 'peer', node_id: r.audience_id } : { kind: 'group', group_id: r.audience_id };
}

function toView(r: ReleaseRow, peers: ReleasePeerRow[]): ReleaseView {
  return {
    id: r.id,
    title: r.title,
    audience: audienceOf(r),
    filter: JSON.parse(r.filter) as ReleaseFilter,
    state: r.state,
    created_by: r.created_by,
    created_at: r.created_at,
    stopped_by: r.stopped_by,
    stopped_at: r.stopped_at,
    peers: peers.map((p) => ({ peer_id: p.peer_id, sent: p.sent, withheld: p.withheld, messages: p.next_rseq - 1, updated_at: p.updated_at })),
    collection_id: r.id,
  };
}

/** The store's last seq: a release of new objects considers what comes after it. */
async function storeEnd(db: DbOrTrx): Promise<number> {
  const r = await db.selectFrom('intel_objects').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** Checks the audience: a peer of this node, or an active group it belongs to. */
async function checkAudience(ctx: NodeContext, a: AudienceInput): Promise<void> {
  const me = ctx.identity.node_id;
  if (a.kind === 'peer') {
    const p = a.node_id === me ? undefined : await findPeer(ctx.store.db, a.node_id);
    if (!p || p.status === 'removed') throw invalidFields([{ pointer: '/audience/node_id', code: 'invalid', message: `${a.node_id} is not a peer of this node` }]);
    return;
  }
  const g = await getGroup(ctx, a.group_id).catch((e: unknown) => {
    if (e instanceof NotFoundError) return null;
    throw e;
  });
  if (!g || g.status !== 'active' || !g.members.includes(me)) throw invalidFields([{ pointer: '/audience/group_id', code: 'invalid', message: `this node is no member of an active group ${a.group_id}` }]);
}

/**
 * A filter as the audit log keeps it. The log's readers need not be the release's (an auditor
 * holds no intel:red), and an entry is written once: so the ids it chose are kept as their
 * number and the SHA-256 of their sorted list (enough to check the release's filter against),
 * never by name. The release itself names them to each reader as the policy lets (asSeenBy).
 */
function auditedFilter(f: ReleaseFilter): Record<string, unknown> {
  const { ids, ...rest } = f;
  if (!ids) return rest;
  return { ...rest, ids: { count: ids.length, sha256: createHash('sha256').update([...ids].sort().join('\n')).digest('hex') } };
}

/** Makes a release: from now on its objects (and their later versions and revocations) go to its audience. */
export async function createRelease(ctx: NodeContext, actor: Actor, input: NewRelease): Promise<ReleaseView> {
  const f = input.filter;
  if (!f.types && !f.ids && f.new_local !== true) throw invalidFields([{ pointer: '/filter', code: 'required', message: 'give types, ids or new_local: true' }]);
  await checkAudience(ctx, input.audience);
  const id = newId();
  const filter: ReleaseFilter = { ...(f.types ? { types: f.types } : {}), ...(f.ids ? { ids: f.ids } : {}), ...(f.new_local ? { new_local: true } : {}) };
  const row: ReleaseRow = await ctx.store.db.transaction().execute(async (trx) => {
    const r = {
      id,
      title: input.title,
      audience_kind: input.audience.kind as 'peer' | 'group',
      audience_id: input.audience.kind === 'peer' ? input.audience.node_id : input.audience.group_id,
      filter: JSON.stringify(filter),
      from_seq: filter.new_local ? await storeEnd(trx) : 0,
      state: 'active' as const,
      created_by: actor.ref,
      created_at: new Date().toISOString(),
      stopped_by: null,
      stopped_at: null,
    };
    await trx.insertInto('intel_releases').values(r).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'intel.release', target: `intel_release:${id}`, details: { title: r.title, audience: input.audience, filter: auditedFilter(filter) } });
    return r;
  });
  ctx.jobs.runSoon(RELEASES_JOB);
  return toView(row, []);
}

export async function listReleases(ctx: NodeContext): Promise<ReleaseView[]> {
  const rows = await ctx.store.db.selectFrom('intel_releases').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1000).execute();
  const peers = rows.length ? await ctx.store.db.selectFrom('intel_release_peers').selectAll().where('release_id', 'in', rows.map((r) => r.id)).orderBy('peer_id').execute() : [];
  return rows.map((r) => toView(r, peers.filter((p) => p.release_id === r.id)));
}

export async function findRelease(db: DbOrTrx, id: string): Promise<ReleaseRow | undefined> {
  return db.selectFrom('intel_releases').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getRelease(ctx: NodeContext, id: string): Promise<ReleaseView> {
  const r = await findRelease(ctx.store.db, id);
  if (!r) throw new NotFoundError(`release ${id}`);
  const peers = await ctx.store.db.selectFrom('intel_release_peers').selectAll().where('release_id', '=', id).orderBy('peer_id').execute();
  return toView(r, peers);
}

/**
 * A release as a reader sees it: the ids it names of objects held here that the reader may not
 * see in any version are left out of its filter, so that the release pages name no more than
 * the objects list shows (an id not held here stays: it tells nothing).
 */
export async function asSeenBy(db: DbOrTrx, views: ReleaseView[], audience: Audience): Promise<ReleaseView[]> {
  const named = [...new Set(views.flatMap((v) => v.filter.ids ?? []))];
  if (named.length === 0) return views;
  const held = new Set<string>();
  const seen = new Set<string>();
  for (let i = 0; i < named.length; i += 500) {
    const part = named.slice(i, i + 500);
    for (const r of await db.selectFrom('intel_objects').select('id').distinct().where(idIn(db, part)).execute()) held.add(r.id);
    for (const r of await db.selectFrom('intel_objects').select('id').distinct().where(idIn(db, part)).where(policyWhere(audience, DEFAULT_POLICY)).execute()) seen.add(r.id);
  }
  return views.map((v) => (v.filter.ids ? { ...v, filter: { ...v.filter, ids: v.filter.ids.filter((id) => !held.has(id) || seen.has(id)) } } : v));
}

/** Stops a release: nothing more is queued for it (what was queued still leaves). */
export async function stopRelease(ctx: NodeContext, actor: Actor, id: string): Promise<ReleaseView> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const r = await findRelease(trx, id);
    if (!r) throw new NotFoundError(`release ${id}`);
    if (r.state === 'stopped') throw new ConflictError(`release ${id} was stopped at ${r.stopped_at}`);
    const at = new Date().toISOString();
    const u = await trx.updateTable('intel_releases').set({ state: 'stopped', stopped_by: actor.ref, stopped_at: at }).where('id', '=', id).where('state', '=', 'active').executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) throw new ConflictError(`release ${id} was stopped meanwhile`);
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'intel.release_stop', target: `intel_release:${id}`, details: { title: r.title } });
  });
  return getRelease(ctx, id);
}
