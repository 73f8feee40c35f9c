import { verify, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VerifyJob } from './large-verify.worker.js';

const WORKER_URL = new URL('./large-verify.worker.js', import.meta.url);
/** The built worker; null when running from TypeScript sources (the check then runs on libuv's pool). */
export const DEFAULT_VERIFY_WORKER: URL | null = existsSync(fileURLToPath(WORKER_URL)) ? WORKER_URL : null;

/**
 * Checks Ed25519 signatures over large texts off the event loop. Node's asynchronous
 * `crypto.verify` runs on libuv's pool but first copies its whole input on the calling
 * thread: 50–100 ms for a 30 MiB batch, during which the inbox answers no one. A text held
 * in a SharedArrayBuffer goes to a worker thread instead, which reads it where it is. One
 * worker, started on first use, not keeping the process alive; if it fails, the checks it
 * held run here instead and the next one starts another.
 */
export class LargeVerifier {
  #worker: Worker | null = null;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (ok: boolean) => void; text: Buffer; key: KeyObject; signature: Buffer }>();

  constructor(private readonly workerUrl: URL | null = DEFAULT_VERIFY_WORKER) {}

  verify(text: Buffer, key: KeyObject, signature: Buffer): Promise<boolean> {
    if (!this.workerUrl || !(text.buffer instanceof SharedArrayBuffer)) return verifyHere(text, key, signature);
    const w = this.#start();
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, { resolve, text, key, signature });
      if (this.#pending.size === 1) w.ref();
      const job: VerifyJob = { id, text: text.buffer as SharedArrayBuffer, offset: text.byteOffset, length: text.length, key, signature: new Uint8Array(signature) };
      w.postMessage(job);
    });
  }

  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = null;
    if (w) await w.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(this.workerUrl!);
    w.unref();
    w.on('message', ({ id, ok }: { id: number; ok: boolean }) => this.#settle(id, ok));
    const lost = () => {
      if (this.#worker !== w) return;
      this.#worker = null;
      for (const [id, job] of [...this.#pending]) void verifyHere(job.text, job.key, job.signature).then((ok) => this.#settle(id, ok));
    };
    w.on('error', lost);
    w.on('exit', lost);
    this.#worker = w;
    return w;
  }

  #settle(id: number, ok: boolean): void {
    const job = this.#pending.get(id);
    if (!job) return;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker?.unref();
    job.resolve(ok);
  }
}

function verifyHere(text: Buffer, key: KeyObject, signature: Buffer): Promise<boolean> {
  return new Promise((resolve) => verify(null, text, key, signature, (err, good) => resolve(!err && good)));
}
