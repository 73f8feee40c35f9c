import { randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { sha256Hex } from '../crypto/canonical.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { enqueueMessages } from '../federation/outbox.service.js';
import { enabledUserIdsWithRoles } from '../auth/users.service.js';
import { listPeers } from '../federation/peers.service.js';
import { newId } from '../util/ids.js';
import { getGroup } from '../groups/groups.service.js';
import { notify } from '../notifications/notifications.service.js';
import type { DbOrTrx } from '../store/db.js';
import { findEntryRow } from './directory.repository.js';
import { DirectoryNotification, freshnessOf, parseTimestamp, type Freshness } from './directory.rules.js';
import type { DirectoryEntry } from './directory.schemas.js';
import { contactsInOrder, dueEscalationLevel, pingStats, type PingStats } from './ping-tests.rules.js';
import type { PingTestsTable } from './ping-tests.tables.js';

export const PING_TEST_TYPE = 'directory.ping_test/v1';
export const PING_ACK_TYPE = 'directory.ping_ack/v1';

/** The nodes a ping test of a node or of a group asks (this node left out). */
export async function pingTargets(ctx: NodeContext, input: { node_id?: string | null; group_id?: string | null }): Promise<string[]> {
  const me = ctx.identity.node_id;
  let targets: string[];
  if (input.node_id) targets = [input.node_id];
  else if (input.group_id) targets = (await getGroup(ctx, input.group_id)).members.filter((m) => m !== me);
  else throw new InvalidInputError('name a node_id or a group_id');
  if (targets.length === 0) throw new InvalidInputError('nobody to test');
  return targets;
}

/** Records outgoing tests and queues them, signed, inside the caller's transaction. */
export async function insertPingTests(
  ctx: NodeContext,
  trx: DbOrTrx,
  actor: Actor,
  run: { targets: string[]; window_minutes: number; group_id: string | null; schedule_id: string | null; now: Date },
): Promise<PingTestsTable[]> {
  const { now, window_minutes: window } = run;
  const rows: PingTestsTable[] = run.targets.map((peer) => ({
    id: newId(),
    direction: 'outgoing',
    peer_node: peer,
    started_at: now.toISOString(),
    deadline_at: new Date(now.getTime() + window * 60_000).toISOString(),
    window_minutes: window,
    status: 'pending',
    token_hash: null,
    escalation_level: 0,
    confirmed_at: null,
    confirmed_by: null,
    response_ms: null,
    schedule_id: run.schedule_id,
  }));
  for (const r of rows) {
    await trx.insertInto('ping_tests').values(r).execute();
    await enqueueMessages(ctx, trx, r.peer_node, PING_TEST_TYPE, [{ test_id: r.id, window_minutes: window, started_at: r.started_at }]);
  }
  await appendAudit(trx, ctx.store.dialect, {
    actor: actor.ref,
    ip: actor.ip,
    action: 'ping_test.start',
    details: { targets: run.targets, window_minutes: window, group_id: run.group_id, ...(run.schedule_id ? { schedule_id: run.schedule_id } : {}) },
  });
  return rows;
}

/** Starts a ping test of one node or of every member of a group. */
export async function startPingTests(ctx: NodeContext, actor: Actor, input: { node_id?: string; group_id?: string; window_minutes?: number }): Promise<PingTestsTable[]> {
  const targets = await pingTargets(ctx, input);
  const run = { targets, window_minutes: input.window_minutes ?? 60, group_id: input.group_id ?? null, schedule_id: null, now: new Date() };
  return ctx.store.db.transaction().execute((trx) => insertPingTests(ctx, trx, actor, run));
}

async function ownEntry(ctx: NodeContext, db: DbOrTrx): Promise<DirectoryEntry | null> {
  const r = await findEntryRow(db, ctx.identity.node_id);
  return r ? (JSON.parse(r.entry) as DirectoryEntry) : null;
}

function coordinators(db: DbOrTrx): Promise<string[]> {
  return enabledUserIdsWithRoles(db, ['admin', 'coordinator']);
}

/** Asks one contact (by e-mail) and the node's coordinators (by their preferences) to confirm. */
async function askContact(ctx: NodeContext, trx: DbOrTrx, test: { id: string; peer_node: string; deadline_at: string }, token: string, level: number): Promise<void> {
  const contacts = contactsInOrder(await ownEntry(ctx, trx));
  const contact = contacts[level];
  const email = contact?.channels.find((c) => c.kind === 'email')?.value;
  const base = ctx.settings.publicUrl ?? `http://${ctx.settings.host}:${ctx.settings.port}`;
  const link = `${base}/ping-tests/confirm?token=${token}`;
  const kind = level === 0 ? DirectoryNotification.pingTestRequest : DirectoryNotification.pingTestEscalation;
  const subject = `${level === 0 ? 'Ping test' : 'Ping test (escalated)'} from ${test.peer_node}: please confirm before ${test.deadline_at}`;
  const text = `The point of contact ${test.peer_node} asks ${ctx.identity.node_id} to confirm that its contacts answer.\nConfirm here: ${link}\nor in Accord under Directory > Ping tests.`;
  if (email) await notify(ctx, trx, { kind, to: { email }, subject, text, link, data: { test_id: test.id, contact: contact!.id } });
  await notify(ctx, trx, { kind, userIds: await coordinators(trx), subject, text, link, data: { test_id: test.id } });
}

/** Handler of `directory.ping_test/v1` on the node asked. */
export async function receivePingTest(ctx: NodeContext, trx: DbOrTrx, from: string, body: { test_id: string; window_minutes: number; started_at: string }): Promise<void> {
  if (await trx.selectFrom('ping_tests').select('id').where('id', '=', body.test_id).executeTakeFirst()) return;
  const token = randomBytes(24).toString('base64url');
  const now = new Date();
  const row: PingTestsTable = {
    id: body.test_id,
    direction: 'incoming',
    peer_node: from,
    // The window runs from arrival: a test that waited in a queue still gives people their time.
    started_at: now.toISOString(),
    deadline_at: new Date(now.getTime() + body.window_minutes * 60_000).toISOString(),
    window_minutes: body.window_minutes,
    status: 'pending',
    token_hash: sha256Hex(token),
    escalation_level: 0,
    confirmed_at: null,
    confirmed_by: null,
    response_ms: null,
    schedule_id: null,
  };
  await trx.insertInto('ping_tests').values(row).execute();
  await trx.insertInto('ping_test_tokens').values({ token_hash: row.token_hash!, test_id: row.id, level: 0, created_at: row.started_at }).execute();
  await askContact(ctx, trx, row, token, 0);
}

/** The incoming test a confirmation link belongs to (any contact's link, whatever the test's state). */
export async function pingTestByToken(db: DbOrTrx, token: string): Promise<PingTestsTable | undefined> {
  const link = await db.selectFrom('ping_test_tokens').select('test_id').where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
  if (!link) return undefined;
  return db.selectFrom('ping_tests').selectAll().where('id', '=', link.test_id).where('direction', '=', 'incoming').executeTakeFirst();
}

/** Whether a test can still be confirmed; `closed` once its window has passed, even before the sweep marks it. */
export function pingTestState(t: Pick<PingTestsTable, 'status' | 'deadline_at'>, now = new Date()): 'open' | 'answered' | 'closed' {
  if (t.status === 'answered') return 'answered';
  if (t.status === 'unanswered' || t.deadline_at <= now.toISOString()) return 'closed';
  return 'open';
}

/** A test whose window closed before it was confirmed: nothing is recorded or sent. */
export class PingTestClosedError extends ConflictError {
  override name = 'PingTestClosedError';
  constructor(readonly test: PingTestsTable) {
    super(`the window of this ping test closed at ${test.deadline_at}; nothing was recorded`);
  }
}

/**
 * Confirms an incoming test, by any of its links' tokens or by a signed-in user, and tells the
 * asking node. A test already answered is returned as it is (`already`); a closed one is refused.
 */
export async function confirmPingTest(ctx: NodeContext, actor: Actor, by: { token: string } | { id: string; name: string }): Promise<PingTestsTable & { already: boolean }> {
  const { db, dialect } = ctx.store;
  return db.transaction().execute(async (trx) => {
    const t = 'token' in by ? await pingTestByToken(trx, by.token) : await trx.selectFrom('ping_tests').selectAll().where('direction', '=', 'incoming').where('id', '=', by.id).executeTakeFirst();
    if (!t) throw new NotFoundError('ping test');
    const now = new Date();
    const state = pingTestState(t, now);
    if (state === 'answered') return { ...t, already: true };
    if (state === 'closed') throw new PingTestClosedError(t);
    const confirmedBy = 'token' in by ? 'contact (e-mail link)' : by.name;
    await trx.updateTable('ping_tests').set({ status: 'answered', confirmed_at: now.toISOString(), confirmed_by: confirmedBy }).where('id', '=', t.id).execute();
    await enqueueMessages(ctx, trx, t.peer_node, PING_ACK_TYPE, [{ test_id: t.id, confirmed_at: now.toISOString(), confirmed_by: confirmedBy }]);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'ping_test.confirm', target: `ping_test:${t.id}`, details: { peer: t.peer_node } });
    return { ...t, status: 'answered', confirmed_at: now.toISOString(), confirmed_by: confirmedBy, already: false };
  });
}

