import { verify, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/** One check asked of the worker: the text is a view of memory shared with the inbox, never copied. */
export interface VerifyJob {
  id: number;
  text: SharedArrayBuffer;
  offset: number;
  length: number;
  key: KeyObject;
  signature: Uint8Array;
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
