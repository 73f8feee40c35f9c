import { verify, type KeyObject } from 'node:crypto';
import { setPriority } from 'node:os';
import { isMainThread, parentPort } from 'node:worker_threads';

/** The worker thread's nice value: it gets what the event loop leaves, and a tenth of the CPU when the loop is busy. */
export const WORKER_NICE = 10;

/** One check asked of the worker: the text is a view of memory shared with the inbox, never copied. */
export interface VerifyJob {
  id: number;
  text: SharedArrayBuffer;
  offset: number;
  length: number;
  key: KeyObject;
  signature: Uint8Array;
}

// A large batch from a source not yet proven must not take the CPU from the event loop that
// serves the node's peers and users: on Linux a nice value belongs to the thread, so this
// thread alone is made to yield (elsewhere it would apply to the whole process: left alone);
// never the main thread, which only imports this module for its types and constant.
if (process.platform === 'linux' && !isMainThread) {
  try {
    setPriority(WORKER_NICE);
  } catch {
    // not permitted here: the check runs at the node's own priority
  }
}

// Runs the check here, synchronously: the one copy Node makes of the input for an asynchronous
// check is then made on this thread, not the inbox's.
parentPort?.on('message', (job: VerifyJob) => {
  let ok: boolean;
  try {
    ok = verify(null, new Uint8Array(job.text, job.offset, job.length), job.key, job.signature);
  } catch {
    ok = false;
  }
  parentPort!.postMessage({ id: job.id, ok });
});
