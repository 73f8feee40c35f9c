import type { JobDef } from '../capability.js';
import type { NodeContext } from '../context.js';
import { getOwnEntry } from '../directory/directory.service.js';
import { inEscalationOrder } from '../directory/directory.csv.js';
import { NotificationKind } from '../notifications/notifications.rules.js';
import { notify } from '../notifications/notifications.service.js';
import type { DbOrTrx } from '../store/db.js';
import { caseWorkers, CaseNotification } from './cases.notify.js';
import { escalationSteps, PRESERVATION_REMINDER_DAYS } from './cases.rules.js';

/** Records a reminder once; false when it was sent before (another process, an earlier run). */
async function claimReminder(trx: DbOrTrx, caseId: string, reminder: string, at: string): Promise<boolean> {
  const r = await trx.insertInto('case_reminders').values({ case_id: caseId, reminder, sent_at: at }).onConflict((oc) => oc.columns(['case_id', 'reminder']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Urgent and emergency requests not acknowledged in time escalate: first to the users who
 * work cases, then by e-mail to this node's directory contacts in their escalation order,
 * one more contact per step (escalationSteps).
 */
async function escalateUnacknowledged(ctx: NodeContext, now: Date): Promise<void> {
  const { db } = ctx.store;
  const late = await db
    .selectFrom('cases')
    .select(['case_id', 'peer', 'priority', 'subject', 'ack_due', 'type'])
    .where('direction', '=', 'incoming')
    .where('status', '=', 'sent')
    .where('priority', 'in', ['urgent', 'emergency'])
    .where('ack_due', '<', now.toISOString())
    .limit(200)
    .execute();
  if (late.length === 0) return;
  const own = await getOwnEntry(ctx);
  const emails = inEscalationOrder(own?.entry.contacts ?? []).flatMap((c) => c.channels.filter((ch) => ch.kind === 'email').slice(0, 1).map((ch) => ch.value));
  for (const c of late) {
    const steps = escalationSteps(c.priority as 'urgent' | 'emergency', c.ack_due!, now, emails.length);
    for (const step of steps) {
      await db.transaction().execute(async (trx) => {
        if (!(await claimReminder(trx, c.case_id, `escalation:${step}`, now.toISOString()))) return;
        const subject = `[${c.priority}] NOT ACKNOWLEDGED: ${c.type} request from ${c.peer}: ${c.subject}`.slice(0, 300);
        const text = `The ${c.priority} request from ${c.peer} (${c.subject}) was due for acknowledgement at ${c.ack_due}. Open it in Accord: /cases/${c.case_id}`;
        const target = step === 0 ? { userIds: await caseWorkers(ctx, trx, c.case_id) } : { to: { email: emails[step - 1]! } };
        await notify(ctx, trx, { kind: CaseNotification.unacknowledged, ...target, subject, text, link: `/cases/${c.case_id}`, data: { case_id: c.case_id, step } });
      });
    }
  }
}

/** A preservation this node asked for runs out within PRESERVATION_REMINDER_DAYS: remind once per expiry date. */
async function remindPreservations(ctx: NodeContext, now: Date): Promise<void> {
  const { db } = ctx.store;
  const today = now.toISOString().slice(0, 10);
  const horizon = new Date(now.getTime() + PRESERVATION_REMINDER_DAYS * 86_400_000).toISOString().slice(0, 10);
  const expiring = await db
    .selectFrom('cases')
    .select(['case_id', 'peer', 'subject', 'preservation_until'])
    .where('direction', '=', 'outgoing')
    .where('preservation_until', '>=', today)
    .where('preservation_until', '<=', horizon)
    .where('status', 'not in', ['refused', 'withdrawn', 'closed'])
    .limit(500)
    .execute();
  for (const c of expiring) {
    await db.transaction().execute(async (trx) => {
      if (!(await claimReminder(trx, c.case_id, `preservation:${c.preservation_until}`, now.toISOString()))) return;
      await notify(ctx, trx, {
        kind: CaseNotification.preservationExpiring,
        userIds: await caseWorkers(ctx, trx, c.case_id),
        subject: `Preservation by ${c.peer} ends ${c.preservation_until}: ${c.subject}`.slice(0, 300),
        text: `The data ${c.peer} preserved for "${c.subject}" are kept until ${c.preservation_until}. Ask for an extension or send the request for assistance: /cases/${c.case_id}`,
        link: `/cases/${c.case_id}`,
        data: { case_id: c.case_id, until: c.preservation_until ?? '' },
      });
    });
  }
}

/**
 * A deadline this node must meet comes within `casesDeadlineLeadHours`: the users who work
 * cases are told once per deadline (`case.deadline`). The deadlines are those of requests this
 * node received that nothing else reminds of: the execution target date the requesting side
 * proposed (art. 40(26)), until executed in full or ended, and the acknowledgement of a
 * routine request (urgent and emergency ones escalate when late, cases.escalate). Preservation
 * expiry is the requesting side's to act on (cases.preservation_expiring).
 */
async function remindDeadlines(ctx: NodeContext, now: Date): Promise<void> {
  const { db } = ctx.store;
  const horizon = new Date(now.getTime() + ctx.settings.casesDeadlineLeadHours * 3_600_000);
  const today = now.toISOString().slice(0, 10);
  // next_due is the earliest deadline of a case: a deadline within the horizon puts it there (indexed).
  const near = await db
    .selectFrom('cases')
    .select(['case_id', 'peer', 'subject', 'type', 'priority', 'ack_due', 'target_date'])
    .where('direction', '=', 'incoming')
    .where('next_due', '<=', `${horizon.toISOString().slice(0, 10)}T23:59:59.999Z`)
    .where('status', 'not in', ['refused', 'withdrawn', 'closed'])
    .limit(500)
    .execute();
  for (const c of near) {
    const due: { reminder: string; what: 'execution' | 'acknowledgement'; at: string }[] = [];
    if (c.target_date && c.target_date >= today && c.target_date <= horizon.toISOString().slice(0, 10)) due.push({ reminder: `deadline:execution:${c.target_date}`, what: 'execution', at: c.target_date });
    if (c.priority === 'routine' && c.ack_due && c.ack_due >= now.toISOString() && c.ack_due <= horizon.toISOString()) due.push({ reminder: `deadline:acknowledgement:${c.ack_due}`, what: 'acknowledgement', at: c.ack_due });
    for (const d of due) {
      await db.transaction().execute(async (trx) => {
        if (!(await claimReminder(trx, c.case_id, d.reminder, now.toISOString()))) return;
        const text =
          d.what === 'execution'
            ? `${c.peer} asked for "${c.subject}" (${c.type}) to be executed by ${d.at}. Execute it, in part or in full, or tell ${c.peer} why not: /cases/${c.case_id}`
            : `The request from ${c.peer} (${c.subject}) is due for acknowledgement at ${d.at}. Acknowledge it: /cases/${c.case_id}`;
        await notify(ctx, trx, {
          kind: NotificationKind.caseDeadline,
          userIds: await caseWorkers(ctx, trx, c.case_id),
          subject: `${d.what === 'execution' ? 'Execution' : 'Acknowledgement'} due ${d.at}: ${c.type} request from ${c.peer}: ${c.subject}`.slice(0, 300),
          text,
          link: `/cases/${c.case_id}`,
          data: { case_id: c.case_id, deadline: d.what, due: d.at },
        });
      });
    }
  }
}

export const caseJobs: JobDef[] = [
  { name: 'cases.escalate', everyMs: 30_000, run: (ctx, job) => escalateUnacknowledged(ctx, job.now) },
  { name: 'cases.preservation_reminders', everyMs: 10 * 60_000, run: (ctx, job) => remindPreservations(ctx, job.now) },
  { name: 'cases.deadline_reminders', everyMs: 10 * 60_000, run: (ctx, job) => remindDeadlines(ctx, job.now) },
];
