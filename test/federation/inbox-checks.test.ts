import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoticeType } from '../../src/federation/builtin/builtin-types.js';
import { newMessageId, publicKeyFromRaw, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import { verifyReceipt, type Receipt } from '../../src/federation/protocol/receipt.js';
import { fingerprintOf, loadIdentity, rawPublicKey, type NodeIdentity } from '../../src/node/identity.js';
import type { StoreHandle } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import type { NodeProcess } from '../_util/node-process.js';
import { count, useTwoNodes } from './_federation.js';

function strangerIdentity(nodeId: string): NodeIdentity {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  return { node_id: nodeId, country: 'XX', names: { en: 'Stranger' }, authority_kinds: [], created_at: '', suite: 'ed25519', privateKey, publicKey, publicKeyRaw: rawPublicKey(publicKey).toString('base64url'), fingerprint: fingerprintOf(publicKey) };
}

describe.each(DIALECTS)('the inbox checks every message on %s', (dialect) => {
  let b: NodeProcess, storeB: StoreHandle, idA: NodeIdentity;
  const fx = useTwoNodes(dialect, { ACCORD_FEDERATION_BODY_LIMIT_BYTES: '200000' });

  const notice = (over: Partial<Envelope> = {}, id: NodeIdentity = idA): Envelope =>
    signEnvelope(id, { v: 1, id: newMessageId(), from: id.node_id, to: ['kz-cert'], type: NoticeType.type, issued_at: new Date().toISOString(), body: { subject: 'check', text: 'x' }, ...over } as Envelope);
  const batch = (envelopes: Envelope[], over: Record<string, unknown> = {}, id: NodeIdentity = idA) =>
    signEnvelope(id, { v: 1, id: newMessageId(), from: id.node_id, to: ['kz-cert'], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes }, ...over } as Envelope);
  async function post(body: unknown): Promise<{ status: number; json: Receipt & { type: string; detail?: string; reason?: string } }> {
    const res = await fetch(`${b.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Receipt & { type: string } };
  }

  beforeAll(() => {
    ({ b, storeB } = fx);
    idA = loadIdentity(fx.a.dataDir);
  });

  it('accepts a good batch, stores it, and answers with a receipt signed by the receiver', async () => {
    const e = notice();
    const r = await post(batch([e]));
    expect(r.status).toBe(200);
    expect(r.json.items).toEqual([{ message_id: e.id, digest: expect.stringMatching(/^[0-9a-f]{64}$/), status: 'accepted' }]);
    expect(verifyReceipt(r.json, publicKeyFromRaw(loadIdentity(b.dataDir).publicKeyRaw))).toBe(true);
    expect(await storeB.db.selectFrom('notices').select('id').where('id', '=', e.id).executeTakeFirst()).toBeDefined();
  });

  it('applies a duplicated message once, within a batch and across batches', async () => {
    const e = notice();
    const before = await count(storeB, 'notices');
    const first = await post(batch([e, e]));
    expect(first.json.items.map((i) => i.status)).toEqual(['accepted', 'duplicate']);
    const again = await post(batch([e]));
    expect(again.json.items[0]!.status).toBe('duplicate');
    expect(await count(storeB, 'notices')).toBe(before + 1);
  });

  it('applies a message once when two batches carrying it arrive at the same time (a retry racing the first attempt)', async () => {
    const e = notice();
    const before = await count(storeB, 'notices');
    const [r1, r2] = await Promise.all([post(batch([e])), post(batch([e]))]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect([r1.json.items[0]!.status, r2.json.items[0]!.status].sort()).toEqual(['accepted', 'duplicate']);
    expect(await count(storeB, 'notices')).toBe(before + 1);
  });

  describe('refusals that leave no trace', () => {
    let before = { notices: 0, inbox: 0 };
    beforeAll(async () => {
      before = { notices: await count(storeB, 'notices'), inbox: await count(storeB, 'inbox') };
    });
    afterAll(async () => {
      expect({ notices: await count(storeB, 'notices'), inbox: await count(storeB, 'inbox') }).toEqual(before);
    });

    const reasons = (r: { json: Receipt }) => r.json.items.map((i) => i.reason);
    // A batch refused as a whole gets a problem naming the reason, not a receipt.
    const refusal = (r: { json: { reason?: string; items?: unknown } }) => (r.json.items === undefined ? r.json.reason : 'a receipt');

    it('a replayed batch', async () => {
      const bt = batch([notice()]);
      expect((await post(bt)).status).toBe(200);
      before.notices += 1;
      before.inbox += 1;
      const replay = await post(bt);
      expect([replay.status, refusal(replay)]).toEqual([409, 'replayed']);
    });

    it('a message tampered with after signing', async () => {
      const e = notice();
      const r = await post(batch([{ ...e, body: { subject: 'changed', text: 'x' } }]));
      expect([r.status, reasons(r)]).toEqual([200, ['bad_signature']]);
    });

    it('a batch tampered with after signing', async () => {
      const bt = batch([notice()]);
      const r = await post({ ...bt, issued_at: new Date(Date.now() - 1000).toISOString() });
      expect([r.status, refusal(r)]).toEqual([401, 'bad_signature']);
    });

    it('an expired batch and one from the future', async () => {
      const old = await post(batch([notice()], { issued_at: new Date(Date.now() - 3600_000).toISOString() }));
      expect([old.status, refusal(old)]).toEqual([422, 'expired']);
      const future = await post(batch([notice()], { issued_at: new Date(Date.now() + 3600_000).toISOString() }));
      expect([future.status, refusal(future)]).toEqual([422, 'from_the_future']);
    });

    it('wrongly addressed batches and messages', async () => {
      const wrongBatch = await post(batch([notice()], { to: ['ru-cert'] }));
      expect([wrongBatch.status, refusal(wrongBatch)]).toEqual([422, 'not_a_recipient']);
      const wrongMsg = await post(batch([notice({ to: ['ru-cert'] })]));
      expect(reasons(wrongMsg)).toEqual(['not_a_recipient']);
    });

    it('an oversized batch, with a 413 problem', async () => {
      const r = await post(batch([notice({ body: { subject: 'big', text: 'x'.repeat(9_000) } } as Partial<Envelope>)].concat(Array.from({ length: 30 }, () => notice({ body: { subject: 'big', text: 'x'.repeat(9_000) } } as Partial<Envelope>)))));
      expect(r.status).toBe(413);
      expect(r.json.type).toBe('urn:accord:problem:payload-too-large');
    });

    it('an unknown sender, and a known sender signing with another key', async () => {
      const stranger = strangerIdentity('xx-cert');
      const r = await post(batch([notice({}, stranger)], {}, stranger));
      expect([r.status, refusal(r)]).toEqual([403, 'unknown_sender']);
      const impostor = strangerIdentity('uz-cert');
      const r2 = await post(batch([notice({}, impostor)], {}, impostor));
      expect([r2.status, refusal(r2)]).toEqual([401, 'wrong_key']);
    });

    it('a message claiming another sender inside a batch', async () => {
      const r = await post(batch([notice({ from: 'kz-cert' })]));
      expect(reasons(r)).toEqual(['sender_mismatch']);
    });

    it('an unknown message type, naming the types it knows', async () => {
      const r = await post(batch([notice({ type: 'federation.teleport/v1' })]));
      expect(reasons(r)).toEqual(['unknown_type']);
      expect(r.json.items[0]!.detail).toMatch(/does not know message type federation\.teleport\/v1; it knows .*federation\.notice\/v1/);
      expect(verifyReceipt(r.json, publicKeyFromRaw(loadIdentity(b.dataDir).publicKeyRaw))).toBe(true);
    });

    it('a body that does not match its type', async () => {
      const r = await post(batch([notice({ body: { subject: 42 } } as Partial<Envelope>)]));
      expect(reasons(r)).toEqual(['invalid_body']);
    });

    it('a body holding U+0000, which a node cannot store, refused alone while the rest of the batch is stored', async () => {
      const bad = notice({ body: { subject: 'nul \u0000 inside', text: 'x' } } as Partial<Envelope>);
      const good = notice();
      const r = await post(batch([bad, good]));
      expect(r.status).toBe(200);
      before.notices += 1;
      before.inbox += 1;
      expect(r.json.items.map((i) => [i.message_id, i.status, i.reason ?? null])).toEqual([[bad.id, 'rejected', 'invalid_body'], [good.id, 'accepted', null]]);
      expect(await storeB.db.selectFrom('inbox').select('id').where('id', 'in', [bad.id, good.id]).execute()).toEqual([{ id: good.id }]);
      expect(await storeB.db.selectFrom('notices').select('id').where('id', '=', bad.id).executeTakeFirst()).toBeUndefined();
    });

    it('malformed JSON and envelopes that are not envelopes, with 400 problems', async () => {
      expect((await post('{"v":1,')).status).toBe(400);
      const r = await post({ ...batch([notice()]), extra: true });
      expect([r.status, r.json.type]).toEqual([400, 'urn:accord:problem:invalid-input']);
      expect((await post(batch([{ id: 'x' } as unknown as Envelope]))).status).toBe(400);
    });
  });
});
