/**
 * The batches in flight to one peer. `add` waits for a free slot first; a failed send closes
 * the window (the loop stops and the peer backs off), but the batches already in flight are
 * still awaited so their receipts are kept.
 */
export class DeliveryWindow {
  /** Release number of the last message handed to a batch in flight. */
  cursor = -1;
  failed = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly size: number) {}

  get empty(): boolean {
    return this.inFlight.size === 0;
  }

  async add(send: Promise<boolean>): Promise<void> {
    const p: Promise<void> = send.then(
      (ok) => {
        if (!ok) this.failed = true;
      },
      () => {
        this.failed = true;
      },
    );
    const tracked = p.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    while (this.inFlight.size >= this.size) await Promise.race(this.inFlight);
  }

  /** Waits for every batch in flight; afterwards the next batch starts from the lowest pending message. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.cursor = -1;
  }
}
