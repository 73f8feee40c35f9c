/**
 * Who may have a large batch body read at once. Reading, holding and checking a batch of tens
 * of MiB costs the node a tenth of a second or more, and several read at once stall everything
 * else it does (a real peer's small batches wait behind them). A source address that has
 * delivered an accepted batch lately is proven: its bodies are read as they come, limited only
 * by its budget. The large bodies of every other address (a stranger, an impostor with a
 * peer's id, or a peer after this node restarted) take turns in one lane, in order of arrival,
 * before a byte of them is read; a turn not had within `maxWaitMs` is refused as busy. After a
 * body that was refused the lane stays closed for as long as reading it at `refusedBytesPerMs`
 * would take, so that refused bodies, however fast they come, take a bounded share of the
 * node's time: at the default, a 30 MiB batch costs a few tens of ms to read and holds the lane
 * for 300 ms. A turn is also bounded in time: a body that has not arrived by its reading deadline
 * (a grace plus its size at a minimum rate) is dropped with its connection, so that a sender
 * trickling bytes cannot hold the lane.
 */
export class InboxLane {
  private readonly provenUntil = new Map<string, number>();
  private busy = 0;
  private readonly queue: { resolve: (got: boolean) => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    /** Bodies at most this large never wait. */
    readonly smallBytes: number,
    private readonly width = 1,
    private readonly maxWaitMs = 30_000,
    private readonly provenForMs = 3_600_000,
    private readonly refusedBytesPerMs = 100 * 1024,
    private readonly readGraceMs = 10_000,
    private readonly minReadBytesPerSecond = 128 * 1024,
  ) {}

  /** How long a body of `bytes` may take to arrive once it has its turn. */
  readDeadlineMs(bytes: number): number {
    return this.readGraceMs + Math.ceil((bytes * 1000) / this.minReadBytesPerSecond);
  }

  /** How long the lane stays closed after a refused body of `bytes`. */
  pauseAfterRefusal(bytes: number): number {
    return Math.floor(bytes / this.refusedBytesPerMs);
  }

  /** Records that `address` delivered an accepted batch. */
  prove(address: string, now = Date.now()): void {
    if (this.provenUntil.size >= 10_000 && !this.provenUntil.has(address)) {
      for (const [a, until] of this.provenUntil) if (until <= now) this.provenUntil.delete(a);
      if (this.provenUntil.size >= 10_000) return;
    }
    this.provenUntil.set(address, now + this.provenForMs);
  }

  /** Whether a body of `bytes` from `address` must wait for a turn. */
  mustWait(address: string, bytes: number, now = Date.now()): boolean {
    return bytes > this.smallBytes && (this.provenUntil.get(address) ?? 0) <= now;
  }

  /** Waits for a turn; false when none came in time. A turn had must be given back with `leave`. */
  enter(): Promise<boolean> {
    if (this.busy < this.width) {
      this.busy++;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          const i = this.queue.indexOf(entry);
          if (i >= 0) this.queue.splice(i, 1);
          resolve(false);
        }, this.maxWaitMs),
      };
      this.queue.push(entry);
    });
  }

  /** Gives a turn back, after `afterMs`: then the next waiting body's turn begins. */
  leave(afterMs = 0): void {
    if (afterMs > 0) {
      setTimeout(() => this.leave(), afterMs).unref();
      return;
    }
    const next = this.queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve(true);
    } else this.busy = Math.max(0, this.busy - 1);
  }

  /** Bodies waiting for a turn. */
  get waiting(): number {
    return this.queue.length;
  }
}
