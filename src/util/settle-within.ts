/**
 * Waits until every promise has settled, or `graceMs` has passed, whichever comes first.
 * Shutdown uses it: work still in flight after the grace is durable and will be redone
 * (leases run out, deliveries are at-least-once), so it must not hold the process.
 */
export async function settleWithin(promises: Iterable<Promise<unknown>>, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled([...promises]), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
}
