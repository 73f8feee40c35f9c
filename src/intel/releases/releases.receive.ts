import { appendAudit } from '../../audit/audit.repository.js';
import type { NodeContext } from '../../context.js';
import type { Envelope } from '../../federation/protocol/envelope.js';
import type { MessageType } from '../../federation/protocol/message-types.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { getGroup } from '../../groups/groups.service.js';
import type { Db, DbOrTrx } from '../../store/db.js';
import type { IntelReceivedReleasesTable } from '../intel.tables.js';
import { mayReach, type Audience } from '../policy/release.policy.js';
import { validateStixObject } from '../stix/index.js';
import { recordReceived, storeObjects, type PreparedObject } from '../store/objects.repository.js';
import { prepareObject } from '../store/prepare.js';
import { releasedObjectDecision } from './releases.rules.js';
import { IntelMessage, IntelObjectsBody } from './releases.schemas.js';

/** The narrowest reader of the audit log: a user without intel:red (an auditor). */
const AUDIT_READER: Audience = { kind: 'user', redRecipient: false };
/** Refused objects named in one audit entry (all are counted). */
const NAMED_REFUSALS = 20;

interface Refusal {
  id: string | null;
  tlp?: string;
  reason: string;
}

/**
 * Receives messages of peers' releases (`intel.objects/v1`), in the inbox's transaction.
 *
 * Order: each release of each peer is numbered 1, 2, … without gaps (rseq). A message is applied
 * only when every earlier one of its release was: one that comes early (batches overtake each
 * other in flight) is held, and applied as soon as the gap is filled; one already applied (a
 * number below the next expected) is a harmless duplicate. Tampered and replayed batches never
 * get here: the inbox refuses them.
 *
 * Markings: the receiver asks the release policy again, of each object, whether it may have
 * reached this node from that peer (TLP read from the object's own markings; TLP:RED only when
 * the release names this node; what the sender itself received goes no further than GREEN).
 * An object that should not have come, or is not valid STIX, is refused: not stored, counted
 * on the received release and named in the audit log. The rest are stored with origin
 * `received` and the peer as their source.
 *
 * Audience: a message that names a group as its audience is refused whole (the receipt names
 * it rejected, with the reason) unless this node is a member of that group, as this node's
 * own record of the group says: a group this node never joined, or has left, cannot make it
 * a recipient. Nothing of a refused message is stored or held. A node that consented to join
 * but has not yet received every consent the sender holds answers the batch 409 instead, and
 * the sender sends it again.
 */
export async function receiveIntelObjects(trx: DbOrTrx, envelopes: Envelope<IntelObjectsBody>[], ctx: NodeContext): Promise<Map<string, string>> {
  const now = new Date();
  const states = new Map<string, ReleaseState>();
  const refused = new Map<string, string>();
  const notMember = new Map<string, string | null>();
  for (const e of envelopes) {
    const b = e.body;
    if (b.audience.kind === 'group') {
      const gid = b.audience.group_id;
      if (!notMember.has(gid)) notMember.set(gid, await groupRefusal(trx, ctx, gid));
      const why = notMember.get(gid);
      if (why) {
        refused.set(e.id, why);
        continue;
      }
    }
    const key = `${e.from}\u0000${b.release_id}`;
    let st = states.get(key);
    if (!st) {
      const row = await trx.selectFrom('intel_received_releases').selectAll().where('from_node', '=', e.from).where('release_id', '=', b.release_id).executeTakeFirst();
      // The numbers of this release's messages held (came early), read once per release.
      const held = await trx.selectFrom('intel_held_messages').select('rseq').where('from_node', '=', e.from).where('release_id', '=', b.release_id).execute();
      st = {
        row: row ?? { from_node: e.from, release_id: b.release_id, title: b.title, audience_kind: b.audience.kind, next_rseq: 1, objects: 0, stored: 0, refused: 0, first_at: now.toISOString(), last_at: now.toISOString() },
        isNew: !row,
        held: new Set(held.map((h) => Number(h.rseq))),
        pending: [],
        pendingCount: 0,
      };
      states.set(key, st);
    }
    if (b.rseq < st.row.next_rseq) continue;
    if (b.rseq > st.row.next_rseq) {
      await trx
        .insertInto('intel_held_messages')
        .values({ from_node: e.from, release_id: b.release_id, rseq: b.rseq, body: JSON.stringify(b), received_at: now.toISOString() })
        .onConflict((oc) => oc.columns(['from_node', 'release_id', 'rseq']).doNothing())
        .execute();
      st.held.add(b.rseq);
      continue;
    }
    await applyMessage(trx, ctx, e.from, b, st, now);
    // Messages that came early and wait for this one.
    while (st.held.has(st.row.next_rseq)) {
      const rseq = st.row.next_rseq;
      st.held.delete(rseq);
      const held = await trx.selectFrom('intel_held_messages').select('body').where('from_node', '=', e.from).where('release_id', '=', b.release_id).where('rseq', '=', rseq).executeTakeFirst();
      if (!held) break;
      await trx.deleteFrom('intel_held_messages').where('from_node', '=', e.from).where('release_id', '=', b.release_id).where('rseq', '=', rseq).execute();
      await applyMessage(trx, ctx, e.from, JSON.parse(held.body) as IntelObjectsBody, st, now);
    }
  }
  for (const st of states.values()) {
    await storePending(trx, ctx, st, now);
    const { row, isNew } = st;
    if (isNew) await trx.insertInto('intel_received_releases').values(row).execute();
    else {
      const { from_node, release_id, ...rest } = row;
      await trx.updateTable('intel_received_releases').set(rest).where('from_node', '=', from_node).where('release_id', '=', release_id).execute();
    }
  }
  return refused;
}

