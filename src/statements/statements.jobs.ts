import type { JobDef } from '../capability.js';
import type { NodeContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { envelopesOf } from '../federation/event-log/event-log.js';
import { enqueueMessages } from '../federation/outbox.service.js';
import { getGroup, type GroupDetail } from '../groups/groups.service.js';
import { listGroupStatementEventRows, listGroupsWithStatements, recordStatementRelay, relayedStatementJoins } from './statements.repository.js';
import { StatementMessage } from './statements.schemas.js';

export const STATEMENTS_RELAY_JOB = 'statements.relay-history';
/** Signed events per history message: a message stays well under the inbox's batch size. */
const EVENTS_PER_MESSAGE = 200;

/**
 * The members that joined the group after this node did and that this node has not yet sent
 * the group's statements to (each join once: a node that leaves and joins again is sent them again).
 */
export function joinsToRelay(g: Pick<GroupDetail, 'members' | 'membership' | 'proposals'>, me: string, done: ReadonlySet<string>): { node: string; proposal_id: string }[] {
  const founding = g.proposals.find((p) => p.change.kind === 'create')?.id;
  const myJoin = g.membership.filter((m) => m.node === me && m.change === 'joined').at(-1)?.at;
  if (!g.members.includes(me) || myJoin === undefined) return [];
  return g.membership.filter((m) => m.change === 'joined' && m.node !== me && m.proposal_id !== founding && m.at > myJoin && g.members.includes(m.node) && !done.has(`${m.node} ${m.proposal_id}`));
}

/**
 * Every member relays the statements of its groups to a member that joined after it: each relayed
 * event keeps its author's signature (the new member verifies each), duplicates are stored
 * once, and since every member sends all it holds once it has seen the join, an event
 * written just before the author saw the join still arrives (from its author, at least).
 */
export async function relayStatementHistory(ctx: NodeContext): Promise<number> {
  const { db } = ctx.store;
  const me = ctx.identity.node_id;
  let sent = 0;
  for (const groupId of await listGroupsWithStatements(db)) {
    let g: GroupDetail;
    try {
      g = await getGroup(ctx, groupId);
    } catch (e) {
      if (e instanceof NotFoundError) continue;
      throw e;
    }
    const joins = joinsToRelay(g, me, await relayedStatementJoins(db, groupId));
    if (!joins.length) continue;
    await db.transaction().execute(async (trx) => {
      const envelopes = envelopesOf(await listGroupStatementEventRows(trx, groupId));
      for (const j of joins) {
        const bodies = [];
        for (let i = 0; i < envelopes.length; i += EVENTS_PER_MESSAGE) bodies.push({ group_id: groupId, envelopes: envelopes.slice(i, i + EVENTS_PER_MESSAGE) });
        if (bodies.length) await enqueueMessages(ctx, trx, j.node, StatementMessage.history, bodies);
        await recordStatementRelay(trx, { group_id: groupId, node: j.node, proposal_id: j.proposal_id, events: envelopes.length });
        sent++;
      }
    });
  }
  return sent;
}

export const statementJobs: JobDef[] = [{ name: STATEMENTS_RELAY_JOB, everyMs: 5_000, run: async (ctx) => void (await relayStatementHistory(ctx)) }];
