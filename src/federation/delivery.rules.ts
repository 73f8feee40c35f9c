/** Pure rules of delivery and acceptance (retry waits: util/backoff.ts). */

export interface Window {
  /** How old a batch may be when it arrives. */
  maxAgeMs: number;
  /** How far ahead of our clock a sender's clock may be. */
  maxSkewMs: number;
}

/** A batch's `issued_at` must fall inside the replay window around `now`. */
export function checkFreshness(issuedAt: string, now: Date, w: Window): 'ok' | 'expired' | 'from_the_future' | 'invalid' {
  const t = Date.parse(issuedAt);
  if (!Number.isFinite(t) || !/^\d{4}-\d\d-\d\dT/.test(issuedAt)) return 'invalid';
  if (t < now.getTime() - w.maxAgeMs) return 'expired';
  if (t > now.getTime() + w.maxSkewMs) return 'from_the_future';
  return 'ok';
}

/** Simple token bucket: `rate` per second, bursts up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private rate: number, private burst: number, now = Date.now()) {
    this.tokens = burst;
    this.last = now;
  }
  take(n: number, now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

/**
 * Whether a message body holds U+0000 in any string (or member name). PostgreSQL text cannot
 * store it, so such a message would fail its whole batch on every attempt and block the queue
 * behind it: it is refused on its own instead, on both databases alike.
 */
export function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || holdsNul(v));
  return false;
}
