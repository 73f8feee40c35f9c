import { ConflictError } from '../errors.js';

/**
 * A message of a batch that needs a release of its sender numbered below it which this node
 * does not hold yet (a case event before its case's opening). The sender keeps several
 * batches in flight, so the missing one is often being stored at this very moment.
 */
export class EarlierReleasesMissingError extends ConflictError {
  override name = 'EarlierReleasesMissingError';
}

interface Arrival {
  /** The lowest release number in the batch; null when it holds none. */
  firstSeq: number | null;
}

/**
 * The batches of each sender that this process is receiving. A batch whose messages may need
 * earlier releases of their sender is stored after the sender's batches with lower release
 * numbers arriving at the same time (afterEarlier); one refused all the same for releases
 * still missing waits for another batch of its sender to be stored and tries again (inOrder).
 * Either way it is not sent back to the sender, which would send it again only after its
 * backoff (a second or more), having done the work of storing it for nothing.
 */
export class SenderArrivals {
  private readonly present = new Map<string, Set<Arrival>>();
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Counts a batch of `sender` as arriving until the function returned is called. */
  enter(sender: string, firstSeq: number | null = null): () => void {
    const a: Arrival = { firstSeq };
    let set = this.present.get(sender);
    if (!set) this.present.set(sender, (set = new Set()));
    set.add(a);
    return () => {
      const s = this.present.get(sender);
      if (!s?.delete(a)) return;
      if (s.size === 0) this.present.delete(sender);
      this.changed(sender);
    };
  }

  /** Batches of `sender` arriving now, the caller's included. */
  arriving(sender: string): number {
    return this.present.get(sender)?.size ?? 0;
  }

  /** Tells the batches waiting on `sender` that one of its batches was stored. */
  stored(sender: string): void {
    this.changed(sender);
  }

  private changed(sender: string): void {
    const w = this.waiting.get(sender);
    if (!w) return;
    this.waiting.delete(sender);
    for (const wake of w) wake();
  }

  /**
   * The next change of `sender`'s batches after this call (one stored, or one gone): `done`
   * is true when one came, false after `ms` or once cancelled. Taken before an attempt, it
   * also counts a change during the attempt.
   */
  nextChange(sender: string, ms: number): { done: Promise<boolean>; cancel: () => void } {
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

  /** Whether a batch of `sender` with releases numbered below `firstSeq` is arriving here: only such a batch can hold what a batch starting at `firstSeq` misses. */
  private lowerArriving(sender: string, firstSeq: number | null): boolean {
    if (firstSeq === null) return false;
    for (const a of this.present.get(sender) ?? []) if (a.firstSeq !== null && a.firstSeq < firstSeq) return true;
    return false;
  }

  /**
   * Waits, at most `ms` in all, until no batch of `sender` with releases numbered below
   * `firstSeq` is arriving here; `onWait` is called when it begins to wait. Whether it waited.
   */
  async afterEarlier(sender: string, firstSeq: number | null, o: { ms?: number; onWait?: () => void } = {}): Promise<boolean> {
    const end = Date.now() + (o.ms ?? 5_000);
    let waited = false;
    while (this.lowerArriving(sender, firstSeq)) {
      const left = end - Date.now();
      if (left <= 0) break;
      if (!waited) o.onWait?.();
      waited = true;
      await this.nextChange(sender, left).done;
    }
    return waited;
  }

  /**
   * Runs `attempt`, the storing of a batch whose lowest release number is `firstSeq`; when it
   * fails for releases still missing while batches of `sender` numbered lower are arriving
   * here, waits for a change among them (one stored, or gone; at most `waitMs`) and runs it
   * again, at most `tries` times in all. Anything else, or nothing to wait for, is thrown: a
   * batch never waits on one numbered higher, which may itself be waiting on it.
   */
  async inOrder<T>(sender: string, firstSeq: number | null, attempt: () => Promise<T>, o: { waitMs?: number; tries?: number; onWait?: () => void } = {}): Promise<T> {
    const { waitMs = 5_000, tries = 4 } = o;
    for (let n = 1; ; n++) {
      const next = this.nextChange(sender, waitMs);
      try {
        const out = await attempt();
        next.cancel();
        this.stored(sender);
        return out;
      } catch (err) {
        const wait = err instanceof EarlierReleasesMissingError && n < tries && this.lowerArriving(sender, firstSeq);
        if (!wait) next.cancel();
        if (!wait) throw err;
        o.onWait?.();
        if (!(await next.done)) throw err;
      }
    }
  }
}
