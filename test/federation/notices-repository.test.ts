import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeDeskItems } from '../../src/federation/notices.desk.js';
import { countUnacknowledgedNotices, findNotice, insertAck, listNotices, listThread, recordReceivedReplies, recordSentNotices, unacknowledgedSummary } from '../../src/federation/notices.repository.js';
import { insertRows } from '../../src/store/insert-rows.js';
import { DIALECTS } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';

const at = (i: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, i)).toISOString();
const id = (i: number) => `0190aaaa-0000-7000-8000-${String(i).padStart(12, '0')}`;

describe.each(DIALECTS)('notices in the database (%s)', (dialect) => {
  let node: TestNode;
  beforeAll(async () => {
    node = await createTestNode(dialect, {}, 'kz-cert');
    // 25 notices from uz-cert, one a second; the first two acknowledged here.
    await insertRows(
      node.ctx.store.db,
      'notices',
      { id: 'text', from_node: 'text', subject: 'text', text: 'text', issued_at: 'text', received_at: 'text' },
      Array.from({ length: 25 }, (_, i) => ({ id: id(i), from_node: 'uz-cert', subject: `n${i}`, text: '', issued_at: at(i), received_at: at(i) })),
    );
    for (const i of [0, 1]) await insertAck(node.ctx.store.db, { notice_id: id(i), acknowledged_by: 'Officer', acknowledged_at: at(30), user_ref: 'user:x', message_id: id(100 + i) });
  });
  afterAll(() => node.close());

  it('counts the unacknowledged and keeps the first acknowledgement only', async () => {
    expect(await countUnacknowledgedNotices(node.ctx.store.db)).toBe(23);
    expect(await unacknowledgedSummary(node.ctx.store.db)).toEqual({ count: 23, oldest: at(2) });
    expect(await insertAck(node.ctx.store.db, { notice_id: id(0), acknowledged_by: 'Someone else', acknowledged_at: at(40), user_ref: null, message_id: id(200) })).toBe(false);
    expect((await findNotice(node.ctx.store.db, 'kz-cert', id(0)))?.acknowledged_by).toBe('Officer');
  });

  it('lists newest first by state, and pages without gaps or repeats', async () => {
    const unacked = await listNotices(node.ctx.store.db, 'kz-cert', { direction: 'received', state: 'unacknowledged', limit: 100 });
    expect(unacked.map((n) => n.subject)).toEqual(Array.from({ length: 23 }, (_, i) => `n${24 - i}`));
    const acked = await listNotices(node.ctx.store.db, 'kz-cert', { direction: 'received', state: 'acknowledged', limit: 100 });
    expect(acked.map((n) => n.id)).toEqual([id(1), id(0)]);
    const first = await listNotices(node.ctx.store.db, 'kz-cert', { direction: 'received', limit: 10 });
    const last = first[first.length - 1]!;
    const second = await listNotices(node.ctx.store.db, 'kz-cert', { direction: 'received', limit: 100, cursor: { at: last.received_at, id: last.id } });
    expect([...first, ...second].map((n) => n.id)).toEqual(Array.from({ length: 25 }, (_, i) => id(24 - i)));
  });

  it('puts the newest 20 on the duty desk of those who acknowledge, the rest as one counted item', async () => {
    const items = await noticeDeskItems(node.ctx, { userId: 'u', role: 'officer' });
    expect(items).toHaveLength(21);
    expect(items[0]).toMatchObject({ kind: 'federation.notice_to_acknowledge', id: id(24), params: { peer: 'uz-cert', subject: 'n24' }, link: '/notices', since: at(24) });
    expect(items[20]).toEqual({ kind: 'federation.more_notices_to_acknowledge', id: 'more', params: { count: 3 }, link: '/notices', since: at(2), severity: 'attention' });
    expect(await noticeDeskItems(node.ctx, { userId: 'u', role: 'auditor' })).toEqual([]);
  });

  it('threads replies with the peer they were exchanged with, and no other', async () => {
    const db = node.ctx.store.db;
    await recordSentNotices(db, [{ id: id(300), to_node: 'uz-cert', subject: 'Re: n5', text: '', issued_at: at(50), sent_by: 'cli', in_reply_to: id(5), thread_id: id(5) }]);
    await insertRows(db, 'notices', { id: 'text', from_node: 'text', subject: 'text', text: 'text', issued_at: 'text', received_at: 'text' }, [
      { id: id(301), from_node: 'uz-cert', subject: 'Re: Re: n5', text: '', issued_at: at(51), received_at: at(51) },
      { id: id(302), from_node: 'ru-cert', subject: 'Intruder', text: '', issued_at: at(52), received_at: at(52) },
    ]);
    await recordReceivedReplies(db, [
      { notice_id: id(301), from: 'uz-cert', in_reply_to: id(300) },
      { notice_id: id(302), from: 'ru-cert', in_reply_to: id(5) },
    ]);
    expect((await listThread(db, 'kz-cert', id(5))).map((n) => [n.subject, n.direction, n.thread_id])).toEqual([
      ['n5', 'received', id(5)],
      ['Re: n5', 'sent', id(5)],
      ['Re: Re: n5', 'received', id(5)],
    ]);
    expect((await findNotice(db, 'kz-cert', id(5)))?.reply_count).toBe(1);
    expect(await findNotice(db, 'kz-cert', id(302))).toMatchObject({ in_reply_to: null, thread_id: id(302) });
  });
});
