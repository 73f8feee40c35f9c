/**
 * Runs a worker's pass one at a time. A kick while a pass runs schedules exactly one more
 * pass right after it, so that work queued meanwhile is never left waiting for the timer.
 */
export class SerialPass {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Resolves when the current pass (if any) has finished. */
  async settle(): Promise<void> {
    await this.running;
  }

  /** No more passes; resolves when the current one has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
