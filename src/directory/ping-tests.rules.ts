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
