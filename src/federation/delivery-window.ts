/**
 * The batches in flight to one peer, at most `size`. A failed send closes the window (the loop
 * stops and the peer backs off), but the batches already in flight are still awaited so their
 * receipts are kept. The release numbers in flight are tracked, so that a pending message the
 * cursor has passed (one put back for redelivery, or left pending by a receipt) can be told
 * from one that is merely on its way.
 */
export class DeliveryWindow {
  /** Release number of the last message handed to a batch in flight. */
  cursor = -1;
  failed = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly seqs = new Set<number>();

  constructor(private readonly size: number) {}

  get empty(): boolean {
    return this.inFlight.size === 0;
  }

  get full(): boolean {
    return this.inFlight.size >= this.size;
  }

  /** How many batches are in flight. */
  get batches(): number {
    return this.inFlight.size;
  }

  /** How many messages are in flight. */
  get messages(): number {
    return this.seqs.size;
  }

  /** Whether the message with this release number is in a batch in flight. */
  holds(seq: number): boolean {
    return this.seqs.has(seq);
  }

  /** Puts a batch in flight; waits until a slot is free again. */
  async add(send: Promise<boolean>, seqs: readonly number[] = []): Promise<void> {
    for (const s of seqs) this.seqs.add(s);
    const p: Promise<void> = send.then(
      (ok) => {
        if (!ok) this.failed = true;
      },
      () => {
        this.failed = true;
      },
    );
    const tracked = p.finally(() => {
      this.inFlight.delete(tracked);
      for (const s of seqs) this.seqs.delete(s);
    });
    this.inFlight.add(tracked);
    while (this.inFlight.size >= this.size) await Promise.race(this.inFlight);
  }

  /** Waits until a batch in flight settles or `wake` resolves (new messages were queued). */
  async settleOneOr(wake: Promise<void>): Promise<void> {
    if (this.inFlight.size === 0) return;
    await Promise.race([...this.inFlight, wake]);
  }

  /** Waits until a batch in flight settles. */
  async settleOne(): Promise<void> {
    if (this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  /** Waits for every batch in flight; afterwards the next batch starts from the lowest pending message. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.cursor = -1;
  }
}

/**
 * A wake-up call for loops that wait for work: `fire` counts a call and resolves the promises
 * handed out by `wait` whose count is reached. A loop takes `generation` before it looks for
 * work and passes it to `wait`, so that calls fired between its look and its wait count.
 */
export class WakeSignal {
  /** How many calls were fired so far. */
  generation = 0;
  private waiters: { until: number; resolve: () => void }[] = [];
  private closed = false;

  /** Counts `calls` calls (default one) and wakes the waits they complete. */
  fire(calls = 1): void {
    this.generation += calls;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.generation >= w.until) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Wakes every wait, now and later (the loops are stopping). */
  close(): void {
    this.closed = true;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  /** Resolves once `calls` calls (default one) were fired since `since`. */
  wait(since: number, calls = 1): Promise<void> {
    const until = since + Math.max(1, calls);
    if (this.closed || this.generation >= until) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push({ until, resolve }));
  }
}
