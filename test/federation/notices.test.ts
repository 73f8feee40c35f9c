import { beforeAll, describe, expect, it } from 'vitest';
import { NOTICE_ACK_TYPE } from '../../src/federation/notices.messages.js';
import { countUnacknowledgedNotices, listUnacknowledged } from '../../src/federation/notices.repository.js';
import { newMessageId, publicKeyFromRaw, signEnvelope, verifyEnvelopeSignature, type Envelope } from '../../src/federation/protocol/envelope.js';
import { loadIdentity } from '../../src/node/identity.js';
import type { StoreHandle } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { runCli, runCliJson, type NodeProcess } from '../_util/node-process.js';
import { useTwoNodes, waitFor } from './_federation.js';

interface Notice {
  id: string;
  direction: 'received' | 'sent';
  from_node: string;
  to_node: string;
  subject: string;
  text: string;
  in_reply_to: string | null;
  thread_id: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  delivery: string | null;
  reply_count: number;
}
interface NoticePage {
  notices: Notice[];
  next_cursor: string | null;
  unacknowledged: number;
}

/** Calls a node's API with a token; answers status and JSON. */
function client(n: NodeProcess, token: string) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${n.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as T };
  };
}

function tokenFor(n: NodeProcess, role: string, name: string): string {
  const email = `${role}-${Date.now()}@example.org`;
  if (role !== 'admin') expect(runCli(['user', 'add', '--data', n.dataDir, '--email', email, '--name', name, '--role', role], { input: 'a long enough password 1\n' }).status).toBe(0);
  return runCliJson<{ token: string }>(['token', 'create', '--data', n.dataDir, '--user', role === 'admin' ? n.adminEmail : email, '--name', 'notices']).token;
}

