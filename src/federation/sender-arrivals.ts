import { ConflictError } from '../errors.js';

/**
 * A message of a batch that needs a release of its sender numbered below it which this node
 * does not hold yet (a case event before its case's opening). The sender keeps several
 * batches in flight, so the missing one is often being stored at this very moment.
 */
export class EarlierReleasesMissingError extends ConflictError {
  override name = 'EarlierReleasesMissingError';
}

/**
 * The batches of each sender that this process is receiving, and a signal each time one of
 * them is stored. A batch refused for releases still missing waits here for another batch of
 * its sender to be stored, and tries again, instead of going back to the sender, which would
 * send it again only after its backoff (a second or more).
 */
export class SenderArrivals {
  private readonly present = new Map<string, number>();
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Counts a batch of `sender` as arriving until the function returned is called. */
  enter(sender: string): () => void {
    this.present.set(sender, (this.present.get(sender) ?? 0) + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const n = (this.present.get(sender) ?? 1) - 1;
      if (n > 0) this.present.set(sender, n);
      else this.present.delete(sender);
    };
  }

  /** Batches of `sender` arriving now, the caller's included. */
  arriving(sender: string): number {
    return this.present.get(sender) ?? 0;
  }

  /** Tells the batches waiting on `sender` that one of its batches was stored. */
  stored(sender: string): void {
    const w = this.waiting.get(sender);
    if (!w) return;
    this.waiting.delete(sender);
    for (const wake of w) wake();
  }

  /**
   * The next batch of `sender` stored after this call: `done` is true when one was, false
   * after `ms` or once cancelled. Taken before an attempt, it also counts a batch stored
   * during the attempt.
   */
  nextStored(sender: string, ms: number): { done: Promise<boolean>; cancel: () => void } {
    let settle!: (v: boolean) => void;
    const done = new Promise<boolean>((resolve) => (settle = resolve));
    const wake = () => finish(true);
    const timer = setTimeout(() => finish(false), ms);
    timer.unref();
    const finish = (v: boolean) => {
      clearTimeout(timer);
      this.waiting.get(sender)?.delete(wake);
      settle(v);
    };
    let w = this.waiting.get(sender);
    if (!w) this.waiting.set(sender, (w = new Set()));
    w.add(wake);
    return { done, cancel: () => finish(false) };
  }

  /**
   * Runs `attempt`; when it fails for releases still missing while other batches of `sender`
   * are arriving here, waits for one of them to be stored (at most `waitMs`) and runs it
   * again, at most `tries` times in all. Anything else, or nothing to wait for, is thrown.
   */
  async inOrder<T>(sender: string, attempt: () => Promise<T>, o: { waitMs?: number; tries?: number; onWait?: () => void } = {}): Promise<T> {
    const { waitMs = 5_000, tries = 4 } = o;
    for (let n = 1; ; n++) {
      const next = this.nextStored(sender, waitMs);
      try {
        const out = await attempt();
        next.cancel();
        this.stored(sender);
        return out;
      } catch (err) {
        const wait = err instanceof EarlierReleasesMissingError && n < tries && this.arriving(sender) > 1;
        if (!wait) next.cancel();
        if (!wait) throw err;
        o.onWait?.();
        if (!(await next.done)) throw err;
      }
    }
  }
}