/**
 * Handler of `directory.ping_ack/v1` on the node that asked. The confirmation time must be a
 * timestamp within the test (from its start to when the acknowledgement was issued, give or
 * take the clock skew); an acknowledgement that is not is ignored.
 */
export async function receivePingAck(trx: DbOrTrx, from: string, body: { test_id: string; confirmed_at: string; confirmed_by: string }, env: { issuedAt: string; skewMs: number }): Promise<void> {
  const t = await trx.selectFrom('ping_tests').selectAll().where('id', '=', body.test_id).where('direction', '=', 'outgoing').where('peer_node', '=', from).executeTakeFirst();
  if (!t || t.status === 'answered') return;
  const at = parseTimestamp(body.confirmed_at);
  const issued = parseTimestamp(env.issuedAt);
  if (Number.isNaN(at) || Number.isNaN(issued) || at > issued + env.skewMs || at < Date.parse(t.started_at) - env.skewMs) return;
  const ms = Math.max(0, at - Date.parse(t.started_at));
  await trx.updateTable('ping_tests').set({ status: 'answered', confirmed_at: new Date(at).toISOString(), confirmed_by: body.confirmed_by.slice(0, 200), response_ms: ms }).where('id', '=', t.id).execute();
}

/** Escalates incoming tests to the next contact when a share of the window passes; closes expired tests. */
export async function sweepPingTests(ctx: NodeContext, now = new Date()): Promise<void> {
  const { db } = ctx.store;
  await db.updateTable('ping_tests').set({ status: 'unanswered' }).where('status', '=', 'pending').where('deadline_at', '<=', now.toISOString()).execute();
  const pending = await db.selectFrom('ping_tests').selectAll().where('status', '=', 'pending').where('direction', '=', 'incoming').execute();
  if (pending.length === 0) return;
  const n = contactsInOrder(await ownEntry(ctx, db)).length;
  for (const t of pending) {
    const due = dueEscalationLevel(t.started_at, Number(t.window_minutes), n, now);
    if (due <= Number(t.escalation_level)) continue;
    await db.transaction().execute(async (trx) => {
      // A new link for the next contact; the earlier links stay valid until the deadline.
      const token = randomBytes(24).toString('base64url');
      await trx.updateTable('ping_tests').set({ escalation_level: due, token_hash: sha256Hex(token) }).where('id', '=', t.id).execute();
      await trx.insertInto('ping_test_tokens').values({ token_hash: sha256Hex(token), test_id: t.id, level: due, created_at: now.toISOString() }).execute();
      await askContact(ctx, trx, t, token, due);
    });
  }
}

