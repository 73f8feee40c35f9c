import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { AppError, ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { findPeer } from '../federation/peers.repository.js';
import { newId } from '../util/ids.js';
import { getGroup } from '../groups/groups.service.js';
import type { DbOrTrx } from '../store/db.js';
import { nextSlot } from './ping-schedules.rules.js';
import type { PingSchedulesTable } from './ping-schedules.tables.js';
import { insertPingTests, pingTargets } from './ping-tests.service.js';

export type PingSchedule = PingSchedulesTable;

export interface NewPingSchedule {
  node_id?: string;
  group_id?: string;
  interval_days: number;
  window_minutes?: number;
  first_run_at?: string;
}

const SYSTEM: Actor = { ref: 'system' };

function toSchedule(r: PingSchedulesTable): PingSchedule {
  return { ...r, interval_days: Number(r.interval_days), window_minutes: Number(r.window_minutes) };
}

/** Schedules a ping test of a node or of a group, first at `first_run_at` (default now), then every `interval_days`. */
export async function createPingSchedule(ctx: NodeContext, actor: Actor, input: NewPingSchedule): Promise<PingSchedule> {
  if (Boolean(input.node_id) === Boolean(input.group_id)) throw new InvalidInputError('name exactly one of node_id and group_id');
  const { db, dialect } = ctx.store;
  if (input.node_id) {
    const peer = await findPeer(db, input.node_id);
    if (!peer) throw new NotFoundError(`peer ${input.node_id}`);
    if (peer.status === 'removed') throw new ConflictError(`peer ${input.node_id} was removed`);
  } else {
    await getGroup(ctx, input.group_id!); // 404 when unknown
  }
  const now = new Date().toISOString();
  const row: PingSchedulesTable = {
    id: newId(),
    node_id: input.node_id ?? null,
    group_id: input.group_id ?? null,
    interval_days: input.interval_days,
    window_minutes: input.window_minutes ?? 60,
    // Stored in one form (UTC, milliseconds) so that text comparison orders times.
    next_run_at: input.first_run_at ? new Date(input.first_run_at).toISOString() : now,
    last_run_at: null,
    created_by: actor.ref,
    created_at: now,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('ping_schedules').values(row).execute();
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'ping_schedule.create', target: `ping_schedule:${row.id}`, details: { node_id: row.node_id, group_id: row.group_id, interval_days: row.interval_days, window_minutes: row.window_minutes, first_run_at: row.next_run_at } });
  });
  return row;
}

export async function listPingSchedules(ctx: NodeContext): Promise<PingSchedule[]> {
  return (await ctx.store.db.selectFrom('ping_schedules').selectAll().orderBy('next_run_at').orderBy('id').execute()).map(toSchedule);
}

/** Deletes a schedule; the tests it started keep their schedule_id (the history stays). */
export async function deletePingSchedule(ctx: NodeContext, actor: Actor, id: string): Promise<void> {
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const s = await trx.selectFrom('ping_schedules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) throw new NotFoundError(`ping schedule ${id}`);
    await trx.deleteFrom('ping_schedules').where('id', '=', id).execute();
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'ping_schedule.delete', target: `ping_schedule:${id}`, details: { node_id: s.node_id, group_id: s.group_id, interval_days: Number(s.interval_days) } });
  });
}

/**
 * Claims the run due at `s.next_run_at` by moving next_run_at on only if nobody else has:
 * of two processes on one database, exactly one updates the row.
 */
async function claim(trx: DbOrTrx, s: PingSchedulesTable, now: Date): Promise<boolean> {
  const r = await trx
    .updateTable('ping_schedules')
    .set({ next_run_at: nextSlot(s.next_run_at, Number(s.interval_days), now), last_run_at: now.toISOString() })
    .where('id', '=', s.id)
    .where('next_run_at', '=', s.next_run_at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export type RunOutcome = 'started' | 'skipped' | 'taken';

/**
 * Runs one due schedule: claim and tests commit together. A run that cannot start (a group
 * with nobody else left, a removed peer) is skipped until the next slot rather than retried
 * every sweep; the audit log says why.
 */
async function runSchedule(ctx: NodeContext, s: PingSchedulesTable, now: Date): Promise<RunOutcome> {
  const { db, dialect } = ctx.store;
  try {
    const targets = await pingTargets(ctx, s);
    return await db.transaction().execute(async (trx) => {
      if (!(await claim(trx, s, now))) return 'taken';
      await insertPingTests(ctx, trx, SYSTEM, { targets, window_minutes: Number(s.window_minutes), group_id: s.group_id, schedule_id: s.id, now });
      return 'started';
    });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return db.transaction().execute(async (trx) => {
      if (!(await claim(trx, s, now))) return 'taken';
      await appendAudit(trx, dialect, { actor: SYSTEM.ref, action: 'ping_schedule.skip', target: `ping_schedule:${s.id}`, details: { reason: err.message } });
      return 'skipped';
    });
  }
}

/** Starts every schedule whose slot has come (called by the periodic ping-test sweep). */
export async function runDuePingSchedules(ctx: NodeContext, now = new Date()): Promise<Record<string, RunOutcome>> {
  const due = await ctx.store.db.selectFrom('ping_schedules').selectAll().where('next_run_at', '<=', now.toISOString()).orderBy('next_run_at').orderBy('id').execute();
  const out: Record<string, RunOutcome> = {};
  for (const s of due) out[s.id] = await runSchedule(ctx, s, now);
  return out;
}
