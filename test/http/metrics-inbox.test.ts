import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import { DIALECTS } from '../_util/db.js';
import { inboxFixture, type InboxFixture } from '../federation/_inbox.js';

/** The inbox's counters by result and refusal reason, message by message and for whole batches, read from /metrics. */
describe.each(DIALECTS)('inbox metrics on %s', (dialect) => {
  let fx: InboxFixture;
  beforeAll(async () => {
    fx = await inboxFixture(dialect);
  }, 60_000);
  afterAll(() => fx?.close());

  const samples = async (name: string) =>
    ((await fx.app.inject('/metrics')).body.split('\n'))
      .filter((l) => l.startsWith(`${name}{`))
      .map((l) => l.replace(/ [\d.e+-]+$/, (v) => ` ${Number(v)}`))
      .sort();

  it('counts accepted, duplicate and rejected messages per peer, and each refusal by reason', async () => {
    const ok = fx.notice();
    expect((await fx.post(fx.batch([ok, fx.notice()]))).status).toBe(200);
    const unknownType = fx.notice({ type: 'no.such.type/v1' } as Partial<Envelope>);
    const badBody = fx.notice({ body: { subject: 1 } } as unknown as Partial<Envelope>);
    const r = await fx.post(fx.batch([ok, unknownType, badBody]));
    expect(r.status).toBe(200);
    expect((r.json.items as { status: string }[]).map((i) => i.status)).toEqual(['duplicate', 'rejected', 'rejected']);
    expect(await samples('accord_federation_messages_received_total')).toEqual([
      'accord_federation_messages_received_total{peer="uz-cert",result="accepted"} 2',
      'accord_federation_messages_received_total{peer="uz-cert",result="duplicate"} 1',
      'accord_federation_messages_received_total{peer="uz-cert",result="rejected"} 2',
    ]);
    expect(await samples('accord_federation_refusals_total')).toEqual([
      'accord_federation_refusals_total{scope="message",reason="invalid_body"} 1',
      'accord_federation_refusals_total{scope="message",reason="unknown_type"} 1',
    ]);
  });

  it('counts a replayed batch as a batch refusal, without a peer label', async () => {
    const b = fx.batch([fx.notice()]);
    expect((await fx.post(b)).status).toBe(200);
    expect((await fx.post(b)).status).toBe(409);
    expect(await samples('accord_federation_refusals_total')).toContain('accord_federation_refusals_total{scope="batch",reason="replayed"} 1');
  });
});
