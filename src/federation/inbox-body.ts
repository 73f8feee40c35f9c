import type { Readable } from 'node:stream';
import { errorCodes } from 'fastify';

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
  if (declared > limit) return Promise.reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const stop = () => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onEnd);
    };
    const onData = (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += b.length;
      if (bytes > limit || (payload.receivedEncodedLength ?? 0) > limit) {
        stop();
        reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
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
        reject(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      } else resolve({ chunks, bytes });
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onEnd);
    payload.resume();
  });
}

/** The body in one buffer (a copy, never a view of the socket's buffers). */
export function joinBody({ chunks, bytes }: BodyChunks): Buffer {
  return Buffer.concat(chunks, bytes);
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
