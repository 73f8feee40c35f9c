import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMessageId, type Envelope } from '../../src/federation/protocol/envelope.js';
import { DIALECTS } from '../_util/db.js';
import { daysFromToday, plansNode, type PlansNode } from './_plans.js';

/**
 * What uz-cert does with plan events that arrive over the wire, signed with the protocol's own
 * code by the other members (kz-cert, tj-cert) and by a peer outside the group (kg-cert).
 */
describe.each(DIALECTS)('plan events received from other nodes (%s)', (dialect) => {
  let f: PlansNode;
  let planId = '';
  let planEvent: Envelope;
  let kzItem: Envelope;

  beforeAll(async () => {
    f = await plansNode(dialect);
  });
  afterAll(async () => {
    await f?.close();
  });

  const stored = async () => Number((await f.node.ctx.store.db.selectFrom('plan_events').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
  const plan = async () => (await f.api('analyst', 'GET', `/api/v1/plans/${planId}`)).json;
  const ids = (p: { group_id?: string; plan_id?: string } = {}) => ({ group_id: p.group_id ?? f.groupId, plan_id: p.plan_id ?? planId });

  it('takes a plan founded by a member and an item the member owns', async () => {
    planId = newMessageId();
    planEvent = f.event(f.kz, 'plans.plan/v1', { event_id: planId, group_id: f.groupId, plan_id: planId, title: 'План взаимодействия ШОС', instrument: 'sco-2009', reference: '' });
    kzItem = f.event(f.kz, 'plans.item/v1', { ...ids(), title: 'Учения', description: '', owner: 'kz-cert', deadline: daysFromToday(-1) });
    const r = await f.deliver(f.kz, [planEvent, kzItem]);
    expect(r.json.items.map((i) => i.status)).toEqual(['accepted', 'accepted']);
    const p = await plan();
    expect(p).toMatchObject({ title: 'План взаимодействия ШОС', author: 'kz-cert', my_role: 'member' });
    expect(p.items).toEqual([expect.objectContaining({ owner: 'kz-cert', acceptance: 'accepted', overdue: true })]);
    // Not this node's item: nothing on its desk.
    const desk = await f.api('officer', 'GET', '/api/v1/desk');
    expect(desk.json.items.filter((i: { kind: string }) => i.kind.startsWith('plans.'))).toEqual([]);
  });

  it('stores a duplicate once and a replayed batch changes nothing', async () => {
    const before = await stored();
    const again = await f.deliver(f.kz, [kzItem]);
    expect(again.json.items[0]!.status).toBe('duplicate');
    expect(await stored()).toBe(before);
  });

  it('refuses a tampered event and one signed with another key', async () => {
    const before = await stored();
    const good = f.event(f.kz, 'plans.status/v1', { ...ids(), item_id: (kzItem.body as { event_id: string }).event_id, item_author: 'kz-cert', status: 'done', note: 'Выполнено' });
    const tampered = { ...good, body: { ...(good.body as object), note: 'Подделка' } } as Envelope;
    expect((await f.deliver(f.kz, [tampered])).json.items[0]).toMatchObject({ status: 'rejected', reason: 'bad_signature' });
    const forged = f.event({ ...f.kg, node_id: 'kz-cert' }, 'plans.status/v1', { ...ids(), item_id: (kzItem.body as { event_id: string }).event_id, item_author: 'kz-cert', status: 'cancelled', note: 'x' });
    expect((await f.deliver(f.kz, [forged])).json.items[0]).toMatchObject({ status: 'rejected', reason: 'wrong_key' });
    expect(await stored()).toBe(before);
    expect((await plan()).items[0].status).toBe('planned');
  });

  it('refuses the events of a peer that is not a member of the group, and stores nothing', async () => {
    const before = await stored();
    const item = f.event(f.kg, 'plans.item/v1', { ...ids(), title: 'Чужой пункт', description: '', owner: 'kg-cert', deadline: daysFromToday(5) });
    const own = f.event(f.kg, 'plans.plan/v1', { group_id: f.groupId, plan_id: '01900000-0000-7000-8000-000000000001', title: 'Чужой план', instrument: null, reference: '' });
    const r = await f.deliver(f.kg, [item, own]);
    expect(r.json.items.map((i) => [i.status, i.reason])).toEqual([['rejected', 'refused'], ['rejected', 'refused']]);
    expect(r.json.items[0]!.detail).toContain('kg-cert is not a member of group');
    expect(await stored()).toBe(before);
  });

  it('keeps a member’s status update of an item it does not own as history, not counted', async () => {
    const kzItemId = (kzItem.body as { event_id: string }).event_id;
    const byTj = f.event(f.tj, 'plans.status/v1', { ...ids(), item_id: kzItemId, item_author: 'kz-cert', status: 'done', note: 'Не наш пункт' });
    expect((await f.deliver(f.tj, [byTj])).json.items[0]!.status).toBe('accepted');
    const p = await plan();
    expect(p.items[0].status).toBe('planned');
    expect(p.history.find((h: { event_id: string }) => h.event_id === (byTj.body as { event_id: string }).event_id)).toMatchObject({ counted: false, not_counted_because: expect.stringContaining('only the owner kz-cert') });
    const byKz = f.event(f.kz, 'plans.status/v1', { ...ids(), item_id: kzItemId, item_author: 'kz-cert', status: 'done', note: 'Учения проведены 20 ноября' });
    await f.deliver(f.kz, [byKz]);
    expect((await plan()).items[0]).toMatchObject({ status: 'done', overdue: false, updates: [{ status: 'done', note: 'Учения проведены 20 ноября' }] });
  });

  it('shows an item another member proposes for this node on its desk until it accepts, and the acceptance goes to the members', async () => {
    const proposed = f.event(f.tj, 'plans.item/v1', { ...ids(), title: 'Подготовить национальный отчёт', description: '', owner: 'uz-cert', deadline: daysFromToday(20) });
    await f.deliver(f.tj, [proposed]);
    const itemId = (proposed.body as { event_id: string }).event_id;
    const desk = await f.api('coordinator', 'GET', '/api/v1/desk');
    expect(desk.json.items.filter((i: { kind: string }) => i.kind.startsWith('plans.'))).toEqual([expect.objectContaining({ kind: 'plans.item_to_accept', id: itemId, params: expect.objectContaining({ author: 'tj-cert' }) })]);
    const r = await f.api('coordinator', 'POST', `/api/v1/plans/${planId}/proposals/${itemId}/answer`, { answer: 'accept', note: 'Берём' });
    expect(r.status).toBe(200);
    expect(r.json.items.find((i: { id: string }) => i.id === itemId)).toMatchObject({ acceptance: 'accepted', awaiting_me: false, answer_note: 'Берём' });
    const again = await f.api('coordinator', 'POST', `/api/v1/plans/${planId}/proposals/${itemId}/answer`, { answer: 'decline' });
    expect(again.status).toBe(409);
    const out = await f.node.ctx.store.db.selectFrom('outbox').select('peer_id').where('type', '=', 'plans.answer/v1').execute();
    expect(out.map((o) => o.peer_id).sort()).toEqual(['kz-cert', 'tj-cert']);
  });

  it('refuses an event that moves a plan into another group, and a plan event not bearing its own id', async () => {
    const other = f.event(f.kz, 'plans.item/v1', { group_id: '01900000-0000-7000-8000-0000000000ff', plan_id: planId, title: 'x', description: '', owner: 'kz-cert', deadline: daysFromToday(5) });
    const r = await f.deliver(f.kz, [other]);
    expect(r.json.items[0]).toMatchObject({ status: 'rejected', reason: 'refused' });
    const bad = f.event(f.kz, 'plans.plan/v1', { ...ids({ plan_id: '01900000-0000-7000-8000-000000000002' }), title: 'x', instrument: null, reference: '' });
    expect((await f.deliver(f.kz, [bad])).json.items[0]).toMatchObject({ status: 'rejected', reason: 'refused' });
  });

  it('takes a history relayed by a member, verifying each event, and refuses a tampered one in it', async () => {
    // A plan tj-cert founded, relayed by kz-cert (as to a member that joined).
    const tjPlanId = newMessageId();
    const signed = f.event(f.tj, 'plans.plan/v1', { event_id: tjPlanId, group_id: f.groupId, plan_id: tjPlanId, title: 'План Таджикистана', instrument: null, reference: '' });
    const tjItem = f.event(f.tj, 'plans.item/v1', { group_id: f.groupId, plan_id: (signed.body as { plan_id: string }).plan_id, title: 'Обмен опытом', description: '', owner: 'tj-cert', deadline: daysFromToday(9) });
    const tampered = { ...tjItem, body: { ...(tjItem.body as object), title: 'Подменённый пункт' } } as Envelope;
    const r = await f.deliver(f.kz, [f.signed(f.kz, 'plans.history/v1', { group_id: f.groupId, envelopes: [signed, tampered] })]);
    expect(r.json.items[0]!.status).toBe('accepted');
    const p = (await f.api('analyst', 'GET', `/api/v1/plans/${tjPlanId}`)).json;
    expect(p).toMatchObject({ title: 'План Таджикистана', author: 'tj-cert', items: [] });
    expect(await f.node.ctx.store.db.selectFrom('plan_events').select('event_id').where('plan_id', '=', tjPlanId).execute()).toHaveLength(1);
    // From a non-member, a relay is refused whole.
    const fromKg = f.signed(f.kg, 'plans.history/v1', { group_id: f.groupId, envelopes: [tjItem] });
    expect((await f.deliver(f.kg, [fromKg])).json.items[0]).toMatchObject({ status: 'rejected', reason: 'refused' });
  });
});
