import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseEventType } from '../../src/cases/cases.messages.js';
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
});
