import { describe, expect, it } from 'vitest';
import { contactsInOrder, dueEscalationLevel, pingStats } from './ping-tests.rules.js';

describe('ping test rules', () => {
  const start = '2026-01-01T00:00:00.000Z';
  const at = (min: number) => new Date(Date.parse(start) + min * 60_000);

  it('shares the window among the contacts and never goes past the last one', () => {
    expect([0, 14, 15, 29, 30, 44, 45, 59, 120].map((m) => dueEscalationLevel(start, 60, 4, at(m)))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 3]);
    expect(dueEscalationLevel(start, 60, 1, at(59))).toBe(0);
    expect(dueEscalationLevel(start, 60, 0, at(59))).toBe(0);
  });

  it('orders contacts by escalation order, then as listed', () => {
    const c = (id: string, order?: number) => ({ id, role: 'technical_cert' as const, names: { en: id }, languages: ['en'], hours: { always: true }, channels: [], ...(order === undefined ? {} : { escalation_order: order }) });
    const entry = { contacts: [c('x'), c('b', 2), c('a', 1), c('y')] } as never;
    expect(contactsInOrder(entry).map((x) => x.id)).toEqual(['a', 'b', 'x', 'y']);
    expect(contactsInOrder(null)).toEqual([]);
  });

  it('counts rates over ended tests only and takes percentiles of answered ones', () => {
    expect(pingStats([])).toEqual({ sent: 0, answered: 0, unanswered: 0, pending: 0, response_rate: null, median_ms: null, p90_ms: null });
    const rows = [
      ...[100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].map((ms) => ({ status: 'answered', response_ms: ms })),
      { status: 'unanswered', response_ms: null },
      { status: 'pending', response_ms: null },
    ];
    expect(pingStats(rows)).toEqual({ sent: 12, answered: 10, unanswered: 1, pending: 1, response_rate: 10 / 11, median_ms: 500, p90_ms: 900 });
  });
});
