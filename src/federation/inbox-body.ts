import type { Readable } from 'node:stream';

/**
 * Fastify's own error for a refused body, so that its error handler answers as for any other
 * route. Loaded when first needed: this module comes with the federation routes, which every
 * `accord` command loads, and only a serving process has Fastify loaded already (it costs a
 * command about 0.1 s to load).
 */
async function fastifyError(code: 'FST_ERR_CTP_BODY_TOO_LARGE' | 'FST_ERR_CTP_INVALID_CONTENT_LENGTH'): Promise<Error> {
  const { errorCodes } = await import('fastify');
  return new errorCodes[code]();
}

/** A request body as it arrived, in the pieces the socket gave, not yet joined. */
export interface BodyChunks {
  chunks: Buffer[];
  bytes: number;
}

/**
 * Reads a request body without joining it, with Fastify's own checks (the body limit before
 * and while reading, the declared length once read). Joining a 30 MiB body writes 30 MiB of
 * fresh memory in one go, which on a busy host holds the event loop for 100–200 ms; the inbox
 * first decides from the body's two ends whether it wants the body at all.
 */
export function readBodyChunks(payload: Readable & { receivedEncodedLength?: number }, limit: number, declared: number): Promise<BodyChunks> {
  if (declared > limit) return fastifyError('FST_ERR_CTP_BODY_TOO_LARGE').then((e) => Promise.reject(e));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const stop = () => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onEnd);
      payload.removeListener('close', onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += b.length;
      if (bytes > limit || (payload.receivedEncodedLength ?? 0) > limit) {
        stop();
        void fastifyError('FST_ERR_CTP_BODY_TOO_LARGE').then(reject);
        return;
      }
      chunks.push(b);
    };
    const onEnd = (err?: Error & { statusCode?: number }) => {
      stop();
      if (err) {
        if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
        reject(err);
      } else if (!Number.isNaN(declared) && (payload.receivedEncodedLength || bytes) !== declared) {
        void fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH').then(reject);
      } else resolve({ chunks, bytes });
    };
    // Closed without an end or an error (destroyed when its time ran out): settle all the same.
    const onClose = () => onEnd(Object.assign(new Error('the connection closed before the body arrived'), { statusCode: 400 }));
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onEnd);
    payload.on('close', onClose);
    payload.resume();
  });
}

/**
 * The body in one buffer: a copy, never a view of the socket's buffers. A large body is
 * copied a step at a time, letting the event loop run between steps: writing 30 MiB of fresh
 * memory at once held it for 100–200 ms. `into`, when given and large enough, is written
 * instead of new memory (BodyArena). The memory is shared, so that the batch signature can be
 * checked on another thread without a copy (LargeVerifier).
 */
export async function joinBody({ chunks, bytes }: BodyChunks, into?: Buffer | null, step = 1024 * 1024): Promise<Buffer> {
  if (bytes <= step && !into) return Buffer.concat(chunks, bytes);
  const out = into && into.length >= bytes ? into.subarray(0, bytes) : sharedBuffer(bytes);
  let at = 0;
  let sinceYield = 0;
  for (const c of chunks) {
    c.copy(out, at);
    at += c.length;
    sinceYield += c.length;
    if (sinceYield >= step) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return out;
}

/**
 * One buffer kept for the large bodies of unproven sources, which the inbox reads one at a
 * time (InboxLane) and joins into it when their header passes. After the first, its memory is
 * already mapped, so a junk body claiming a peer costs a plain copy, not a page fault every
 * 4 KiB of fresh memory. Dropped after `idleMs` without use, so that it holds memory only while such
 * bodies come.
 */
export class BodyArena {
  #buf: Buffer | null = null;
  #busy = false;
  #idle: NodeJS.Timeout | undefined;

  constructor(
    readonly size: number,
    private readonly idleMs: number,
  ) {}

  /** The arena for one body, until `release`; null while another body holds it. */
  take(): Buffer | null {
    if (this.#busy) return null;
    this.#busy = true;
    clearTimeout(this.#idle);
    return (this.#buf ??= sharedBuffer(this.size));
  }

  release(): void {
    this.#busy = false;
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      if (!this.#busy) this.#buf = null;
    }, this.idleMs).unref();
  }

  /** Whether the arena holds its memory now (for tests). */
  get held(): boolean {
    return this.#buf !== null;
  }
}

/**
 * The first and last `edge` bytes of a body, side by side: enough for the members of a batch
 * before and after its body (the header of a canonical batch is its last members), without
 * copying what lies between. The whole body when it is not longer than both edges.
 */
export function bodyEnds({ chunks, bytes }: BodyChunks, edge: number): Buffer {
  if (bytes <= 2 * edge) return Buffer.concat(chunks, bytes);
  const out = Buffer.allocUnsafe(2 * edge);
  let written = 0;
  for (const c of chunks) {
    if (written >= edge) break;
    written += c.copy(out, written, 0, Math.min(c.length, edge - written));
  }
  let end = 2 * edge;
  for (let i = chunks.length - 1; i >= 0 && end > edge; i--) {
    const c = chunks[i]!;
    const n = Math.min(c.length, end - edge);
    c.copy(out, end - n, c.length - n);
    end -= n;
  }
  return out;
}

/** A buffer over memory that other threads can read in place (mapped lazily, zeroed). */
export function sharedBuffer(bytes: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(bytes));
}
