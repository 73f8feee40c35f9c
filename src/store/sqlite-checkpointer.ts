import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Checkpoints a serving node's SQLite WAL on a thread of its own. SQLite otherwise checkpoints
 * inside the COMMIT that takes the WAL past a thousand pages: it copies them into the database
 * file and syncs both files, on the main thread, which serves nothing meanwhile. On a busy node
 * that was a tenth of the main thread's time (measured: case events, two nodes).
 *
 * The thread opens its own connection to the file and runs a PASSIVE checkpoint every
 * `everyMs`: it copies what the WAL holds without waiting for the node's reads or writes. The
 * WAL starts over only when a write finds all of it copied, which a thread copying beside a
 * writer that never pauses does not bring about: the node's own connection therefore still
 * checkpoints, past `inlinePages` (four times SQLite's default), and then finds little left to
 * copy; the next write starts the WAL over, so it stays near that size. Without the thread (it
 * could not start, or ended) the node checkpoints at SQLite's default again; closing the
 * connection checkpoints once more.
 */
/** What a checkpoint thread runs (CommonJS, given as code: no file beside the compiled one to find). */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    // Another checkpoint runs (SQLITE_BUSY) or the file is busy: the next tick tries again.
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

/** SQLite's own threshold, which the node's connection goes back to without the thread. */
const INLINE_AUTOCHECKPOINT_PAGES = 1000;

export interface Checkpointer {
  /** Resolves once the thread has opened the file and the node's connection checkpoints only past `inlinePages` (false: the thread could not start). */
  ready: Promise<boolean>;
  /** Checkpoints once more, ends the thread and gives checkpoints back to the node's connection. */
  stop(): Promise<void>;
  /** The thread, for tests that end it abruptly. */
  readonly worker: Worker;
}

export function startCheckpointer(sqlite: BetterSqlite3.Database, file: string, { everyMs = 100, inlinePages = 4 * INLINE_AUTOCHECKPOINT_PAGES } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD, { eval: true, workerData: { driver, file, everyMs } });
  // A node whose other work has ended does not stay up for its checkpoints.
  worker.unref();
  let active = false;
  const inline = () => {
    active = false;
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${INLINE_AUTOCHECKPOINT_PAGES}`);
  };
  const ended = new Promise<void>((resolve) => worker.once('exit', () => (inline(), resolve())));
  const ready = new Promise<boolean>((resolve) => {
    worker.once('message', (m) => {
      if (m !== 'ready') return;
      active = true;
      sqlite.pragma(`wal_autocheckpoint = ${inlinePages}`);
      resolve(true);
    });
    worker.once('error', () => resolve(false));
    void ended.then(() => resolve(false));
  });
  // An error ends the thread ('exit' follows): the node checkpoints inline again.
  worker.on('error', () => undefined);
  return {
    ready,
    worker,
    async stop() {
      if (active) worker.postMessage('stop');
      else await worker.terminate();
      await ended;
    },
  };
}
