import { once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canonicalJson } from '../../src/crypto/canonical.js';
import { SENDER_HEADER } from '../../src/federation/inbox.service.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import { DIALECTS } from '../_util/db.js';
import { inboxFixture, makeIdentity, type InboxFixture } from './_inbox.js';

/** Finding 3 of issue 10: the inbox must not work for strangers, nor answer them with receipts. */
describe.each(DIALECTS)('the inbox does no work for strangers on %s', (dialect) => {
  let fx: InboxFixture;
  beforeAll(async () => {
    fx = await inboxFixture(dialect);
  }, 60_000);
  afterAll(() => fx?.close());

  // ~2 MiB of messages: each refusal below must stay a small problem whatever the batch holds.
  const bulk = (id = fx.peer) => Array.from({ length: 1000 }, () => fx.notice({ body: { subject: 'bulk', text: 'x'.repeat(2000) } } as Partial<Envelope>, id));

  const expectSmallProblem = (r: Awaited<ReturnType<InboxFixture['post']>>, status: number, reason?: string) => {
    expect(r.status).toBe(status);
    expect(r.type).toContain('application/problem+json');
    expect(r.text.length).toBeLessThan(2000);
    expect(r.json.items).toBeUndefined();
    expect(r.json.sig).toBeUndefined();
    if (reason) expect(r.json.reason).toBe(reason);
  };

  it('answers an unknown sender with a small problem, not a signed receipt naming every message', async () => {
    const before = await fx.counts();
    const stranger = makeIdentity('xx-cert');
    expectSmallProblem(await fx.post(fx.batch(bulk(stranger), {}, stranger)), 403, 'unknown_sender');
    expect(await fx.counts()).toEqual(before);
  });

  it('identifies the sender from the header before parsing the body', async () => {
    // The body is not even JSON; a stranger still learns only that it is unknown.
    const header = `"from":"xx-cert","id":"0190aaaa-0000-7000-8000-000000000000","issued_at":"${new Date().toISOString()}","sig":{"key":"${'a'.repeat(64)}","suite":"ed25519","value":"x"},"to":["kz-cert"],"type":"federation.batch/v1","v":1`;
    expectSmallProblem(await fx.post(`{"body":{"envelopes":[{"x":tru}]},${header}}`), 403, 'unknown_sender');
  });

  it('does not echo a long sender or addressee back in full', async () => {
    // Each header value can be 16 KiB; a refusal names it shortened, and stays a small problem.
    const long = 'xx-' + 'q'.repeat(10_000);
    const header = `"from":"${long}","id":"0190aaaa-0000-7000-8000-000000000001","issued_at":"${new Date().toISOString()}","sig":{"key":"${'a'.repeat(64)}","suite":"ed25519","value":"x"},"to":["kz-cert"],"type":"federation.batch/v1","v":1`;
    const r = await fx.post(`{"body":{"envelopes":[]},${header}}`);
    expectSmallProblem(r, 403, 'unknown_sender');
    expect(String(r.json.detail)).toContain('xx-qqq');
    expect(String(r.json.detail).length).toBeLessThan(200);
    const wrong = fx.batch([fx.notice()], { to: ['ru-' + 'q'.repeat(10_000)] });
    const w = await fx.post(wrong);
    expectSmallProblem(w, 422, 'not_a_recipient');
    expect(String(w.json.detail).length).toBeLessThan(200);
  });

  it("answers a peer's id with another key, or with a bad signature, with a small problem", async () => {
    const before = await fx.counts();
    const impostor = makeIdentity('uz-cert');
    expectSmallProblem(await fx.post(fx.batch(bulk(impostor), {}, impostor)), 401, 'wrong_key');
    const b = fx.batch(bulk());
    expectSmallProblem(await fx.post({ ...b, issued_at: new Date(Date.now() - 1000).toISOString() }), 401, 'bad_signature');
    expect(await fx.counts()).toEqual(before);
  });

  it('refuses a large batch on its header before joining its body, and still takes a large batch from its peer', async () => {
    // Joining a 30 MiB body into one buffer holds the event loop for 100–200 ms on a busy host:
    // a batch refused on its header alone must not cost that.
    const stranger = makeIdentity('xx-cert');
    const impostor = makeIdentity('uz-cert');
    // As peers send them: canonical JSON, the header after the body.
    const replayed = fx.batch(bulk());
    expect((await fx.post(canonicalJson(replayed), { sender: fx.peer.node_id })).status).toBe(200);
    const refused: [unknown, number, string][] = [
      [fx.batch(bulk(stranger), {}, stranger), 403, 'unknown_sender'],
      [fx.batch(bulk(impostor), {}, impostor), 401, 'wrong_key'],
      [fx.batch(bulk(), { to: ['ru-cert'] }), 422, 'not_a_recipient'],
      [replayed, 409, 'replayed'],
    ];
    // Buffers, so that the test's own client makes none while the spies listen.
    const texts = refused.map(([b]) => Buffer.from(canonicalJson(b)));
    const taken = Buffer.from(canonicalJson(fx.batch(bulk())));
    expect(texts.every((t) => t.length > 1024 * 1024)).toBe(true);
    const concat = vi.spyOn(Buffer, 'concat');
    const alloc = vi.spyOn(Buffer, 'allocUnsafeSlow');
    const from = vi.spyOn(Buffer, 'from');
    const shared = () => from.mock.calls.map(([m]) => (m instanceof SharedArrayBuffer ? m.byteLength : 0));
    const joins = () => [...concat.mock.calls.map(([, n]) => n ?? 0), ...alloc.mock.calls.map(([n]) => n), ...shared()].filter((n) => n > 1024 * 1024);
    try {
      for (const [i, [, status, reason]] of refused.entries()) expectSmallProblem(await fx.post(texts[i]), status, reason);
      expect(joins()).toEqual([]);
      // A large batch of the real peer is joined, checked and taken as before.
      const r = await fx.post(taken);
      expect(r.status).toBe(200);
      expect(joins().length).toBeGreaterThan(0);
    } finally {
      concat.mockRestore();
      alloc.mockRestore();
      from.mockRestore();
    }
  });

  it('refuses header faults of a real peer with small problems too: replay, wrong addressee, expired', async () => {
    const b = fx.batch([fx.notice()]);
    expect((await fx.post(b)).status).toBe(200);
    const before = await fx.counts();
    expectSmallProblem(await fx.post(b), 409, 'replayed');
    expectSmallProblem(await fx.post(fx.batch(bulk(), { to: ['ru-cert'] })), 422, 'not_a_recipient');
    expectSmallProblem(await fx.post(fx.batch([fx.notice()], { issued_at: new Date(Date.now() - 3600_000).toISOString() })), 422, 'expired');
    expect(await fx.counts()).toEqual(before);
  });

  it('refuses a body nested 5,000 deep with a 400 problem, never a 500', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const r1 = await fx.post(deep);
    expect([r1.status, r1.json.type]).toEqual([400, 'urn:accord:problem:invalid-input']);
    // Deep inside a message body, in a batch from the real peer (written out by hand: signing
    // such a value would overflow this test's own stack).
    const b = fx.batch([fx.notice()]);
    const text = JSON.stringify(b).replace('"body":{"subject":"check","text":"x"}', `"body":${'['.repeat(5000)}"leaf"${']'.repeat(5000)}`);
    const r2 = await fx.post(text);
    expect([r2.status, r2.json.type]).toEqual([400, 'urn:accord:problem:invalid-input']);
    expect(String(r2.json.detail)).toMatch(/nests deeper than/);
  });
});

