import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseEventType } from '../../src/cases/cases.messages.js';
import { actOnCase, getCase } from '../../src/cases/cases.service.js';
import type { CaseEventBody } from '../../src/cases/cases.schemas.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import { newId } from '../../src/util/ids.js';
import { DIALECTS } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';
import { addPeerRow } from '../desk/_fixtures.js';
import { PRESERVATION } from './_cases.js';

/** An envelope as the inbox hands it to the handler (signatures were checked before). */
function envelope(from: string, to: string, body: Omit<CaseEventBody, 'event_id' | 'created_at' | 'seen'> & Partial<CaseEventBody>): Envelope<CaseEventBody> {
  const created_at = new Date().toISOString();
  return { v: 1, id: newId(), from, to: [to], type: 'cases.event/v1', issued_at: created_at, body: { event_id: newId(), created_at, seen: [], ...body } as CaseEventBody, sig: { suite: 'ed25519', key: 'k', value: 'v' } };
}

describe.each(DIALECTS)('case events as the receiving node takes them (%s)', (dialect) => {
  let node: TestNode;
  const me = 'test-node';
  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    await addPeerRow(node.ctx, 'kz-cert');
  });
  afterAll(() => node.close());

  const receive = (es: Envelope<CaseEventBody>[]) => node.ctx.store.db.transaction().execute((trx) => CaseEventType.handleMany(trx, es, node.ctx));

  it("keeps a party's out-of-role event, counts nothing of it, and reports it in the audit log", async () => {
    const caseId = newId();
    const open = envelope('kz-cert', me, { case_id: caseId, action: 'open', requested: me, request: PRESERVATION });
    // The requesting side may not acknowledge or preserve its own request.
    const outOfRole = envelope('kz-cert', me, { case_id: caseId, action: 'preserve', until: '2099-01-01', seen: [{ author: 'kz-cert', event_id: open.body.event_id }] });
    expect([...(await receive([open, outOfRole]))]).toEqual([]);
    const row = await node.ctx.store.db.selectFrom('cases').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
    expect([row.status, row.preservation_until, Number(row.events), Number(row.ignored_events)]).toEqual(['sent', null, 2, 1]);
    const audit = await node.ctx.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'case.event_not_counted').execute();
    expect(audit.map((a) => [a.actor, a.target, JSON.parse(a.details as string)])).toEqual([[`node:kz-cert`, `case:${caseId}`, { event_id: outOfRole.body.event_id, event_action: 'preserve', reason: 'preserve is for the requested party' }]]);
    // The same event again (another delivery): stored once, reported once.
    await receive([outOfRole]);
    expect(await node.ctx.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'case.event_not_counted').execute()).toHaveLength(1);
  });

  it('refuses, in the receipt, an event dated far from its envelope, and keeps nothing of it', async () => {
    const caseId = newId();
    const backDated = envelope('kz-cert', me, { case_id: caseId, action: 'open', requested: me, request: PRESERVATION, created_at: new Date(Date.now() - 3_600_000).toISOString() });
    const refused = await receive([backDated]);
    expect(refused.get(backDated.id)).toMatch(/more than 10 minutes from its envelope's/);
    expect(await node.ctx.store.db.selectFrom('case_events').select('event_id').where('case_id', '=', caseId).execute()).toEqual([]);
  });

  it("refuses a third node's event for a case held nowhere here, and a party's event that came before its opening once nothing of its sender is missing", async () => {
    const caseId = newId();
    const db = node.ctx.store.db;
    const seqOf = async (from: string) => Number((await db.selectFrom('inbox').select((eb) => eb.fn.max('seq').as('m')).where('from_node', '=', from).executeTakeFirstOrThrow()).m ?? 0);
    const open = envelope('kz-cert', me, { case_id: caseId, action: 'open', requested: me, request: PRESERVATION });
    const message = envelope('kz-cert', me, { case_id: caseId, action: 'message', text: 'sent after the opening', seen: [{ author: 'kz-cert', event_id: open.body.event_id }] });
    // Numbered after a release that has not arrived (the opening's batch is still on its way): the whole batch waits.
    const next = (await seqOf('kz-cert')) + 1;
    await expect(node.ctx.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('inbox').values({ id: message.id, from_node: 'kz-cert', seq: next + 1, type: message.type, envelope: '{}', digest: 'd', received_at: new Date().toISOString(), batch_id: newId() }).execute();
      return CaseEventType.handleMany(trx, [{ ...message, seq: next + 1 }], node.ctx);
    })).rejects.toThrow(`came before releases of kz-cert numbered below ${next + 1}`);
    expect(await db.selectFrom('inbox').select('id').where('id', '=', message.id).execute()).toEqual([]);
    // The opening, then the message, each in its own batch: both are taken.
    for (const [e, seq] of [[open, next], [message, next + 1]] as const) {
      const refused = await node.ctx.store.db.transaction().execute(async (trx) => {
        await trx.insertInto('inbox').values({ id: e.id, from_node: 'kz-cert', seq, type: e.type, envelope: '{}', digest: 'd', received_at: new Date().toISOString(), batch_id: newId() }).execute();
        return CaseEventType.handleMany(trx, [{ ...e, seq }], node.ctx);
      });
      expect([...(refused ?? [])]).toEqual([]);
    }
    // A node that is no party, nothing of it missing, writing to a case this node does not hold: refused, nothing stored.
    const unknown = newId();
    const forged = envelope('kg-cert', me, { case_id: unknown, action: 'preserve', until: '2099-01-01' });
    expect([...(await receive([forged]))]).toEqual([[forged.id, `${me} holds no case ${unknown}: only its opening, sent to ${me} as the requested party, starts a case here`]]);
    expect(await db.selectFrom('case_events').select('event_id').where('case_id', '=', unknown).execute()).toEqual([]);
    expect(Number((await db.selectFrom('cases').select('events').where('case_id', '=', caseId).executeTakeFirstOrThrow()).events)).toBe(2);
  });

  it('takes a batch of many cases at once as its events one after another: refusals, duplicates, equivocation, list rows', async () => {
    const [c1, c2, c3, c4] = [newId(), newId(), newId(), newId()];
    const db = node.ctx.store.db;
    const open1 = envelope('kz-cert', me, { case_id: c1, action: 'open', requested: me, request: PRESERVATION });
    const msg1 = envelope('kz-cert', me, { case_id: c1, action: 'message', text: 'first', seen: [{ author: 'kz-cert', event_id: open1.body.event_id }] });
    // The same event again in the batch, and another body under its key (equivocation).
    const msg1Again = { ...msg1, id: newId() };
    const msg1Other = { ...msg1, id: newId(), body: { ...msg1.body, text: 'another' } as CaseEventBody };
    const outOfRole = envelope('kz-cert', me, { case_id: c1, action: 'preserve', until: '2099-01-01', seen: [{ author: 'kz-cert', event_id: open1.body.event_id }] });
    const open2 = envelope('kz-cert', me, { case_id: c2, action: 'open', requested: me, request: PRESERVATION });
    const open2Again = envelope('kz-cert', me, { case_id: c2, action: 'open', requested: me, request: PRESERVATION });
    const early3 = envelope('kz-cert', me, { case_id: c3, action: 'message', text: 'before the opening' });
    const open4 = envelope('kz-cert', me, { case_id: c4, action: 'open', requested: 'kg-cert', request: PRESERVATION });
    const refused = await receive([open1, msg1, msg1Again, msg1Other, outOfRole, open2, open2Again, early3, open4, { ...open1, id: newId() }]);
    expect([...refused]).toEqual([
      [open2Again.id, `case ${c2} is open already`],
      [early3.id, `${me} holds no case ${c3}: only its opening, sent to ${me} as the requested party, starts a case here`],
      [open4.id, `the request is addressed to kg-cert, not to ${me}`],
    ]);
    const rows = await db.selectFrom('cases').select(['case_id', 'status', 'events', 'ignored_events']).where('case_id', 'in', [c1, c2, c3, c4]).execute();
    expect(new Map(rows.map((r) => [r.case_id, [r.status, Number(r.events), Number(r.ignored_events)]]))).toEqual(
      new Map([
        [c1, ['sent', 3, 1]],
        [c2, ['sent', 1, 0]],
      ]),
    );
    const stored = await db.selectFrom('case_events').select(['case_id', 'event_id']).where('case_id', 'in', [c1, c2, c3, c4]).execute();
    expect(stored.map((r) => r.event_id).sort()).toEqual([open1, msg1, outOfRole, open2].map((e) => e.body.event_id).sort());
    const evidence = await db.selectFrom('case_event_equivocations').select(['case_id', 'event_id']).where('case_id', 'in', [c1, c2, c3, c4]).execute();
    expect(evidence).toEqual([{ case_id: c1, event_id: msg1.body.event_id }]);
    const notCounted = await db.selectFrom('audit_log').select('details').where('action', '=', 'case.event_not_counted').where('target', '=', `case:${c1}`).execute();
    expect(notCounted.map((a) => JSON.parse(a.details as string).event_id)).toEqual([outOfRole.body.event_id]);
    // The opening arrives: the case starts with it alone; a third node is no party to a held case.
    const stranger = envelope('kg-cert', me, { case_id: c1, action: 'message', text: 'hello' });
    const open3 = envelope('kz-cert', me, { case_id: c3, action: 'open', requested: me, request: PRESERVATION, created_at: new Date(Date.parse(early3.body.created_at) - 1000).toISOString() });
    expect([...(await receive([stranger, open3]))]).toEqual([[stranger.id, `kg-cert is not a party to case ${c1}`]]);
    const row3 = await db.selectFrom('cases').select(['status', 'events', 'ignored_events']).where('case_id', '=', c3).executeTakeFirstOrThrow();
    expect([row3.status, Number(row3.events), Number(row3.ignored_events)]).toEqual(['sent', 1, 0]);
  });

  it("keeps a case's list row right when batches of its events and this node's own actions are applied at once", async () => {
    const caseId = newId();
    const db = node.ctx.store.db;
    const open = envelope('kz-cert', me, { case_id: caseId, action: 'open', requested: me, request: PRESERVATION });
    await receive([open]);
    const seen = [{ author: 'kz-cert', event_id: open.body.event_id }];
    await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => receive([envelope('kz-cert', me, { case_id: caseId, action: 'message', text: `from the peer ${i}`, seen })])),
      ...Array.from({ length: 3 }, (_, i) => actOnCase(node.ctx, { ref: 'system' }, caseId, { action: 'message', text: `from here ${i}` })),
    ]);
    const row = await db.selectFrom('cases').select(['status', 'events', 'ignored_events']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
    expect([row.status, Number(row.events), Number(row.ignored_events)]).toEqual(['sent', 10, 0]);
    // An action folds on top of the case as it loaded it, and answers with the case as stored.
    const detail = await actOnCase(node.ctx, { ref: 'system' }, caseId, { action: 'acknowledge' });
    expect([detail.status, detail.history.length]).toEqual(['acknowledged', 11]);
    expect(detail).toEqual(await getCase(node.ctx, { ref: 'system' }, caseId, false));
  });

  // Cases this node acted on are kept folded (src/cases/cases.kept.ts); an event received since
  // changes the log's count, and the next action folds it in rather than the kept state.
  it('acts on a case as its log stands, with the events received since its last action here', async () => {
    const caseId = newId();
    const open = envelope('kz-cert', me, { case_id: caseId, action: 'open', requested: me, request: PRESERVATION });
    await receive([open]);
    const acked = await actOnCase(node.ctx, { ref: 'system' }, caseId, { action: 'acknowledge' });
    expect(acked.status).toBe('acknowledged');
    const ack = acked.history.find((h: { action: string }) => h.action === 'acknowledge')!;
    const withdraw = envelope('kz-cert', me, { case_id: caseId, action: 'withdraw', reasons: 'solved', seen: [{ author: me, event_id: ack.event_id }] });
    await receive([withdraw]);
    // Withdrawn here too: preserving now is refused, nothing signed.
    await expect(actOnCase(node.ctx, { ref: 'system' }, caseId, { action: 'preserve', until: '2099-01-01' })).rejects.toThrow(/withdrawn|not allowed|closed/i);
    const detail = await actOnCase(node.ctx, { ref: 'system' }, caseId, { action: 'message', text: 'noted' });
    expect([detail.status, detail.history.length]).toEqual(['withdrawn', 4]);
    const message = await node.ctx.store.db.selectFrom('case_events').select('envelope').where('case_id', '=', caseId).where('type', '=', 'message').executeTakeFirstOrThrow();
    expect((JSON.parse(message.envelope) as Envelope<CaseEventBody>).body.seen).toEqual([{ author: 'kz-cert', event_id: withdraw.body.event_id }]);
    expect(detail).toEqual(await getCase(node.ctx, { ref: 'system' }, caseId, false));
  });
});