/** A test with the state of its peer now: whether deliveries reach it, and how fresh its directory entry is. */
export type PingTestView = PingTestsTable & { peer_reachable: boolean | null; peer_freshness: Freshness | null };

export async function listPingTests(ctx: NodeContext, direction?: 'outgoing' | 'incoming'): Promise<PingTestView[]> {
  const { db } = ctx.store;
  let q = db.selectFrom('ping_tests').selectAll().orderBy('started_at', 'desc').limit(500);
  if (direction) q = q.where('direction', '=', direction);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  // Reachability as the peers API computes it; freshness by the directory's one rule.
  const reachable = new Map((await listPeers(ctx)).map((p) => [p.node_id, p.reachable]));
  const peerIds = [...new Set(rows.map((r) => r.peer_node))];
  const entries = await db.selectFrom('directory_entries').select(['node_id', 'published_at', 'valid_until']).where('node_id', 'in', peerIds).execute();
  const now = new Date();
  const freshness = new Map(entries.map((e) => [e.node_id, freshnessOf(e, now, ctx.settings.directoryStaleAfterDays)]));
  return rows.map((r) => ({ ...r, peer_reachable: reachable.get(r.peer_node) ?? null, peer_freshness: freshness.get(r.peer_node) ?? null }));
}

/** Response rate and times of outgoing tests, per node and per group. */
export async function pingTestStats(ctx: NodeContext): Promise<{ nodes: Record<string, PingStats>; groups: Record<string, PingStats> }> {
  const rows = await ctx.store.db.selectFrom('ping_tests').select(['peer_node', 'status', 'response_ms']).where('direction', '=', 'outgoing').execute();
  const byNode = new Map<string, typeof rows>();
  for (const r of rows) byNode.set(r.peer_node, [...(byNode.get(r.peer_node) ?? []), r]);
  const nodes = Object.fromEntries([...byNode].map(([n, rs]) => [n, pingStats(rs)]));
  const groups: Record<string, PingStats> = {};
  const { listGroups } = await import('../groups/groups.service.js');
  for (const g of await listGroups(ctx)) groups[g.id] = pingStats(rows.filter((r) => g.members.includes(r.peer_node)));
  return { nodes, groups };
}
