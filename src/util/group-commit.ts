/**
 * Coalesces calls into shared transactions ("group commit"): the first call runs at the end of
 * the current turn of the event loop, with every call made until then; calls that arrive while
 * it runs wait and then go together in the next one. Where every write takes the same lock (a
 * peer's release number, the audit chain), one transaction for many callers holds that lock
 * once instead of once per caller.
 */
export class GroupCommit<I, O> {
  private queue: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    /** Does the work of several calls in one go; returns one result per input, in order. */
    private readonly flush: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch = 200,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.running) return;
      // The first call waits for the end of this turn of the event loop, so that calls from
      // every request read in the same turn share its transaction. Without that wait an
      // embedded database, which never yields mid-transaction, would commit each call alone.
      this.running = true;
      setImmediate(() => void this.run());
    });
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const calls = this.queue.splice(0, this.maxBatch);
        try {
          const out = await this.flush(calls.map((c) => c.input));
          calls.forEach((c, i) => c.resolve(out[i]!));
        } catch (err) {
          if (calls.length === 1) calls[0]!.reject(err);
          // One bad call (say, a removed peer) must not fail the others: each alone gets its own outcome.
          else for (const c of calls) await this.flush([c.input]).then((o) => c.resolve(o[0]!), c.reject);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