describe.each(DIALECTS)('the inbox limits requests per source address on %s', (dialect) => {
  let fx: InboxFixture;
  beforeAll(async () => {
    fx = await inboxFixture(dialect, { inboxRatePerMinute: 5 });
  }, 60_000);
  afterAll(() => fx?.close());

  it('answers 429 once an address has sent its share, before reading the body', async () => {
    const stranger = makeIdentity('xx-cert');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fx.post(fx.batch([fx.notice({}, stranger)], {}, stranger))).status);
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429, 429]);
    const r = await fx.post(fx.batch([fx.notice()]));
    expect([r.status, r.type]).toEqual([429, 'application/problem+json; charset=utf-8']);
  });
});

describe.each(DIALECTS)('the inbox reads the large bodies of sources that have not delivered one at a time on %s', (dialect) => {
  let fx: InboxFixture;
  beforeAll(async () => {
    fx = await inboxFixture(dialect, { inboxRatePerMinute: 1_000_000 });
  }, 60_000);
  afterAll(() => fx?.close());

  it('answers them in turn, each refused one holding the lane for its reading time at 100 KiB/ms, and none fails for waiting', async () => {
    // Bodies read and then refused: they name the real peer (a stranger's would not be read at all).
    const impostor = makeIdentity('uz-cert');
    const big = JSON.stringify(fx.batch(Array.from({ length: 1000 }, () => fx.notice({ body: { subject: 'bulk', text: 'x'.repeat(2000) } } as Partial<Envelope>, impostor)), {}, impostor));
    const pauseMs = Math.floor(Buffer.byteLength(big) / (100 * 1024));
    expect(pauseMs).toBeGreaterThan(15);
    const t0 = performance.now();
    const answered = await Promise.all([0, 1, 2].map(async () => {
      const r = await fx.post(big, { sender: 'uz-cert' });
      return { status: r.status, at: performance.now() - t0 };
    }));
    expect(answered.map((a) => a.status)).toEqual([401, 401, 401]);
    const at = answered.map((a) => a.at).sort((x, y) => x - y);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(pauseMs - 2);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(pauseMs - 2);
    // A real peer's small batch is never held up, and proves its address.
    expect((await fx.post(fx.batch([fx.notice()]))).status).toBe(200);
  }, 20_000);
});

