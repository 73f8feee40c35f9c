import { existsSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BundleFormatError, type BundleHeader } from './bundle-stream.js';
import { BundlePreparer, unpackGroup, type PackedGroup, type PreparedGroup } from './prepare-bundle.js';

/** The importing thread to its worker: the bundle's bytes, then their end. */
export type ToWorker = { chunk: Uint8Array } | { end: true };
/** The worker to the importing thread: what it read, then how the bundle ended. */
export type FromWorker =
  | { kind: 'group'; group: PackedGroup }
  | { kind: 'end'; header: BundleHeader }
  | { kind: 'format-error'; reason: string; offset: number }
  | { kind: 'error'; message: string };

const WORKER_URL = new URL('./import.worker.js', import.meta.url);
/** The worker runs from the built JavaScript; run from the TypeScript sources, an import reads in its own thread unless told where the worker is. */
export const DEFAULT_WORKER: URL | null = existsSync(fileURLToPath(WORKER_URL)) ? WORKER_URL : null;

/** Bytes handed to the worker and not yet read by it: what an import holds ahead of its store. */
const AHEAD_BYTES = 8 * 1024 * 1024;
/** Elements read between turns of the event loop when reading in the importing thread. */
const YIELD_EVERY = 128;

/**
 * A bundle's objects, read, validated and prepared in groups, in bundle order: in a worker
 * thread when `worker` names its script (the caller stores while the worker reads on), else in
 * this thread. When the bytes end, `header` holds the bundle's outer `type` and `id`. A bundle
 * that cannot be read past some point throws BundleFormatError after the groups read before it.
 */
export function preparedGroups(source: AsyncIterable<Uint8Array>, header: BundleHeader, worker: URL | null, handOver = false): AsyncGenerator<PreparedGroup> {
  return worker ? inWorker(source, header, worker, handOver) : inThisThread(source, header);
}

async function* inThisThread(source: AsyncIterable<Uint8Array>, header: BundleHeader): AsyncGenerator<PreparedGroup> {
  const p = new BundlePreparer(YIELD_EVERY);
  try {
    for await (const g of p.run(source, header)) {
      yield g;
      // Let a store in progress hear from the database: a chunk of the stream holds thousands
      // of objects, read without a turn of the event loop, and each of the store's round trips
      // would wait for the end of the chunk (measured: 110–150 ms per batch to begin its
      // transaction on PostgreSQL).
      await setImmediate();
    }
  } catch (e) {
    yield p.take();
    throw e;
  }
  yield p.take();
}

/** `handOver`: the source's chunks are this import's alone; their memory moves to the worker instead of being copied. */
async function* inWorker(source: AsyncIterable<Uint8Array>, header: BundleHeader, url: URL, handOver: boolean): AsyncGenerator<PreparedGroup> {
  const worker = new Worker(url);
  const inbox: FromWorker[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: FromWorker) => {
    inbox.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure ??= e;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the import's worker thread stopped (exit code ${code})`);
    notify();
  });
  const bytes = source[Symbol.asyncIterator]();
  let sent = 0;
  let read = 0;
  let ended = false;
  // The source's own failure (a request cut off, an envelope over its limit) is thrown once
  // the worker has sent back all it read before it, as when reading in this thread.
  let sourceFailure: { error: unknown } | null = null;
  try {
    for (;;) {
      while (!ended && sourceFailure === null && sent - read < AHEAD_BYTES) {
        let r: IteratorResult<Uint8Array>;
        try {
          r = await bytes.next();
        } catch (error) {
          sourceFailure = { error };
          break;
        }
        if (r.done) {
          ended = true;
          worker.postMessage({ end: true } satisfies ToWorker);
        } else {
          const chunk = r.value;
          sent += chunk.byteLength;
          worker.postMessage({ chunk } satisfies ToWorker, handOver && ownsItsMemory(chunk) ? [chunk.buffer as ArrayBuffer] : []);
        }
      }
      if (sourceFailure && read >= sent && inbox.length === 0) throw sourceFailure.error;
      while (inbox.length === 0 && failure === null) await new Promise<void>((r) => (wake = r));
      const m = inbox.shift();
      if (!m) throw failure;
      switch (m.kind) {
        case 'group':
          read = m.group.bytes;
          yield unpackGroup(m.group);
          break;
        case 'end':
          header.type = m.header.type;
          header.id = m.header.id;
          return;
        case 'format-error':
          throw new BundleFormatError(m.reason, m.offset);
        case 'error':
          throw new Error(`the import's worker thread failed: ${m.message}`);
      }
    }
  } finally {
    if (!ended) await bytes.return?.();
    await worker.terminate();
  }
}

/** A chunk that is the whole of its memory (not a slice of Node's shared pool of small buffers). */
function ownsItsMemory(chunk: Uint8Array): boolean {
  return chunk.buffer instanceof ArrayBuffer && chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.byteLength > Buffer.poolSize;
}
