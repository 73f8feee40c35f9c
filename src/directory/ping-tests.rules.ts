import { csvField } from './directory.rules.js';
import type { DirectoryEntry } from './directory.schemas.js';

/**
 * Escalation: the window is shared equally by the contacts, tried in escalation order (then
 * list order). After each share without a confirmation the next contact is asked; after the
 * window, the test is unanswered.
 */
export function contactsInOrder(entry: DirectoryEntry | null): DirectoryEntry['contacts'] {
  if (!entry) return [];
  return entry.contacts.map((c, i) => ({ c, i })).sort((x, y) => (x.c.escalation_order ?? 50) - (y.c.escalation_order ?? 50) || x.i - y.i).map((x) => x.c);
}

/** How many contacts should have been asked by `now` (at least 1, at most all). */
export function dueEscalationLevel(startedAt: string, windowMinutes: number, contacts: number, now: Date): number {
  if (contacts <= 1) return 0;
  const share = (windowMinutes * 60_000) / contacts;
  return Math.min(contacts - 1, Math.floor((now.getTime() - Date.parse(startedAt)) / share));
}

export interface PingStats {
  sent: number;
  answered: number;
  unanswered: number;
  pending: number;
  /** answered / (answered + unanswered); null before any test has ended. */
  response_rate: number | null;
  median_ms: number | null;
  p90_ms: number | null;
}

export function pingStats(rows: { status: string; response_ms: number | null }[]): PingStats {
  const by = (s: string) => rows.filter((r) => r.status === s).length;
  const times = rows.filter((r) => r.status === 'answered' && r.response_ms !== null).map((r) => Number(r.response_ms)).sort((a, b) => a - b);
  const q = (p: number) => (times.length ? times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]! : null);
  const answered = by('answered');
  const unanswered = by('unanswered');
  return {
    sent: rows.length,
    answered,
    unanswered,
    pending: by('pending'),
    response_rate: answered + unanswered ? answered / (answered + unanswered) : null,
    median_ms: q(0.5),
    p90_ms: q(0.9),
  };
}

/** Results over time: tests are counted in the calendar month or quarter (UTC) they started in. */
export type HistoryBucket = 'month' | 'quarter';

export function periodOf(startedAt: string, bucket: HistoryBucket): string {
  const d = new Date(startedAt);
  const m = d.getUTCMonth();
  return bucket === 'month' ? `${d.getUTCFullYear()}-${String(m + 1).padStart(2, '0')}` : `${d.getUTCFullYear()}-Q${Math.floor(m / 3) + 1}`;
}

export interface HistoryPoint extends Omit<PingStats, 'sent'> {
  period: string;
  started: number;
}

export interface HistorySeries {
  key: string;
  kind: 'node' | 'group';
  id: string;
  /** Only the periods with tests, oldest first. */
  points: HistoryPoint[];
}

type HistoryRow = { peer_node: string; status: string; response_ms: number | null; started_at: string };

function pointsOf(rows: HistoryRow[], bucket: HistoryBucket): HistoryPoint[] {
  const byPeriod = new Map<string, HistoryRow[]>();
  for (const r of rows) {
    const p = periodOf(r.started_at, bucket);
    const list = byPeriod.get(p);
    if (list) list.push(r);
    else byPeriod.set(p, [r]);
  }
  return [...byPeriod.keys()].sort().map((period) => {
    const { sent, ...s } = pingStats(byPeriod.get(period)!);
    return { period, started: sent, ...s };
  });
}

/**
 * One series per node tested and per group (over its members as they are now, like
 * pingStats); series without tests are left out.
 */
export function pingHistory(rows: HistoryRow[], groups: { id: string; members: string[] }[], bucket: HistoryBucket): HistorySeries[] {
  const nodes = [...new Set(rows.map((r) => r.peer_node))].sort();
  const out: HistorySeries[] = nodes.map((id) => ({ key: `node:${id}`, kind: 'node', id, points: pointsOf(rows.filter((r) => r.peer_node === id), bucket) }));
  for (const g of [...groups].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))) {
    const points = pointsOf(rows.filter((r) => g.members.includes(r.peer_node)), bucket);
    if (points.length) out.push({ key: `group:${g.id}`, kind: 'group', id: g.id, points });
  }
  return out;
}

/** The fields of a ping test in exports, in column order. */
export const PING_EXPORT_FIELDS = ['id', 'direction', 'peer_node', 'schedule_id', 'started_at', 'deadline_at', 'window_minutes', 'status', 'escalation_level', 'confirmed_at', 'confirmed_by', 'response_ms'] as const;
export type PingExportRow = { [K in (typeof PING_EXPORT_FIELDS)[number]]: string | number | null };

/** Ping tests as CSV (RFC 4180, formula-safe through the directory's csvField); null is empty. */
export function pingTestsToCsv(rows: PingExportRow[]): string {
  const lines = [PING_EXPORT_FIELDS.join(',')];
  for (const r of rows) lines.push(PING_EXPORT_FIELDS.map((f) => csvField(r[f] === null ? '' : String(r[f]))).join(','));
  return lines.join('\r\n') + '\r\n';
}
