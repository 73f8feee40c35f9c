import { describe, expect, it } from 'vitest';
import { contactsInOrder, dueEscalationLevel, periodOf, pingHistory, pingStats, pingTestsToCsv, type PingExportRow } from './ping-tests.rules.js';

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

  it('buckets by calendar month or quarter in UTC', () => {
    expect(periodOf('2026-11-30T23:59:59.999Z', 'month')).toBe('2026-11');
    expect(periodOf('2026-12-01T00:00:00.000+05:00', 'month')).toBe('2026-11'); // still November in UTC
    expect(['2026-01-01T00:00:00Z', '2026-03-31T23:59:59Z', '2026-04-01T00:00:00Z', '2026-12-31T12:00:00Z'].map((t) => periodOf(t, 'quarter'))).toEqual(['2026-Q1', '2026-Q1', '2026-Q2', '2026-Q4']);
  });

  it('gives one series per node and per group, periods oldest first, rates and times per period', () => {
    const row = (peer_node: string, started_at: string, status: string, response_ms: number | null = null) => ({ peer_node, started_at, status, response_ms });
    const rows = [
      row('kz-cert', '2026-11-03T10:00:00Z', 'answered', 1000),
      row('kz-cert', '2026-02-10T10:00:00Z', 'unanswered'),
      row('kz-cert', '2026-11-20T10:00:00Z', 'answered', 3000),
      row('tj-cert', '2026-11-20T10:00:00Z', 'pending'),
      row('kg-ca', '2026-01-05T10:00:00Z', 'answered', 500),
    ];
    const groups = [{ id: 'g2', members: ['kz-cert', 'tj-cert', 'uz-cert'] }, { id: 'g1', members: ['nobody-tested'] }];
    const monthly = pingHistory(rows, groups, 'month');
    expect(monthly.map((s) => s.key)).toEqual(['node:kg-ca', 'node:kz-cert', 'node:tj-cert', 'group:g2']);
    expect(monthly[1]).toEqual({
      key: 'node:kz-cert',
      kind: 'node',
      id: 'kz-cert',
      points: [
        { period: '2026-02', started: 1, answered: 0, unanswered: 1, pending: 0, response_rate: 0, median_ms: null, p90_ms: null },
        { period: '2026-11', started: 2, answered: 2, unanswered: 0, pending: 0, response_rate: 1, median_ms: 1000, p90_ms: 3000 },
      ],
    });
    expect(monthly[3]!.points.at(-1)).toMatchObject({ period: '2026-11', started: 3, answered: 2, pending: 1, response_rate: 1 });
    const quarterly = pingHistory(rows, groups, 'quarter');
    expect(quarterly[3]).toMatchObject({ kind: 'group', id: 'g2', points: [{ period: '2026-Q1', started: 1, response_rate: 0 }, { period: '2026-Q4', started: 3 }] });
    expect(pingHistory([], groups, 'month')).toEqual([]);
  });

  it('exports CSV with RFC 4180 quoting and without spreadsheet formulas', () => {
    const base: PingExportRow = { id: 't1', direction: 'incoming', peer_node: 'kz-cert', schedule_id: null, started_at: '2026-11-01T00:00:00.000Z', deadline_at: '2026-11-01T01:00:00.000Z', window_minutes: 60, status: 'answered', escalation_level: 0, confirmed_at: null, confirmed_by: null, response_ms: null };
    const csv = pingTestsToCsv([
      { ...base, confirmed_by: 'Duty, "night" shift\nline 2' },
      { ...base, id: 't2', confirmed_by: '=HYPERLINK("http://evil.example","x")' },
      { ...base, id: 't3', confirmed_by: '@SUM(1)', response_ms: 1200 },
      { ...base, id: 't4', confirmed_by: '+998 71 000 00 00' },
    ]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('id,direction,peer_node,schedule_id,started_at,deadline_at,window_minutes,status,escalation_level,confirmed_at,confirmed_by,response_ms');
    expect(lines[1]).toBe('t1,incoming,kz-cert,,2026-11-01T00:00:00.000Z,2026-11-01T01:00:00.000Z,60,answered,0,,"Duty, ""night"" shift\nline 2",');
    expect(csv).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
    expect(csv).toContain(",'@SUM(1),1200\r\n");
    expect(csv).toContain(',+998 71 000 00 00,\r\n'); // a phone number is not a formula
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
