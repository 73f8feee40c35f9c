import { describe, expect, it } from 'vitest';
import { ackProblem, decodeCursor, encodeCursor, threadOfReply } from './notices.rules.js';

describe('notice cursors', () => {
  it('round-trip the time and id of the last notice of a page', () => {
    const c = { at: '2026-12-01T10:00:00.000Z', id: '0193a1b2-0000-7000-8000-000000000001' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });
  it('refuse what this node did not make', () => {
    for (const s of ['', 'abc', Buffer.from('{"at":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url'), Buffer.from(JSON.stringify(['x'.repeat(41), 'y'])).toString('base64url')]) {
      expect(decodeCursor(s)).toBeNull();
    }
  });
});

describe('a peer acknowledging a notice we sent', () => {
  const sent = { to_node: 'kz-cert', issued_at: '2026-12-01T10:00:00.000Z', acknowledged: false };
  const ack = { acknowledged_at: '2026-12-01T10:05:00.000Z', issued_at: '2026-12-01T10:05:00.100Z' };
  it('counts when it names a notice sent to that peer, in time', () => expect(ackProblem(sent, 'kz-cert', ack, 60_000)).toBeNull());
  it('is ignored for a notice never sent, or sent to another peer', () => {
    expect(ackProblem(undefined, 'kz-cert', ack, 60_000)).toMatch(/no notice/);
    expect(ackProblem(sent, 'ru-cert', ack, 60_000)).toMatch(/no notice/);
  });
  it('is ignored once the notice is acknowledged (the first ack stays)', () => expect(ackProblem({ ...sent, acknowledged: true }, 'kz-cert', ack, 60_000)).toMatch(/already/));
  it('is ignored when its time is before the notice or after its own signing', () => {
    expect(ackProblem(sent, 'kz-cert', { ...ack, acknowledged_at: '2026-12-01T09:00:00.000Z' }, 60_000)).toMatch(/before/);
    expect(ackProblem(sent, 'kz-cert', { ...ack, acknowledged_at: '2026-12-01T11:00:00.000Z' }, 60_000)).toMatch(/after/);
    expect(ackProblem(sent, 'kz-cert', { ...ack, acknowledged_at: 'soon' }, 60_000)).toMatch(/timestamp/);
  });
});

describe('threads', () => {
  it('a reply joins its original thread, or starts one at the original', () => {
    expect(threadOfReply({ id: 'b', thread_id: 'a' })).toBe('a');
    expect(threadOfReply({ id: 'a', thread_id: null })).toBe('a');
  });
});
