import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseJobs } from '../../src/cases/cases.jobs.js';
import { CaseEventType } from '../../src/cases/cases.messages.js';
import { actOnCase } from '../../src/cases/cases.service.js';
import type { CaseEventBody, RequestContent } from '../../src/cases/cases.schemas.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import { newId } from '../../src/util/ids.js';
import { DIALECTS } from '../_util/db.js';
import { buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { addPeerRow } from '../desk/_fixtures.js';
import { daysFromNow, mlaProduction, PRESERVATION } from './_cases.js';

const HOUR = 3_600_000;

/**
 * The `case.deadline` reminders (job cases.deadline_reminders): a deadline this node must meet
 * coming within the lead time (48 hours by default) is told to the users who work cases once:
 * the execution target of a request it received, the acknowledgement of a routine one.
 */
describe.each(DIALECTS)('case deadline reminders (%s)', (dialect) => {
  let node: TestNode, officer: string;
  const me = 'test-node';
  const peer = 'kz-cert';
  const job = caseJobs.find((j) => j.name === 'cases.deadline_reminders')!;
  const run = (now = new Date()) => job.run(node.ctx, { now, log: { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as FastifyBaseLogger });

  async function receive(request: RequestContent, openedAt = new Date()): Promise<string> {
    const caseId = newId();
    const at = openedAt.toISOString();
    const e: Envelope<CaseEventBody> = { v: 1, id: newId(), from: peer, to: [me], type: 'cases.event/v1', issued_at: at, body: { event_id: newId(), case_id: caseId, created_at: at, seen: [], action: 'open', requested: me, request }, sig: { suite: 'ed25519', key: 'k', value: 'v' } };
    expect([...((await node.ctx.store.db.transaction().execute((trx) => CaseEventType.handleMany(trx, [e], node.ctx))) ?? [])]).toEqual([]);
    return caseId;
  }
  async function reminders(caseId: string): Promise<{ deadline: string; due: string; user_id: string | null }[]> {
    const rows = await node.ctx.store.db.selectFrom('notifications').select(['data', 'user_id']).where('kind', '=', 'case.deadline').orderBy('id').execute();
    return rows.map((r) => ({ ...(JSON.parse(r.data) as { case_id: string; deadline: string; due: string }), user_id: r.user_id })).filter((r) => r.case_id === caseId).map(({ deadline, due, user_id }) => ({ deadline, due, user_id }));
  }

  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    await addPeerRow(node.ctx, peer);
    officer = (await buildUser(node.ctx, 'officer')).user.id;
  });
  afterAll(() => node?.close());

  it('an execution target within the lead time is told once to the case workers, and no more once executed in full', async () => {
    const tomorrow = daysFromNow(1);
    const caseId = await receive({ ...mlaProduction('x'), fields: { ...mlaProduction('x').fields, proposed_deadline: tomorrow } });
    await run();
    const first = await reminders(caseId);
    expect(first.map((r) => [r.deadline, r.due])).toContainEqual(['execution', tomorrow]);
    expect(first.some((r) => r.user_id === officer)).toBe(true);
    // Again, and again later: nothing new.
    await run();
    await run(new Date(Date.now() + 2 * HOUR));
    expect(await reminders(caseId)).toEqual(first);
    await actOnCase(node.ctx, { ref: 'system' }, caseId, { action: 'execute', extent: 'full', text: 'The logs are attached.' });
    // Its claim forgotten, the reminder would go again were the target still pending: executed in full, it is not.
    await node.ctx.store.db.updateTable('case_reminders').set({ reminder: 'forgotten' }).where('case_id', '=', caseId).execute();
    await run();
    expect(await reminders(caseId)).toEqual(first);
  });

  it('a target beyond the lead time waits until it comes within it; a target gone by is not told', async () => {
    const far = await receive({ ...mlaProduction('y'), fields: { ...mlaProduction('y').fields, proposed_deadline: daysFromNow(10) } });
    const past = await receive({ ...mlaProduction('z'), fields: { ...mlaProduction('z').fields, proposed_deadline: daysFromNow(-1) } });
    await run();
    expect(await reminders(far)).toEqual([]);
    expect(await reminders(past)).toEqual([]);
    // Eight days on, the far target is within 48 hours.
    await run(new Date(Date.now() + 8 * 24 * HOUR + HOUR));
    expect((await reminders(far)).map((r) => r.deadline)).toContain('execution');
  });

  it("a routine request's acknowledgement is told when it comes within the lead time; urgent ones are left to escalation", async () => {
    // Routine: 5 days to acknowledge; sent 4 days ago, due in a day.
    const routine = await receive({ ...PRESERVATION, priority: 'routine' }, new Date(Date.now() - 4 * 24 * HOUR));
    const urgent = await receive({ ...PRESERVATION, priority: 'urgent' });
    await run();
    const told = await reminders(routine);
    expect(told.map((r) => r.deadline)).toEqual(told.map(() => 'acknowledgement'));
    expect(told.length).toBeGreaterThan(0);
    expect(await reminders(urgent)).toEqual([]);
    await actOnCase(node.ctx, { ref: 'system' }, routine, { action: 'acknowledge' });
    await run(new Date(Date.now() + HOUR));
    expect(await reminders(routine)).toEqual(told);
  });
});
