/**
 * Retry waits: exponential backoff with "equal jitter" — half of the exponential step is fixed
 * and half random, so parties that failed together do not retry together, yet the wait still
 * grows. Used for peers (delivery) and notifications alike.
 */
export function backoffMs(attempts: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const step = Math.min(capMs, baseMs * 2 ** Math.min(attempts, 30));
  return Math.round(step / 2 + (step / 2) * random());
}
