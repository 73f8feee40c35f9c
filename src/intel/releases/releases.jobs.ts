import type { JobContext } from '../../capability.js';
import type { NodeContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { enqueueMessages } from '../../federation/outbox.service.js';
import { findPeer } from '../../federation/peers.repository.js';
import { getGroup } from '../../groups/groups.service.js';
import type { ReleaseFilter, ReleasePeerRow, ReleaseRow } from '../intel.tables.js';
import { mayReach } from '../policy/release.policy.js';
import { IntelMessage, OBJECTS_PER_MESSAGE, type IntelObjectsBody } from './releases.schemas.js';
import { RELEASES_JOB } from './releases.service.js';

/** Store rows read per transaction: several messages' worth. */
const SCAN = 2000;
/**
 * The objects' JSON in one message, at most (one larger object travels alone): the outbox
 * sends up to 500 messages in one batch and the peer takes batches of up to 32 MiB.
 */
const MESSAGE_BYTES = 60_000;
/** A run stops after this long and asks for the next one at once (other jobs get their turn). */
const RUN_BUDGET_MS = 20_000;

/**
 * Sends releases to their peers. For each active release and each peer entitled to it now (the
 * peer it names, or the members of its group other than this node), a cursor over the store's
 * seq: the objects after it that the filter chooses, in seq order, every version and
 * revocation, go to the peer in messages of up to 500 objects (and about 60 kB) numbered 1, 2, … per release and
 * peer, queued in the outbox in the same transaction that moves the cursor (exactly once,
 * without gaps). seq is assigned under the store's write lock, so one committed later always
 * has a larger seq and no object is passed over. Objects the release policy keeps from the
 * peer are withheld (counted); the outbox's release gate asks the same policy again.
 */
export async function sendReleases(ctx: NodeContext, _job?: JobContext): Promise<number> {
  const started = Date.now();
  let queued = 0;
  const releases = await ctx.store.db.selectFrom('intel_releases').selectAll().where('state', '=', 'active').orderBy('created_at').execute();
  for (const r of releases) {
    for (const peer of await entitledPeers(ctx, r)) {
      for (;;) {
        const n = await sendNext(ctx, r, peer);
        queued += n;
        if (n === 0) break;
        // Let the process serve between transactions: on SQLite the queries complete without
        // ever leaving the event loop, so a long release would otherwise hold off the delivery
        // worker (which sends what is queued already, while the rest is read) and every request.
        await new Promise((resolve) => setImmediate(resolve));
        if (Date.now() - started > RUN_BUDGET_MS) {
          ctx.jobs.runSoon(RELEASES_JOB);
          return queued;
        }
      }
    }
  }
  return queued;
}

/** The peers a release goes to now: the named peer, or the group's members (not this node), if they are peers not removed. */
export async function entitledPeers(ctx: NodeContext, r: Pick<ReleaseRow, 'audience_kind' | 'audience_id'>): Promise<string[]> {
  const me = ctx.identity.node_id;
  let nodes: string[];
  if (r.audience_kind === 'peer') nodes = [r.audience_id];
  else {
    const g = await getGroup(ctx, r.audience_id).catch((e: unknown) => {
      if (e instanceof NotFoundError) return null;
      throw e;
    });
    nodes = g && g.status === 'active' && g.members.includes(me) ? g.members.filter((m) => m !== me) : [];
  }
  const out: string[] = [];
  for (const n of nodes) {
    const p = await findPeer(ctx.store.db, n);
    if (p && p.status !== 'removed') out.push(n);
  }
  return out;
}

/** Queues the next messages of release `r` for `peer`; returns the number of store rows it moved past (0: up to date). */
async function sendNext(ctx: NodeContext, r: ReleaseRow, peer: string): Promise<number> {
  const filter = JSON.parse(r.filter) as ReleaseFilter;
  const named = r.audience_kind === 'peer';
  return ctx.store.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    let state: ReleasePeerRow | undefined = await trx.selectFrom('intel_release_peers').selectAll().where('release_id', '=', r.id).where('peer_id', '=', peer).executeTakeFirst();
    if (!state) {
      const fresh = { release_id: r.id, peer_id: peer, cursor: Number(r.from_seq), next_rseq: 1, sent: 0, withheld: 0, updated_at: now };
      await trx.insertInto('intel_release_peers').values(fresh).execute();
      state = fresh;
    }
    const cursor = Number(state.cursor);
    const end = Number((await trx.selectFrom('intel_objects').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst())?.m ?? 0);
    if (end <= cursor) return 0;
    let q = trx.selectFrom('intel_objects').select(['seq', 'tlp', 'origin', 'object']).where('seq', '>', cursor);
    if (filter.types) q = q.where('type', 'in', filter.types);
    if (filter.ids) q = q.where('id', 'in', filter.ids);
    if (filter.new_local) q = q.where('origin', '=', 'local');
    const rows = await q.orderBy('seq').limit(SCAN).execute();
    // A full page ends at its last row; a short one at the store's end as read before it.
    const next = rows.length === SCAN ? Number(rows[rows.length - 1]!.seq) : Math.max(end, rows.length ? Number(rows[rows.length - 1]!.seq) : 0);
    let withheld = 0;
    let sent = 0;
    const bodies: IntelObjectsBody[] = [];
    const audience: IntelObjectsBody['audience'] = named ? { kind: 'peer' } : { kind: 'group', group_id: r.audience_id };
    let objects: IntelObjectsBody['objects'] = [];
    let bytes = 0;
    const close = () => {
      if (objects.length) bodies.push({ release_id: r.id, title: r.title, audience, rseq: state.next_rseq + bodies.length, objects });
      objects = [];
      bytes = 0;
    };
    for (const row of rows) {
      if (!mayReach({ tlp: row.tlp, origin: row.origin }, { kind: 'peer', named }).allowed) {
        withheld++;
        continue;
      }
      // The object and its entry around it ({"origin":"received","object":…},).
      const size = row.object.length + 32;
      if (objects.length >= OBJECTS_PER_MESSAGE || (objects.length > 0 && bytes + size > MESSAGE_BYTES)) close();
      objects.push({ origin: row.origin, object: JSON.parse(row.object) as Record<string, unknown> });
      bytes += size;
      sent++;
    }
    close();
    if (bodies.length) await enqueueMessages(ctx, trx, peer, IntelMessage.objects, bodies);
    // The cursor moves only from where this transaction found it: a second sender lost the race.
    const u = await trx
      .updateTable('intel_release_peers')
      .set({ cursor: next, next_rseq: state.next_rseq + bodies.length, sent: state.sent + sent, withheld: state.withheld + withheld, updated_at: now })
      .where('release_id', '=', r.id)
      .where('peer_id', '=', peer)
      .where('cursor', '=', cursor)
      .executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) throw new Error(`release ${r.id} to ${peer}: moved by another sender`);
    return next - cursor;
  });
}