/** What a batch's messages did to one release of one peer, written when the batch is through. */
interface ReleaseState {
  row: IntelReceivedReleasesTable;
  isNew: boolean;
  /** rseq of the messages held for this release. */
  held: Set<number>;
  /** Objects accepted and not yet stored, in message order, by the group the message was addressed to (null: this node). */
  pending: { groupId: string | null; objects: PreparedObject[] }[];
  pendingCount: number;
}

/** Objects accepted that are stored together (one lookup of the versions held, one insert). */
const STORE_CHUNK = 5000;

/**
 * Stores the objects the messages applied so far accepted, in one go: the store and the record
 * of what came in this release are written once per batch (or per STORE_CHUNK objects), not per message.
 */
async function storePending(trx: DbOrTrx, ctx: NodeContext, st: ReleaseState, now: Date): Promise<void> {
  if (st.pendingCount === 0) return;
  const all = st.pending.flatMap((p) => p.objects);
  const out = await storeObjects(trx, all, 'received', st.row.from_node, now, ctx.store.sqlite);
  for (const p of st.pending) await recordReceived(trx, st.row.from_node, st.row.release_id, p.groupId, p.objects, ctx.store.sqlite);
  st.row.stored += out.stored;
  st.pending = [];
  st.pendingCount = 0;
}

/** Why this node takes no message released to a group, or null when it is one of the group's members. */
async function groupRefusal(trx: DbOrTrx, ctx: NodeContext, groupId: string): Promise<string | null> {
  const me = ctx.identity.node_id;
  const g = await getGroup({ ...ctx, store: { ...ctx.store, db: trx as Db } }, groupId).catch((e: unknown) => {
    if (e instanceof NotFoundError) return null;
    throw e;
  });
  if (!g) return `not-a-group-member: ${me} knows no group ${groupId}`;
  if (g.members.includes(me)) return null;
  // This node consented to joining and waits for other members' consents that the sender
  // already holds: the batch is retried later (409), not refused for good.
  const joining = g.proposals.some((p) => p.status === 'open' && (p.invitee === me || (p.change.kind === 'create' && p.voters.includes(me))) && p.consents.includes(me));
  if (joining) throw new ConflictError(`${me} has consented to joining group ${groupId} and waits for the other members' consents: send the batch again once they are here`);
  return `not-a-group-member: ${me} is not a member of group ${groupId}`;
}

async function applyMessage(trx: DbOrTrx, ctx: NodeContext, from: string, b: IntelObjectsBody, state: ReleaseState, now: Date): Promise<void> {
  const st = state.row;
  const good: PreparedObject[] = [];
  const refusals: Refusal[] = [];
  for (const entry of b.objects) {
    const id = typeof entry.object.id === 'string' ? entry.object.id.slice(0, 300) : null;
    const d = releasedObjectDecision(entry, b.audience.kind);
    if (!d.allowed) {
      refusals.push({ id, tlp: d.tlp, reason: d.reason });
      continue;
    }
    const v = validateStixObject(entry.object);
    if (!v.ok) {
      // A validator's message may quote the object (a pattern's token, a property's name): the
      // audit log's readers see it only when the policy lets a user without intel:red see the object.
      const quoted = mayReach({ tlp: d.tlp, origin: 'received' }, AUDIT_READER).allowed;
      const first = v.errors[0];
      refusals.push({ id, reason: (quoted ? `invalid-stix: ${first?.path ?? ''} ${first?.message ?? ''}` : `invalid-stix: ${first?.code ?? ''}`).slice(0, 300) });
      continue;
    }
    good.push(prepareObject(v.object));
  }
  const groupId = b.audience.kind === 'group' ? b.audience.group_id : null;
  const last = state.pending[state.pending.length - 1];
  if (last && last.groupId === groupId) last.objects.push(...good);
  else state.pending.push({ groupId, objects: good });
  state.pendingCount += good.length;
  st.next_rseq = b.rseq + 1;
  st.title = b.title;
  st.objects += b.objects.length;
  st.refused += refusals.length;
  st.last_at = now.toISOString();
  if (refusals.length) {
    await appendAudit(trx, ctx.store.dialect, {
      actor: `node:${from}`,
      action: 'intel.refuse_received',
      target: `intel_release:${from}/${b.release_id}`,
      details: { rseq: b.rseq, refused: refusals.length, objects: refusals.slice(0, NAMED_REFUSALS) },
    });
  }
  if (state.pendingCount >= STORE_CHUNK) await storePending(trx, ctx, state, now);
}

/** `intel.objects/v1`: the objects of a peer's release, received in order (rseq), under the release policy. */
export const IntelObjectsType = {
  type: IntelMessage.objects,
  body: IntelObjectsBody,
  handle: async (trx, e, ctx) => (await receiveIntelObjects(trx, [e], ctx)).get(e.id),
  handleMany: receiveIntelObjects,
} satisfies MessageType<typeof IntelObjectsBody>;
