/**
 * Bandwidth per peer on the sending side: a token bucket of `bytesPerSecond` with one second
 * of burst. A chunk takes its bytes at once (the bucket may go below zero) and waits until the
 * rate has paid that debt back, so requests from one peer, however many at once, together
 * get no more than the rate. 0 means no limit.
 */
export class PeerRate {
  private readonly buckets = new Map<string, { tokens: number; last: number }>();

  constructor(private readonly bytesPerSecond: number) {}

  /** How long (ms) to wait before sending `bytes` to `peer`; the bytes are taken now. */
  reserve(peer: string, bytes: number, now = Date.now()): number {
    const rate = this.bytesPerSecond;
    if (rate <= 0) return 0;
    const b = this.buckets.get(peer) ?? { tokens: rate, last: now };
    b.tokens = Math.min(rate, b.tokens + ((now - b.last) / 1000) * rate);
    b.last = now;
    b.tokens -= bytes;
    this.buckets.set(peer, b);
    return b.tokens >= 0 ? 0 : Math.ceil((-b.tokens / rate) * 1000);
  }
}
