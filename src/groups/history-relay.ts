import type { NodeContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { envelopesOf } from '../federation/event-log/event-log.js';
import { enqueueMessages } from '../federation/outbox.service.js';
import type { DbOrTrx } from '../store/db.js';
import { getGroup, type GroupDetail } from './groups.service.js';

/** Signed events per history message: a message stays well under the inbox's batch size. */
const EVENTS_PER_MESSAGE = 200;

/**
 * The members that joined the group after this node did and that this node has not yet sent
 * the group's history to (each join once: a node that leaves and joins again is sent it again).
 */
export function joinsToRelay(g: Pick<GroupDetail, 'members' | 'membership' | 'proposals'>, me: string, done: ReadonlySet<string>): { node: string; proposal_id: string }[] {
  const founding = g.proposals.find((p) => p.change.kind === 'create')?.id;
  const myJoin = g.membership.filter((m) => m.node === me && m.change === 'joined').at(-1)?.at;
  if (!g.members.includes(me) || myJoin === undefined) return [];
  return g.membership.filter((m) => m.change === 'joined' && m.node !== me && m.proposal_id !== founding && m.at > myJoin && g.members.includes(m.node) && !done.has(`${m.node} ${m.proposal_id}`));
}

/** A capability's group-scoped event log, as the relay reads and records it (its own tables). */
export interface GroupLogRelay {
  /** The history message type (`plans.history/v1`…): a body `{ group_id, envelopes }`. */
  messageType: string;
  /** The groups this node holds events of. */
  groupIds(db: DbOrTrx): Promise<string[]>;
  /** The joins already relayed in a group, as `node proposal_id`. */
  relayed(db: DbOrTrx, groupId: string): Promise<ReadonlySet<string>>;
  /** The group's stored event rows, each with its signed envelope. */
  rows(db: DbOrTrx, groupId: string): Promise<readonly { envelope: string }[]>;
  record(db: DbOrTrx, relay: { group_id: string; node: string; proposal_id: string; events: number }): Promise<void>;
}

/**
 * Every member relays a capability's group log to a member that joined after it: each relayed
 * event keeps its author's signature (the new member verifies each), duplicates are stored
 * once, and since every member sends all it holds once it has seen the join, an event written
 * just before the author saw the join still arrives (from its author, at least). Used by the
 * capabilities whose documents belong to a group (plans, statements).
 */
export async function relayGroupLog(ctx: NodeContext, log: GroupLogRelay): Promise<number> {
  const { db } = ctx.store;
  const me = ctx.identity.node_id;
  let sent = 0;
  for (const groupId of await log.groupIds(db)) {
    let g: GroupDetail;
    try {
      g = await getGroup(ctx, groupId);
    } catch (e) {
      if (e instanceof NotFoundError) continue;
      throw e;
    }
    const joins = joinsToRelay(g, me, await log.relayed(db, groupId));
    if (!joins.length) continue;
    await db.transaction().execute(async (trx) => {
      const envelopes = envelopesOf(await log.rows(trx, groupId));
      for (const j of joins) {
        const bodies = [];
        for (let i = 0; i < envelopes.length; i += EVENTS_PER_MESSAGE) bodies.push({ group_id: groupId, envelopes: envelopes.slice(i, i + EVENTS_PER_MESSAGE) });
        if (bodies.length) await enqueueMessages(ctx, trx, j.node, log.messageType, bodies);
        await log.record(trx, { group_id: groupId, node: j.node, proposal_id: j.proposal_id, events: envelopes.length });
        sent++;
      }
    });
  }
  return sent;
}
