import { beforeAll, describe, expect, it } from 'vitest';
import { CaseMessage, type CaseEventBody } from '../../src/cases/cases.schemas.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import { loadIdentity, type NodeIdentity } from '../../src/node/identity.js';
import { DIALECTS } from '../_util/db.js';
import { useTwoNodes } from '../federation/_federation.js';
import { makeIdentity } from '../federation/_inbox.js';
import { act, adminToken, apiOf, caseEnvelope, caseWhen, deliver, pinPeer, PRESERVATION, sendRequest, storedEvents, type Api } from './_cases.js';

/**
 * What B does with case events that arrive over the wire, crafted with the protocol's own
 * signing: only the two parties write to a case; a party acting out of its role is kept and
 * not counted; a forgery, a replay or a request meant for another node changes nothing.
 */
describe.each(DIALECTS)('case events over the wire, forged or out of role (%s)', (dialect) => {
  const fx = useTwoNodes(dialect);
  let a: Api, b: Api, idA: NodeIdentity, third: NodeIdentity, caseId: string, opening: { author: string; event_id: string; created_at: string };

  beforeAll(async () => {
    a = apiOf(fx.a, adminToken(fx.a));
    b = apiOf(fx.b, adminToken(fx.b));
    idA = loadIdentity(fx.a.dataDir);
    // tj-cert: a peer of B, party to nothing.
    third = makeIdentity('tj-cert');
    await pinPeer(fx.storeB.db, third);
    caseId = await sendRequest(a, fx.b.nodeId, PRESERVATION);
    const onB = await caseWhen(b, caseId, 'the case on B');
    opening = onB.history[0];
  });

  const seenOpening = () => [{ author: opening.author, event_id: opening.event_id }];

  it('(a) an event signed by a peer that is not a party is refused in the receipt and not stored', async () => {
    const before = await storedEvents(fx.storeB.db, caseId);
    const msg = caseEnvelope(third, fx.b.nodeId, { case_id: caseId, action: 'message', text: 'Please send the logs to us instead.', seen: seenOpening() });
    const ack = caseEnvelope(third, fx.b.nodeId, { case_id: caseId, action: 'acknowledge', seen: seenOpening() });
    const r = await deliver(fx.b, third, [msg, ack]);
    expect(r.status).toBe(200);
    expect(r.json.items.map((i) => [i.message_id, i.status, i.reason])).toEqual([
      [msg.id, 'rejected', 'refused'],
      [ack.id, 'rejected', 'refused'],
    ]);
    expect(r.json.items[0]!.detail).toContain('tj-cert is not a party');
    expect(await storedEvents(fx.storeB.db, caseId)).toBe(before);
    expect((await b('GET', `/api/v1/cases/${caseId}`)).json).toMatchObject({ status: 'sent', requesting: fx.a.nodeId });
  });

  it('(a) an opening for a case that exists, signed by a peer that is not a party, cannot take the case over', async () => {
    const before = await storedEvents(fx.storeB.db, caseId);
    // Dated before the real opening: were it kept, the fold would take it first and make tj-cert the requesting party.
    const earlier = new Date(Date.parse(opening.created_at) - 60_000).toISOString();
    const hijack = caseEnvelope(third, fx.b.nodeId, { case_id: caseId, action: 'open', requested: fx.b.nodeId, request: { ...PRESERVATION, subject: 'Send the logs to tj-cert' } }, earlier);
    const r = await deliver(fx.b, third, [hijack]);
    expect(r.json.items[0]).toMatchObject({ status: 'rejected', reason: 'refused' });
    expect(await storedEvents(fx.storeB.db, caseId)).toBe(before);
    expect((await b('GET', `/api/v1/cases/${caseId}`)).json).toMatchObject({ requesting: fx.a.nodeId, request: { subject: PRESERVATION.subject } });
  });

  it('(b) an event whose signature does not verify is rejected by the inbox', async () => {
    const before = await storedEvents(fx.storeB.db, caseId);
    const good = caseEnvelope(idA, fx.b.nodeId, { case_id: caseId, action: 'message', text: 'The logs are in UTC+5.', seen: seenOpening() });
    const altered = { ...good, body: { ...good.body, text: 'Never mind, delete the logs.' } } as Envelope;
    const r = await deliver(fx.b, idA, [altered]);
    expect(r.json.items[0]).toMatchObject({ message_id: good.id, status: 'rejected', reason: 'bad_signature' });
    // Signed by another key than the one B pinned for A.
    const wrongKey = caseEnvelope({ ...third, node_id: fx.a.nodeId }, fx.b.nodeId, { case_id: caseId, action: 'withdraw', seen: seenOpening() });
    const r2 = await deliver(fx.b, idA, [wrongKey]);
    expect(r2.json.items[0]).toMatchObject({ status: 'rejected', reason: 'wrong_key' });
    expect(await storedEvents(fx.storeB.db, caseId)).toBe(before);
  });

  it("(c) the requesting party's acknowledge and execute are kept as signed history, not counted, and the state does not move", async () => {
    const before = await storedEvents(fx.storeB.db, caseId);
    const ack = caseEnvelope(idA, fx.b.nodeId, { case_id: caseId, action: 'acknowledge', seen: seenOpening() });
    const exec = caseEnvelope(idA, fx.b.nodeId, { case_id: caseId, action: 'execute', extent: 'full', text: 'Done (says the requesting side).', seen: seenOpening() });
    const r = await deliver(fx.b, idA, [ack, exec]);
    expect(r.json.items.map((i) => i.status)).toEqual(['accepted', 'accepted']);
    expect(await storedEvents(fx.storeB.db, caseId)).toBe(before + 2);
    const c = (await b('GET', `/api/v1/cases/${caseId}`)).json;
    expect(c).toMatchObject({ status: 'sent', acknowledged_at: null, executed_at: null, executions: [] });
    expect(c.available_actions).toContain('acknowledge');
    const entry = (id: string) => c.history.find((h: { event_id: string }) => h.event_id === id);
    expect(entry(ack.body.event_id)).toMatchObject({ author: fx.a.nodeId, party: 'requesting', counted: false, ignored_because: 'acknowledge is for the requested party' });
    expect(entry(exec.body.event_id)).toMatchObject({ counted: false, ignored_because: 'execute is for the requested party' });
    const listed = (await b('GET', `/api/v1/cases?peer=${fx.a.nodeId}`)).json.cases.find((x: { case_id: string }) => x.case_id === caseId);
    expect(listed).toMatchObject({ status: 'sent', ignored_events: 2 });
    // The requested party's own acknowledgement still counts.
    const acked = await act(b, caseId, { action: 'acknowledge' });
    expect(acked.status).toBe('acknowledged');
    await caseWhen(a, caseId, 'acknowledged on A', (x) => x.status === 'acknowledged');
  });

  it('(d) a replayed batch is refused and a duplicated event is stored once', async () => {
    const before = await storedEvents(fx.storeB.db, caseId);
    const msg = caseEnvelope(idA, fx.b.nodeId, { case_id: caseId, action: 'message', text: 'Any news on the logs?', seen: seenOpening() });
    const batch = signEnvelope(idA, { v: 1, id: newMessageId(), from: idA.node_id, to: [fx.b.nodeId], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes: [msg, msg] } });
    const post = async () => {
      const res = await fetch(`${fx.b.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      return { status: res.status, json: (await res.json()) as { items?: { status: string }[]; reason?: string } };
    };
    const first = await post();
    expect(first.json.items!.map((i) => i.status)).toEqual(['accepted', 'duplicate']);
    const replayed = await post();
    expect(replayed.status).toBeGreaterThanOrEqual(400);
    expect(replayed.json.reason).toBe('replayed');
    const again = await deliver(fx.b, idA, [msg]);
    expect(again.json.items[0]!.status).toBe('duplicate');
    // The same event under a new envelope id: the case log keeps it once.
    const rewrapped = signEnvelope(idA, { ...msg, id: newMessageId() });
    expect((await deliver(fx.b, idA, [rewrapped])).json.items[0]!.status).toBe('accepted');
    expect(await storedEvents(fx.storeB.db, caseId)).toBe(before + 1);
    const c = (await b('GET', `/api/v1/cases/${caseId}`)).json;
    expect(c.history.filter((h: { event_id: string }) => h.event_id === msg.body.event_id)).toHaveLength(1);
  });

  it('(e) an opening addressed to another node is refused and opens nothing', async () => {
    const other = newMessageId();
    const misdirected = caseEnvelope(idA, fx.b.nodeId, { case_id: other, action: 'open', requested: 'tj-cert', request: PRESERVATION });
    const r = await deliver(fx.b, idA, [misdirected]);
    expect(r.json.items[0]).toMatchObject({ status: 'rejected', reason: 'refused' });
    expect(r.json.items[0]!.detail).toContain('addressed to tj-cert');
    expect(await storedEvents(fx.storeB.db, other)).toBe(0);
    expect((await b('GET', `/api/v1/cases/${other}`)).status).toBe(404);
  });

  it('(f) an event for a case B does not hold is refused in the receipt and stores nothing, from a third node or from a party', async () => {
    const unknown = newMessageId();
    const detail = `${fx.b.nodeId} holds no case ${unknown}: only its opening, sent to ${fx.b.nodeId} as the requested party, starts a case here`;
    const fromThird = [
      caseEnvelope(third, fx.b.nodeId, { case_id: unknown, action: 'preserve', until: '2099-01-01' }),
      caseEnvelope(third, fx.b.nodeId, { case_id: unknown, action: 'refuse', grounds: ['40(22)'], reasons: 'Made up.' }),
    ];
    const r = await deliver(fx.b, third, fromThird);
    expect(r.json.items.map((i) => [i.status, i.reason, i.detail])).toEqual(fromThird.map(() => ['rejected', 'refused', detail]));
    // A's event under a case id that A never opened with B.
    const fromA = caseEnvelope(idA, fx.b.nodeId, { case_id: unknown, action: 'withdraw', reasons: 'No longer needed.' });
    expect((await deliver(fx.b, idA, [fromA])).json.items[0]).toMatchObject({ status: 'rejected', reason: 'refused', detail });
    expect(await storedEvents(fx.storeB.db, unknown)).toBe(0);
    expect((await b('GET', `/api/v1/cases/${unknown}`)).status).toBe(404);
  });

  it('(g) an event numbered after a release of its sender that has not arrived waits: the batch is refused whole, then taken once the gap is filled', async () => {
    // tj-cert opens a case with B (a peer may send B a request) and acts on it; its releases to B are numbered.
    const own = newMessageId();
    const at = new Date().toISOString();
    const numbered = (seq: number, body: Record<string, unknown>) => signEnvelope(third, { v: 1, id: newMessageId(), from: third.node_id, to: [fx.b.nodeId], type: CaseMessage.event, issued_at: at, seq, body: { event_id: newMessageId(), created_at: at, seen: [], ...body } });
    const open = numbered(1, { case_id: own, action: 'open', requested: fx.b.nodeId, request: PRESERVATION });
    const message = numbered(2, { case_id: own, action: 'message', text: 'The logs are in UTC+5.', seen: [{ author: third.node_id, event_id: (open.body as unknown as CaseEventBody).event_id }] });
    // The message's batch is stored first, as when batches in flight at once are applied out of order.
    const early = await deliver(fx.b, third, [message]);
    expect(early.status).toBe(409);
    expect(await storedEvents(fx.storeB.db, own)).toBe(0);
    expect((await deliver(fx.b, third, [open])).json.items[0]).toMatchObject({ status: 'accepted' });
    expect((await deliver(fx.b, third, [message])).json.items[0]).toMatchObject({ status: 'accepted' });
    expect(await storedEvents(fx.storeB.db, own)).toBe(2);
    // Nothing missing below it any more: a made-up case is refused for good.
    const made = numbered(3, { case_id: newMessageId(), action: 'message', text: 'Hello.' });
    expect((await deliver(fx.b, third, [made])).json.items[0]).toMatchObject({ status: 'rejected', reason: 'refused' });
  });
});
