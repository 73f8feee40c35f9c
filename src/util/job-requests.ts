/**
 * Asks the node's job runner for a run of a job sooner than its period, because work for it
 * has just arrived (an upload finished, a message came in). A job whose work is always
 * announced this way can keep a long period as a safety net instead of polling. The runner
 * of this process listens; without one (a CLI command) a request is dropped and the job's
 * period, or another process's runner, takes the work.
 */
export class JobRequests {
  private listener: ((name: string, inMs: number) => void) | null = null;

  /** Runs the job `name` within `inMs` milliseconds (at once by default), by whichever process claims it. */
  runSoon(name: string, inMs = 0): void {
    this.listener?.(name, inMs);
  }

  /** The job runner listens until the returned function is called. */
  attach(listener: (name: string, inMs: number) => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }
}