describe.each(DIALECTS)('the inbox drops a large body that trickles in while it holds the lane on %s', (dialect) => {
  let fx: InboxFixture;
  let port: number;
  // A 2 MiB body has 200 ms + 2 MiB at 4 MiB/s = 700 ms to arrive once it has its turn.
  beforeAll(async () => {
    fx = await inboxFixture(dialect, { inboxRatePerMinute: 1_000_000, inboxReadGraceMs: 200, inboxMinReadBytesPerSecond: 4 * 1024 * 1024 });
    await fx.app.listen({ host: '127.0.0.1', port: 0 });
    port = (fx.app.server.address() as AddressInfo).port;
  }, 60_000);
  afterAll(() => fx?.close());

  it('closes its connection at the deadline and gives the turn to the next body', async () => {
    const slow = connect({ host: '127.0.0.1', port });
    await once(slow, 'connect');
    const t0 = performance.now();
    slow.write(`POST /federation/v1/inbox HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${SENDER_HEADER}: uz-cert\r\ncontent-length: ${2 * 1024 * 1024}\r\n\r\n{"body":{"envelopes":[`);
    const closed = once(slow, 'close').then(() => performance.now() - t0);
    slow.resume();
    // An impostor's large batch arrives just after and waits for the turn the trickle holds.
    await new Promise((r) => setImmediate(r));
    const impostor = makeIdentity('uz-cert');
    const big = JSON.stringify(fx.batch(Array.from({ length: 1000 }, () => fx.notice({ body: { subject: 'bulk', text: 'x'.repeat(2000) } } as Partial<Envelope>, impostor)), {}, impostor));
    const res = await fetch(`http://127.0.0.1:${port}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json', [SENDER_HEADER]: 'uz-cert' }, body: big });
    const answeredAt = performance.now() - t0;
    const closedAt = await closed;
    expect(closedAt).toBeGreaterThanOrEqual(650);
    expect(closedAt).toBeLessThan(10_000);
    // Answered on its merits (another key than the pinned one), not 503 for want of a turn, and
    // only once the trickle had been dropped.
    expect(res.status).toBe(401);
    expect(answeredAt).toBeGreaterThanOrEqual(closedAt - 50);
    // The node still reads a real peer's batch.
    expect((await fx.post(fx.batch([fx.notice()]))).status).toBe(200);
  }, 20_000);
});

describe.each(DIALECTS)('a large body from an address that has not delivered lately is read only for a sender that names itself on %s', (dialect) => {
  let fx: InboxFixture;
  let port: number;
  beforeAll(async () => {
    fx = await inboxFixture(dialect, { inboxRatePerMinute: 1_000_000 });
    await fx.app.listen({ host: '127.0.0.1', port: 0 });
    port = (fx.app.server.address() as AddressInfo).port;
  }, 60_000);
  afterAll(() => fx?.close());

  /** Sends only the head of a 30 MiB request: an answer can come only from a node that does not wait for the body. */
  async function headOnly(sender?: string): Promise<{ status: number; text: string; closed: boolean }> {
    const s = connect({ host: '127.0.0.1', port });
    await once(s, 'connect');
    s.write(`POST /federation/v1/inbox HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${sender ? `${SENDER_HEADER}: ${sender}\r\n` : ''}content-length: ${30 * 1024 * 1024}\r\n\r\n{"body":{"envelopes":[`);
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString('utf8')));
    const closed = await Promise.race([once(s, 'close').then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    s.destroy();
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), text, closed };
  }

  it('answers one that names no sender, or a stranger, before its body is sent, and closes the connection', async () => {
    const before = await fx.counts();
    for (const sender of [undefined, 'xx-cert']) {
      const r = await headOnly(sender);
      expect(r.status).toBe(403);
      expect(r.closed).toBe(true);
      expect(r.text).toContain('"reason":"unknown_sender"');
    }
    expect(await fx.counts()).toEqual(before);
  });

  it("refuses a body whose batch is not from the peer its request named, and takes the peer's own", async () => {
    const stranger = makeIdentity('xx-cert');
    const bulk = (id: typeof stranger) => Array.from({ length: 1000 }, () => fx.notice({ body: { subject: 'bulk', text: 'x'.repeat(2000) } } as Partial<Envelope>, id));
    const posing = await fx.post(canonicalJson(fx.batch(bulk(stranger), {}, stranger)), { sender: fx.peer.node_id });
    expect([posing.status, posing.json.reason]).toEqual([403, 'unknown_sender']);
    expect(String(posing.json.detail)).toContain('not from uz-cert');
    const own = await fx.post(canonicalJson(fx.batch(bulk(fx.peer))), { sender: fx.peer.node_id });
    expect(own.status).toBe(200);
  });
});
