/** Pure rules of notices: paging cursors, whether a peer's acknowledgement counts, threads. */

export const NoticeDirection = { received: 'received', sent: 'sent' } as const;
export type NoticeDirection = (typeof NoticeDirection)[keyof typeof NoticeDirection];

export const NoticeState = { unacknowledged: 'unacknowledged', acknowledged: 'acknowledged' } as const;
export type NoticeState = (typeof NoticeState)[keyof typeof NoticeState];

/** Where a page of notices ends: its last (time, id), newest first. */
export interface NoticeCursor {
  at: string;
  id: string;
}

/** An opaque cursor for the next page (`next_cursor`). */
export function encodeCursor(c: NoticeCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

/** The cursor a client sent back, or null when it is not one this node made. */
export function decodeCursor(s: string): NoticeCursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && v[0].length <= 40 && v[1].length <= 100) return { at: v[0], id: v[1] };
  } catch {
    // not JSON: fall through
  }
  return null;
}

/**
 * Why a peer's acknowledgement of a notice we sent is ignored, or null when it counts. It
 * must name a notice this node sent to that very peer, not one acknowledged already, and its
 * time must lie between the notice's sending and the ack's own signing (with clock skew).
 */
export function ackProblem(
  sent: { to_node: string; issued_at: string; acknowledged: boolean } | undefined,
  from: string,
  ack: { acknowledged_at: string; issued_at: string },
  skewMs: number,
): string | null {
  if (!sent || sent.to_node !== from) return 'names no notice this node sent to the peer';
  if (sent.acknowledged) return 'the notice was acknowledged already';
  const at = Date.parse(ack.acknowledged_at);
  const signed = Date.parse(ack.issued_at);
  if (Number.isNaN(at) || Number.isNaN(signed)) return 'the time is not a timestamp';
  if (at > signed + skewMs || at < Date.parse(sent.issued_at) - skewMs) return 'acknowledged before the notice was sent or after the ack was signed';
  return null;
}

/** The thread a reply to `original` belongs to: the original's thread, or the original itself. */
export function threadOfReply(original: { id: string; thread_id: string | null }): string {
  return original.thread_id ?? original.id;
}
