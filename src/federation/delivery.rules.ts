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

/**
 * Whether a batch of `ready` messages goes now. With nothing in flight it always does (nothing
 * waits to fill a batch). While another batch is in flight only a backlog goes along, a
 * quarter of the batch size or more: a small batch waits for the one in flight to settle and
 * then takes whatever queued meanwhile. Under a steady trickle this keeps batches from
 * shrinking to a message or two, each paying a whole round trip's work on both nodes, while a
 * backlog still keeps both nodes busy at once.
 */
export function sendsNow(ready: number, inFlight: number, batchSize: number): boolean {
  if (ready <= 0) return false;
  return inFlight === 0 || ready >= backlogOf(batchSize);
}

/** How many ready messages make a backlog that goes while other batches are in flight. */
export function backlogOf(batchSize: number): number {
  return Math.max(1, Math.floor(batchSize / 4));
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
    this.refill(now);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
  /** Takes `n` whatever is left: below zero, the debt is paid back by the rate before anything more is taken. */
  spend(n: number, now = Date.now()): void {
    this.refill(now);
    this.tokens -= n;
  }
  /** Gives `n` back, up to the burst. */
  give(n: number, now = Date.now()): void {
    this.refill(now);
    this.tokens = Math.min(this.burst, this.tokens + n);
  }
  /** Whether nothing has been taken that the rate has not yet given back. */
  full(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }
  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

/** Bytes of a refused batch that cost one more request of its source's budget. */
export const REFUSED_BYTES_PER_REQUEST = 16 * 1024;

/**
 * What one source address may make the inbox do: `perMinute` requests a minute, in bursts of
 * as many. A request takes one before its body is read, and a deposit for the size it
 * declares (one more for every 16 KiB, at most a third of the budget); a batch that was taken
 * (it came from a peer, signed) gives both back, so that a peer's own deliveries are limited by
 * its per-peer rate only; a refused batch keeps the deposit and pays for what it held beyond
 * it. So a source sending large batches that are refused is cut off after a few of them,
 * before their bodies are read, and cannot have more of them read at once than it can pay for.
 */
export class AddressBudget {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly perMinute: number) {}

  private units(bytes: number): number {
    return Math.floor(bytes / REFUSED_BYTES_PER_REQUEST);
  }

  /** Takes one request and the deposit for `declaredBytes`; the deposit, or null when the address cannot pay. */
  take(address: string, declaredBytes = 0, now = Date.now()): number | null {
    let b = this.buckets.get(address);
    if (!b) {
      if (this.buckets.size >= 10_000) this.forgetIdle(now);
      this.buckets.set(address, (b = new TokenBucket(this.perMinute / 60, this.perMinute, now)));
    }
    const deposit = Math.min(this.units(declaredBytes), Math.floor(this.perMinute / 3));
    return b.take(1 + deposit, now) ? deposit : null;
  }

  /** Settles a request that took `deposit`: a batch taken gives everything back, a refused one pays for its size. */
  settle(address: string, taken: boolean, bytes: number, deposit: number, now = Date.now()): void {
    const b = this.buckets.get(address);
    if (!b) return;
    if (taken) b.give(1 + deposit, now);
    else b.spend(Math.max(0, this.units(bytes) - deposit), now);
  }

  private forgetIdle(now: number): void {
    for (const [a, b] of this.buckets) if (b.full(now)) this.buckets.delete(a);
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
