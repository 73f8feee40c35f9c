import type { NodeContext } from '../context.js';

export interface CaseStatisticsRow {
  peer: string;
  type: string;
  direction: string;
  cases: number;
  acknowledged: number;
  median_hours_to_acknowledge: number | null;
  executed: number;
  median_days_to_execute: number | null;
  refused: number;
  /** How often each ground was given (`40(21)(b)` → 3). */
  refusal_grounds: Record<string, number>;
  open: number;
  overdue: number;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const v = s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  return Math.round(v * 10) / 10;
}

const HOUR = 3_600_000;

/** Per peer, request type and direction: how fast requests are acknowledged and executed, and why they are refused. */
export async function caseStatistics(ctx: NodeContext, now = new Date()): Promise<CaseStatisticsRow[]> {
  const rows = await ctx.store.db
    .selectFrom('cases')
    .select(['peer', 'type', 'direction', 'status', 'opened_at', 'acknowledged_at', 'executed_at', 'refusal_grounds', 'next_due'])
    .execute();
  const groups = new Map<string, { row: CaseStatisticsRow; ack: number[]; exec: number[] }>();
  for (const r of rows) {
    const key = `${r.peer}\u0000${r.type}\u0000${r.direction}`;
    let g = groups.get(key);
    if (!g) {
      g = { row: { peer: r.peer, type: r.type, direction: r.direction, cases: 0, acknowledged: 0, median_hours_to_acknowledge: null, executed: 0, median_days_to_execute: null, refused: 0, refusal_grounds: {}, open: 0, overdue: 0 }, ack: [], exec: [] };
      groups.set(key, g);
    }
    const x = g.row;
    x.cases++;
    const opened = Date.parse(r.opened_at);
    if (r.acknowledged_at) {
      x.acknowledged++;
      g.ack.push((Date.parse(r.acknowledged_at) - opened) / HOUR);
    }
    if (r.executed_at) {
      x.executed++;
      g.exec.push((Date.parse(r.executed_at) - opened) / (24 * HOUR));
    }
    if (r.status === 'refused') {
      x.refused++;
      for (const ground of (r.refusal_grounds ?? '').split(' ').filter(Boolean)) x.refusal_grounds[ground] = (x.refusal_grounds[ground] ?? 0) + 1;
    }
    const closed = ['refused', 'withdrawn', 'closed'].includes(r.status);
    if (!closed) x.open++;
    if (!closed && r.next_due !== null && r.next_due < now.toISOString()) x.overdue++;
  }
  return [...groups.values()]
    .map((g) => ({ ...g.row, median_hours_to_acknowledge: median(g.ack), median_days_to_execute: median(g.exec) }))
    .sort((a, b) => a.peer.localeCompare(b.peer) || a.type.localeCompare(b.type) || a.direction.localeCompare(b.direction));
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function statisticsCsv(rows: CaseStatisticsRow[]): string {
  const head = ['peer', 'type', 'direction', 'cases', 'acknowledged', 'median_hours_to_acknowledge', 'executed', 'median_days_to_execute', 'refused', 'refusal_grounds', 'open', 'overdue'];
  const lines = rows.map((r) =>
    [r.peer, r.type, r.direction, r.cases, r.acknowledged, r.median_hours_to_acknowledge, r.executed, r.median_days_to_execute, r.refused, Object.entries(r.refusal_grounds).map(([g, n]) => `${g}:${n}`).join(' '), r.open, r.overdue].map(csvCell).join(','),
  );
  return `${[head.join(','), ...lines].join('\r\n')}\r\n`;
}
