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
 * A wake-up call for loops that wait for work: `fire` resolves the promise handed out by
 * `wait`. A loop takes `generation` before it looks for work and passes it to `wait`, so that
 * a call fired between its look and its wait is not missed.
 */
export class WakeSignal {
  generation = 0;
  private pending: { promise: Promise<void>; resolve: () => void } | null = null;

  fire(): void {
    this.generation++;
    const p = this.pending;
    this.pending = null;
    p?.resolve();
  }

  wait(since: number): Promise<void> {
    if (since !== this.generation) return Promise.resolve();
    if (!this.pending) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.pending = { promise, resolve };
    }
    return this.pending.promise;
  }
}