describe.each(DIALECTS)('notices between node processes on %s', (dialect) => {
  let a: NodeProcess, b: NodeProcess, storeA: StoreHandle, storeB: StoreHandle;
  let apiA: ReturnType<typeof client>, apiB: ReturnType<typeof client>, auditorB: ReturnType<typeof client>;
  const fx = useTwoNodes(dialect);
  beforeAll(() => {
    ({ a, b, storeA, storeB } = fx);
    apiA = client(a, tokenFor(a, 'admin', 'Admin A'));
    apiB = client(b, tokenFor(b, 'officer', 'Dilnoza Karimova'));
    auditorB = client(b, tokenFor(b, 'auditor', 'Auditor B'));
  });

  async function send(subject: string, text = 'text'): Promise<string> {
    const r = await apiA<{ message_ids: string[] }>('POST', '/api/v1/peers/kz-cert/notices', { subject, text });
    expect(r.status).toBe(202);
    return r.json.message_ids[0]!;
  }
  const noticeOn = async (api: ReturnType<typeof client>, id: string) => (await api<{ notice: Notice; thread: Notice[] }>('GET', `/api/v1/notices/${id}`)).json;
  const receivedOnB = (id: string) => waitFor(`${id} on B`, async () => (await apiB<NoticePage>('GET', '/api/v1/notices?direction=received')).json.notices.find((n) => n.id === id));

  it('a notice sent on A is kept as sent, listed as received on B, acknowledged there, and A shows who acknowledged it and when', async () => {
    const id = await send('Phishing wave', 'Indicators attached');
    const sent = (await apiA<NoticePage>('GET', '/api/v1/notices?direction=sent')).json.notices.find((n) => n.id === id);
    expect(sent).toMatchObject({ direction: 'sent', from_node: 'uz-cert', to_node: 'kz-cert', subject: 'Phishing wave', acknowledged_by: null, thread_id: id });

    const got = await receivedOnB(id);
    expect(got).toMatchObject({ direction: 'received', from_node: 'uz-cert', to_node: 'kz-cert', text: 'Indicators attached', acknowledged_at: null, delivery: null });
    const unacked = await apiB<NoticePage>('GET', '/api/v1/notices?state=unacknowledged');
    expect(unacked.json.notices.map((n) => n.id)).toContain(id);
    expect(unacked.json.unacknowledged).toBe(await countUnacknowledgedNotices(storeB.db));
    expect((await listUnacknowledged(storeB.db, 'kz-cert')).map((n) => n.id)).toContain(id);

    // An auditor reads but does not acknowledge.
    expect((await auditorB('GET', `/api/v1/notices/${id}`)).status).toBe(200);
    expect((await auditorB('POST', `/api/v1/notices/${id}/ack`)).status).toBe(403);
    // It waits on the officer's duty desk, not on the auditor's.
    const deskItems = async (api: ReturnType<typeof client>) => (await api<{ items: { kind: string; id: string; params: Record<string, unknown>; link: string }[] }>('GET', '/api/v1/desk')).json.items.filter((i) => i.kind === 'federation.notice_to_acknowledge');
    expect((await deskItems(apiB)).find((i) => i.id === id)).toMatchObject({ params: { peer: 'uz-cert', subject: 'Phishing wave' }, link: '/notices' });
    expect(await deskItems(auditorB)).toEqual([]);

    const ack = await apiB<Notice>('POST', `/api/v1/notices/${id}/ack`);
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ id, acknowledged_by: 'Dilnoza Karimova' });
    expect((await apiB<NoticePage>('GET', '/api/v1/notices?state=unacknowledged')).json.notices.map((n) => n.id)).not.toContain(id);
    expect((await deskItems(apiB)).map((i) => i.id)).not.toContain(id);
    const audited = await storeB.db.selectFrom('audit_log').select(['target', 'details']).where('action', '=', 'federation.notice_ack').execute();
    expect(audited.some((e) => e.target === `notice:${id}`)).toBe(true);

    const onA = await waitFor('the ack on A', async () => {
      const n = (await noticeOn(apiA, id)).notice;
      return n.acknowledged_at ? n : undefined;
    });
    expect(onA).toMatchObject({ acknowledged_by: 'Dilnoza Karimova', acknowledged_at: ack.json.acknowledged_at, delivery: 'delivered' });
    // The acknowledgement A holds is B's signed message.
    const row = await storeA.db.selectFrom('inbox').select('envelope').where('type', '=', NOTICE_ACK_TYPE).where('from_node', '=', 'kz-cert').execute();
    const envs = row.map((r) => JSON.parse(r.envelope) as Envelope<{ notice_id: string }>).filter((e) => e.body.notice_id === id);
    expect(envs).toHaveLength(1);
    const peerB = await storeA.db.selectFrom('peers').select('public_key').where('node_id', '=', 'kz-cert').executeTakeFirstOrThrow();
    expect(verifyEnvelopeSignature(envs[0]!, publicKeyFromRaw(peerB.public_key))).toBe(true);
  });

  it('acknowledging twice changes nothing and sends nothing more; a sent notice or an unknown one cannot be acknowledged', async () => {
    const id = await send('Twice');
    await receivedOnB(id);
    const first = await apiB<Notice>('POST', `/api/v1/notices/${id}/ack`);
    const acks = async () => Number((await storeB.db.selectFrom('outbox').select((eb) => eb.fn.countAll<string | number>().as('n')).where('type', '=', NOTICE_ACK_TYPE).executeTakeFirstOrThrow()).n);
    const before = await acks();
    const again = await apiB<Notice>('POST', `/api/v1/notices/${id}/ack`);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(await acks()).toBe(before);
    expect(await storeB.db.selectFrom('audit_log').selectAll().where('action', '=', 'federation.notice_ack').where('target', '=', `notice:${id}`).execute()).toHaveLength(1);

    expect((await apiA<{ type: string }>('POST', `/api/v1/notices/${id}/ack`)).json).toMatchObject({ status: 409 });
    expect((await apiB('POST', `/api/v1/notices/${newMessageId()}/ack`)).status).toBe(404);
    expect((await apiB('GET', `/api/v1/notices/${newMessageId()}`)).status).toBe(404);
  });

  it('eight acknowledgements racing in parallel keep one, send one signed ack and audit one', async () => {
    const id = await send('Race');
    await receivedOnB(id);
    const results = await Promise.all(Array.from({ length: 8 }, () => apiB<Notice>('POST', `/api/v1/notices/${id}/ack`)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(results.map((r) => JSON.stringify(r.json))).size).toBe(1);
    const sent = await storeB.db.selectFrom('outbox').select('id').where('type', '=', NOTICE_ACK_TYPE).where('envelope', 'like', `%${id}%`).execute();
    expect(sent).toHaveLength(1);
    expect(await storeB.db.selectFrom('audit_log').selectAll().where('action', '=', 'federation.notice_ack').where('target', '=', `notice:${id}`).execute()).toHaveLength(1);
  });

  it('a replayed or repeated ack, and an ack of a notice A never sent to B, change nothing on A', async () => {
    const id = await send('Replay me');
    await receivedOnB(id);
    const ack = await apiB<Notice>('POST', `/api/v1/notices/${id}/ack`);
    await waitFor('the ack on A', async () => (await noticeOn(apiA, id)).notice.acknowledged_at);
    const idB = loadIdentity(b.dataDir);
    const deliver = async (envelopes: Envelope[]) => {
      const batch = signEnvelope(idB, { v: 1, id: newMessageId(), from: 'kz-cert', to: ['uz-cert'], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes } });
      const res = await fetch(`${a.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { status: string }[] }).items.map((i) => i.status);
    };
    const ackOf = (noticeId: string, by: string) =>
      signEnvelope(idB, { v: 1, id: newMessageId(), from: 'kz-cert', to: ['uz-cert'], type: NOTICE_ACK_TYPE, issued_at: new Date().toISOString(), body: { notice_id: noticeId, acknowledged_by: by, acknowledged_at: new Date().toISOString() } });
    const acksOnA = () => storeA.db.selectFrom('notice_acks').selectAll().orderBy('notice_id').execute();
    const before = await acksOnA();

    // The very message again, in a new batch: a duplicate.
    const original = await storeB.db.selectFrom('outbox').select('envelope').where('type', '=', NOTICE_ACK_TYPE).execute();
    const mine = original.map((o) => JSON.parse(o.envelope) as Envelope<{ notice_id: string }>).find((e) => e.body.notice_id === id)!;
    expect(await deliver([mine])).toEqual(['duplicate']);
    // A second, different ack of the same notice, a notice A never sent, and one A received from B itself.
    const fromB = (await storeA.db.selectFrom('notices').select('id').where('from_node', '=', 'kz-cert').executeTakeFirst())?.id ?? newMessageId();
    expect(await deliver([ackOf(id, 'Someone Else'), ackOf(newMessageId(), 'Mallory'), ackOf(fromB, 'Mallory')])).toEqual(['accepted', 'accepted', 'accepted']);
    expect(await acksOnA()).toEqual(before);
    expect((await noticeOn(apiA, id)).notice).toMatchObject({ acknowledged_by: 'Dilnoza Karimova', acknowledged_at: ack.json.acknowledged_at });
  });

  it('replies thread on both sides, in either direction', async () => {
    const id = await send('Question', 'Do you see this too?');
    await receivedOnB(id);
    const r1 = await apiB<Notice>('POST', `/api/v1/notices/${id}/reply`, { subject: 'Re: Question', text: 'Yes, since Monday' });
    expect(r1.status).toBe(202);
    expect(r1.json).toMatchObject({ direction: 'sent', to_node: 'uz-cert', in_reply_to: id, thread_id: id });
    const onA = await waitFor('the reply on A', async () => {
      const t = await noticeOn(apiA, id);
      return t.thread.length === 2 ? t : undefined;
    });
    expect(onA.notice.reply_count).toBe(1);
    expect(onA.thread.map((n) => [n.direction, n.subject, n.in_reply_to])).toEqual([
      ['sent', 'Question', null],
      ['received', 'Re: Question', id],
    ]);
    // A answers B's reply: the thread stays one, on both nodes.
    const r2 = await apiA<Notice>('POST', `/api/v1/notices/${r1.json.id}/reply`, { subject: 'Re: Re: Question', text: 'Thanks' });
    expect(r2.json).toMatchObject({ to_node: 'kz-cert', in_reply_to: r1.json.id, thread_id: id });
    const onB = await waitFor('the thread on B', async () => {
      const t = await noticeOn(apiB, id);
      return t.thread.length === 3 ? t : undefined;
    });
    expect(onB.thread.map((n) => [n.direction, n.from_node, n.thread_id])).toEqual([
      ['received', 'uz-cert', id],
      ['sent', 'kz-cert', id],
      ['received', 'uz-cert', id],
    ]);
    expect((await apiB('POST', `/api/v1/notices/${newMessageId()}/reply`, { subject: 'x', text: '' })).status).toBe(404);
  });

  it('pages through notices with a cursor', async () => {
    for (let i = 0; i < 3; i++) await send(`Page ${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: NoticePage } = await apiA<NoticePage>('GET', `/api/v1/notices?direction=sent&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.json.notices.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.notices.map((n) => n.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    const all = await storeA.db.selectFrom('sent_notices').select('id').execute();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(all.map((r) => r.id).sort());
    expect((await apiA('GET', '/api/v1/notices?cursor=bogus')).status).toBe(400);
  });

  it('with the sender down, the ack waits in the outbox and arrives when it is back', async () => {
    const id = await send('Before the outage');
    await receivedOnB(id);
    await a.stop();
    const ack = await apiB<Notice>('POST', `/api/v1/notices/${id}/ack`);
    expect(ack.status).toBe(200);
    const pending = await storeB.db.selectFrom('outbox').select('state').where('type', '=', NOTICE_ACK_TYPE).where('state', '=', 'pending').execute();
    expect(pending.length).toBeGreaterThan(0);
    await a.restart();
    const n = await waitFor('the ack after the restart', async () => {
      const r = await storeA.db.selectFrom('notice_acks').selectAll().where('notice_id', '=', id).executeTakeFirst();
      return r;
    });
    expect(n).toMatchObject({ acknowledged_by: 'Dilnoza Karimova', acknowledged_at: ack.json.acknowledged_at, user_ref: null });
  });

  it('the CLI lists, acknowledges and replies', async () => {
    const id = await send('From the shell');
    await receivedOnB(id);
    const listed = runCliJson<Notice[]>(['notice', 'list', '--received', '--data', b.dataDir]);
    expect(listed.find((n) => n.id === id)).toMatchObject({ subject: 'From the shell', acknowledged_at: null });
    expect(runCli(['notice', 'list', '--data', b.dataDir, '--unacknowledged']).stdout).toMatch(/From the shell/);
    const acked = runCli(['notice', 'ack', id, '--data', b.dataDir, '--by', 'Night shift']);
    expect(acked.status, acked.stderr).toBe(0);
    expect(acked.stdout).toMatch(new RegExp(`acknowledged ${id}`));
    expect(runCli(['notice', 'ack', id, '--data', b.dataDir]).stdout).toMatch(/acknowledged already, by Night shift/);
    const replied = runCliJson<Notice>(['notice', 'reply', id, '--data', b.dataDir, '--subject', 'Re: From the shell', '--body', 'Seen']);
    expect(replied).toMatchObject({ in_reply_to: id, to_node: 'uz-cert' });
    expect(runCli(['notice', 'ack', newMessageId(), '--data', b.dataDir]).status).toBe(1);
    expect(runCli(['notice', 'list', '--sent', '--received', '--data', b.dataDir]).status).toBe(1);
    await waitFor('ack and reply on A', async () => {
      const t = await noticeOn(apiA, id);
      return t.notice.acknowledged_by === 'Night shift' && t.thread.length === 2;
    });
    const sentOnA = runCliJson<Notice[]>(['notice', 'list', '--sent', '--data', a.dataDir]);
    expect(sentOnA.find((n) => n.id === id)).toMatchObject({ acknowledged_by: 'Night shift', reply_count: 1 });
    expect(runCli(['notice', 'show', id, '--data', a.dataDir]).stdout).toMatch(/Re: From the shell/);
  });
});
