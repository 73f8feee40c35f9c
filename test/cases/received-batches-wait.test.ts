import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseMessage } from '../../src/cases/cases.schemas.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import { inboxFixture, type InboxFixture } from '../federation/_inbox.js';
import { storedEvents, PRESERVATION } from './_cases.js';

/**
 * Two batches of one sender in flight at once (its delivery window), through the real inbox on
 * PostgreSQL: the later one holds an event of the case the earlier one opens, and is ready to
 * be stored while the earlier one is still being stored. It waits for it and is then stored,
 * answering with its receipt, instead of a 409 that the sender would retry only after its
 * backoff.
 */
describe('a batch that needs releases of its sender still arriving waits for them (postgres)', () => {
  let fx: InboxFixture;
  beforeAll(async () => {
    fx = await inboxFixture('postgres', { requireAdminTotp: false });
  });
  afterAll(async () => {
    await fx?.close();
  });

  const waited = async () => {
    const text = (await fx.app.inject({ method: 'GET', url: '/metrics' })).body;
    return Number(/^accord_federation_batches_waited_total\{peer="uz-cert"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  const until = async (what: string, pred: () => Promise<boolean>) => {
    const end = Date.now() + 20_000;
    while (!(await pred())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it("stores the later batch once the earlier one, with the case's opening, is stored: both answer with receipts", async () => {
    const at = new Date().toISOString();
    const caseId = newMessageId();
    const numbered = (seq: number, body: Record<string, unknown>) => signEnvelope(fx.peer, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: CaseMessage.event, issued_at: at, seq, body: { event_id: newMessageId(), created_at: at, seen: [], ...body } }) as Envelope;
    const open = numbered(1, { case_id: caseId, action: 'open', requested: 'kz-cert', request: PRESERVATION });
    const message = numbered(2, { case_id: caseId, action: 'message', text: 'The logs are in UTC+5.', seen: [{ author: 'uz-cert', event_id: (open.body as { event_id: string }).event_id }] });
    const db = fx.node.ctx.store.db;
    let first: ReturnType<InboxFixture['post']> | undefined;
    let second: ReturnType<InboxFixture['post']> | undefined;
    await db.transaction().execute(async (trx) => {
      // The opening's batch is held where it writes the case's events, before it commits.
      await sql`lock table case_events in exclusive mode`.execute(trx);
      first = fx.post(fx.batch([open]));
      await until('the opening to wait for the lock', async () => Number((await sql<{ n: string }>`select count(*) as n from pg_locks where not granted and relation = 'case_events'::regclass`.execute(db)).rows[0]!.n) > 0);
      second = fx.post(fx.batch([message]));
      await until('the message to wait for its opening', async () => (await waited()) === 1);
    });
    const [r1, r2] = await Promise.all([first!, second!]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect((r1.json.items as { status: string }[]).map((i) => i.status)).toEqual(['accepted']);
    expect((r2.json.items as { status: string }[]).map((i) => i.status)).toEqual(['accepted']);
    expect(await storedEvents(db, caseId)).toBe(2);
    expect(await waited()).toBe(1);
  });
});
