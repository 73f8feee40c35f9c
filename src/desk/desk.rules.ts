import type { DeskItem, DeskPeer, DeskSeverity } from '../capability.js';

const SEVERITY_RANK: Record<DeskSeverity, number> = { urgent: 0, attention: 1, info: 2 };

/**
 * The order of the "waiting for you" list: the most severe first; within a severity, the
 * nearest deadline first (items without one after those with one); then the longest waiting;
 * then kind and id, so that equal items keep one order between reloads.
 */
export function compareDeskItems(a: DeskItem, b: DeskItem): number {
  const bySeverity = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  if (bySeverity !== 0) return bySeverity;
  if (a.due !== b.due) {
    if (a.due === undefined) return 1;
    if (b.due === undefined) return -1;
    const byDue = Date.parse(a.due) - Date.parse(b.due);
    if (byDue !== 0) return byDue;
  }
  const bySince = Date.parse(a.since) - Date.parse(b.since);
  if (bySince !== 0) return bySince;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortDeskItems(items: readonly DeskItem[]): DeskItem[] {
  return [...items].sort(compareDeskItems);
}

/**
 * A severity that rises as a deadline nears: `urgent` once less than `urgentShare` of the
 * time between `since` and `due` is left (or the deadline has passed), `attention` before.
 */
export function severityByDeadline(since: string, due: string, now: Date, urgentShare = 0.25): DeskSeverity {
  const total = Date.parse(due) - Date.parse(since);
  const left = Date.parse(due) - now.getTime();
  return left <= 0 || left <= total * urgentShare ? 'urgent' : 'attention';
}

export interface PeersSummary {
  /** Active peers. */
  total: number;
  /** Active peers whose last delivery attempt failed. */
  unreachable: number;
  /** Active peers with messages waiting in the outbox. */
  with_backlog: number;
  /** Messages waiting in the outbox, to every peer. */
  pending_messages: number;
  /** Since when the oldest message waits (null when none does). */
  oldest_pending_at: string | null;
  /** Every peer that is not removed, the ones in trouble first. */
  peers: DeskPeer[];
}

function trouble(p: DeskPeer): number {
  return (p.status === 'active' && p.reachable === false ? 2 : 0) + (p.outbox_depth > 0 ? 1 : 0);
}

/** The peers panel: counts of trouble, and the peers ordered unreachable first, then by the oldest backlog. */
export function summarisePeers(peers: readonly DeskPeer[]): PeersSummary {
  const shown = peers.filter((p) => p.status !== 'removed');
  const active = shown.filter((p) => p.status === 'active');
  const oldest = shown.map((p) => p.oldest_pending_at).filter((t): t is string => t !== null).sort()[0] ?? null;
  const sorted = [...shown].sort((a, b) => {
    const t = trouble(b) - trouble(a);
    if (t !== 0) return t;
    const ao = a.oldest_pending_at ?? '\uffff';
    const bo = b.oldest_pending_at ?? '\uffff';
    if (ao !== bo) return ao < bo ? -1 : 1;
    return a.node_id < b.node_id ? -1 : a.node_id > b.node_id ? 1 : 0;
  });
  return {
    total: active.length,
    unreachable: active.filter((p) => p.reachable === false).length,
    with_backlog: active.filter((p) => p.outbox_depth > 0).length,
    pending_messages: shown.reduce((n, p) => n + p.outbox_depth, 0),
    oldest_pending_at: oldest,
    peers: sorted,
  };
}
