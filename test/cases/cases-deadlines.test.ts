import { beforeAll, describe, expect, it } from 'vitest';
import type { NodeIdentity } from '../../src/node/identity.js';
import { DIALECTS } from '../_util/db.js';
import { buildEntryInput } from '../directory/_entries.js';
import { useTwoNodes, waitFor } from '../federation/_federation.js';
import { makeIdentity } from '../federation/_inbox.js';
import { adminToken, apiOf, caseEnvelope, deliver, pinPeer, PRESERVATION, type Api } from './_cases.js';

const HOUR = 3_600_000;

/**
 * An urgent request whose acknowledgement window ran out: B escalates it once per step (its
 * case workers, then its directory contacts in their escalation order), shows it on the duty
 * desk as urgent, and does not escalate again after a re-run or a crash; its acknowledgement
 * waits for the requesting peer, which is down, and the escalation stops.
 */
describe.each(DIALECTS)('an urgent request not acknowledged in time (%s)', (dialect) => {
  const fx = useTwoNodes(dialect);
  let b: Api, requester: NodeIdentity, caseId: string, openedAt: string;

  /** Makes B's escalation job due now and waits until it has run once more. */
  async function runEscalation(): Promise<void> {
    const job = () => fx.storeB.db.selectFrom('jobs').select(['runs', 'last_error']).where('name', '=', 'cases.escalate').executeTakeFirst();
    const before = Number((await job())?.runs ?? 0);
    await fx.storeB.db.updateTable('jobs').set({ next_run_at: new Date(Date.now() - 1000).toISOString(), claimed_until: null, claimed_by: null }).where('name', '=', 'cases.escalate').execute();
    const done = await waitFor('the escalation job to run', async () => {
      const r = await job();
      return r && Number(r.runs) > before ? r : undefined;
    });
    expect(done.last_error).toBeNull();
  }

  async function escalations(): Promise<{ step: number; user_id: string | null; channel: string; recipient: string }[]> {
    const rows = await fx.storeB.db.selectFrom('notifications').select(['data', 'user_id', 'channel', 'recipient']).where('kind', '=', 'cases.unacknowledged').orderBy('id').execute();
    return rows
      .map((r) => ({ ...(JSON.parse(r.data) as { case_id: string; step: number }), user_id: r.user_id, channel: r.channel, recipient: r.recipient }))
      .filter((r) => r.case_id === caseId)
      .map(({ step, user_id, channel, recipient }) => ({ step, user_id, channel, recipient }));
  }

  beforeAll(async () => {
    b = apiOf(fx.b, adminToken(fx.b));
    // B's directory entry names two contacts with e-mail, in escalation order duty, then analyst.
    const published = await b('PUT', '/api/v1/directory/own', buildEntryInput());
    expect(published.status, JSON.stringify(published.json)).toBe(200);
    // The requesting peer: its signed messages reach B, but nothing from B reaches it.
    requester = makeIdentity('tj-cert');
    await pinPeer(fx.storeB.db, requester);
  });

  it('arrives 28 hours after it was sent: overdue at once, and urgent on the duty desk', async () => {
    openedAt = new Date(Date.now() - 28 * HOUR).toISOString();
    // B was down when it was sent: it is delivered now, carrying its own (signed) time.
    await fx.b.kill9();
    await fx.b.restart();
    const open = caseEnvelope(requester, fx.b.nodeId, { case_id: crypto.randomUUID(), action: 'open', requested: fx.b.nodeId, request: { ...PRESERVATION, priority: 'urgent' } }, openedAt);
    caseId = open.body.case_id;
    const r = await deliver(fx.b, requester, [open]);
    expect(r.json.items[0]).toMatchObject({ status: 'accepted' });
    const c = (await b('GET', `/api/v1/cases/${caseId}`)).json;
    const ackDue = new Date(Date.parse(openedAt) + 24 * HOUR).toISOString();
    expect(c).toMatchObject({ status: 'sent', my_party: 'requested', peer: 'tj-cert', opened_at: openedAt, deadlines: { ack_due: ackDue, overdue: true } });
    const desk = (await b('GET', '/api/v1/desk')).json;
    expect(desk.items).toContainEqual(expect.objectContaining({ kind: 'cases.to_acknowledge', id: caseId, severity: 'urgent', due: ackDue, params: expect.objectContaining({ peer: 'tj-cert', priority: 'urgent' }) }));
    expect((await b('GET', '/api/v1/cases?overdue=true')).json.cases.map((x: { case_id: string }) => x.case_id)).toContain(caseId);
  });

  it('is escalated once per step: the case workers, then each directory contact in turn', async () => {
    await runEscalation();
    const first = await escalations();
    // 4 hours late, two hours a step: step 0 and one step per contact (two contacts).
    expect([...new Set(first.map((e) => e.step))].sort()).toEqual([0, 1, 2]);
    expect(first.filter((e) => e.step === 1)).toEqual([{ step: 1, user_id: null, channel: 'email', recipient: 'duty@cert.uz.example' }]);
    expect(first.filter((e) => e.step === 2)).toEqual([{ step: 2, user_id: null, channel: 'email', recipient: 'soc@cert.uz.example' }]);
    const workers = first.filter((e) => e.step === 0);
    expect(workers.length).toBeGreaterThan(0);
    expect(workers.every((e) => e.user_id !== null)).toBe(true);
    expect(new Set(workers.map((e) => `${e.user_id}/${e.channel}`)).size).toBe(workers.length);

    // Run again, then again after a crash: nothing new.
    await runEscalation();
    expect(await escalations()).toEqual(first);
    await fx.b.kill9();
    await fx.b.restart();
    await runEscalation();
    expect(await escalations()).toEqual(first);
  });

  it('once acknowledged, leaves the desk and escalates no further, while the acknowledgement waits for the peer that is down', async () => {
    const before = await escalations();
    const acked = await b('POST', `/api/v1/cases/${caseId}/actions`, { action: 'acknowledge', note: 'Seen late: the node was down.' });
    expect(acked.status, JSON.stringify(acked.json)).toBe(200);
    expect(acked.json).toMatchObject({ status: 'acknowledged', deadlines: { ack_due: null } });
    const own = acked.json.history.find((h: { action: string }) => h.action === 'acknowledge');
    expect(own.delivery).toMatchObject({ state: expect.not.stringMatching(/^delivered$/), receipt: null });
    const desk = (await b('GET', '/api/v1/desk')).json;
    expect(desk.items.filter((i: { id: string }) => i.id === caseId)).toEqual([]);
    await runEscalation();
    expect(await escalations()).toEqual(before);
  });
});
