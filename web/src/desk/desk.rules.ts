import type { DeskItem } from './types.js';

/** Items in `next` that were not in `previous` (by kind and id): what has just arrived. */
export function newArrivals(previous: readonly DeskItem[] | undefined, next: readonly DeskItem[]): DeskItem[] {
  if (!previous) return [];
  const seen = new Set(previous.map((i) => `${i.kind}\u0000${i.id}`));
  return next.filter((i) => !seen.has(`${i.kind}\u0000${i.id}`));
}

/** The tab's title with the number of waiting items in front: "(3) Overview · Accord". */
export function titleWithCount(title: string, count: number): string {
  return count > 0 ? `(${count}) ${title}` : title;
}

/** The nearest deadline still ahead, when the desk should be read again (a ping test's window closes). */
export function nextDeadline(items: readonly DeskItem[], now: number): number | null {
  const ahead = items.map((i) => (i.due ? Date.parse(i.due) : NaN)).filter((t) => Number.isFinite(t) && t > now);
  return ahead.length ? Math.min(...ahead) : null;
}
