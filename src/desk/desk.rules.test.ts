import { describe, expect, it } from 'vitest';
import type { DeskItem, DeskPeer } from '../capability.js';
import { compareDeskItems, severityByDeadline, sortDeskItems, summarisePeers } from './desk.rules.js';

const item = (over: Partial<DeskItem>): DeskItem => ({ kind: 'x.thing', id: 'i', params: {}, link: '/', since: '2026-12-01T10:00:00Z', severity: 'attention', ...over });
const peer = (over: Partial<DeskPeer>): DeskPeer => ({ node_id: 'p', status: 'active', reachable: true, last_contact_at: null, last_error_at: null, outbox_depth: 0, oldest_pending_at: null, ...over });

describe('the order of the waiting list', () => {
  it('puts the most severe first, whatever the deadlines', () => {
    const list = sortDeskItems([item({ id: 'info', severity: 'info', due: '2026-12-01T10:01:00Z' }), item({ id: 'urgent', severity: 'urgent' }), item({ id: 'attention', severity: 'attention', due: '2026-12-01T10:02:00Z' })]);
    expect(list.map((i) => i.id)).toEqual(['urgent', 'attention', 'info']);
  });

  it('within a severity, the nearest deadline first and items without one last', () => {
    const list = sortDeskItems([item({ id: 'none' }), item({ id: 'late', due: '2026-12-02T00:00:00Z' }), item({ id: 'soon', due: '2026-12-01T11:00:00Z' })]);
    expect(list.map((i) => i.id)).toEqual(['soon', 'late', 'none']);
  });

  it('compares deadlines as times, not as text (offsets and fractions)', () => {
    const list = sortDeskItems([item({ id: 'utc', due: '2026-12-01T12:00:00.500Z' }), item({ id: 'offset', due: '2026-12-01T16:30:00+05:00' })]);
    expect(list.map((i) => i.id)).toEqual(['offset', 'utc']);
  });

  it('then the longest waiting first, then kind and id: one order between reloads', () => {
    const a = item({ id: 'b', since: '2026-12-01T09:00:00Z' });
    const b = item({ id: 'a', since: '2026-12-01T10:00:00Z' });
    const c = item({ id: 'a', kind: 'y.other', since: '2026-12-01T10:00:00Z' });
    expect(sortDeskItems([c, b, a]).map((i) => `${i.kind}/${i.id}`)).toEqual(['x.thing/b', 'x.thing/a', 'y.other/a']);
    expect(compareDeskItems(b, { ...b })).toBe(0);
  });

  it('does not change the list it is given', () => {
    const given = [item({ id: '2', severity: 'info' }), item({ id: '1', severity: 'urgent' })];
    sortDeskItems(given);
    expect(given.map((i) => i.id)).toEqual(['2', '1']);
  });
});

describe('a severity that rises with its deadline', () => {
  const since = '2026-12-01T10:00:00Z';
  const due = '2026-12-01T11:00:00Z';
  it('is attention while more than a quarter of the window is left', () => {
    expect(severityByDeadline(since, due, new Date('2026-12-01T10:44:00Z'))).toBe('attention');
  });
  it('is urgent in the last quarter and once the deadline passed', () => {
    expect(severityByDeadline(since, due, new Date('2026-12-01T10:45:00Z'))).toBe('urgent');
    expect(severityByDeadline(since, due, new Date('2026-12-01T12:00:00Z'))).toBe('urgent');
  });
});

describe('the peers panel', () => {
  it('counts active peers that are unreachable or have a backlog, and the oldest pending message', () => {
    const s = summarisePeers([
      peer({ node_id: 'ok' }),
      peer({ node_id: 'down', reachable: false, outbox_depth: 3, oldest_pending_at: '2026-12-01T08:00:00Z' }),
      peer({ node_id: 'slow', outbox_depth: 2, oldest_pending_at: '2026-12-01T09:00:00Z' }),
      peer({ node_id: 'never', reachable: null }),
    ]);
    expect(s).toMatchObject({ total: 4, unreachable: 1, with_backlog: 2, pending_messages: 5, oldest_pending_at: '2026-12-01T08:00:00Z' });
  });

  it('lists unreachable peers first, then backlogs by age, then the rest by id; removed peers not at all', () => {
    const s = summarisePeers([
      peer({ node_id: 'b-ok' }),
      peer({ node_id: 'gone', status: 'removed', reachable: false }),
      peer({ node_id: 'young', outbox_depth: 1, oldest_pending_at: '2026-12-01T09:30:00Z' }),
      peer({ node_id: 'a-ok' }),
      peer({ node_id: 'old', outbox_depth: 1, oldest_pending_at: '2026-12-01T09:00:00Z' }),
      peer({ node_id: 'down', reachable: false }),
    ]);
    expect(s.peers.map((p) => p.node_id)).toEqual(['down', 'old', 'young', 'a-ok', 'b-ok']);
  });

  it('does not count a suspended peer as unreachable: nobody tries to reach it', () => {
    const s = summarisePeers([peer({ node_id: 's', status: 'suspended', reachable: false, outbox_depth: 4, oldest_pending_at: '2026-12-01T09:00:00Z' })]);
    expect(s).toMatchObject({ total: 0, unreachable: 0, with_backlog: 0, pending_messages: 4 });
  });
});
