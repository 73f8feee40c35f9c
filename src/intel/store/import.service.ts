import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { appendAudit } from '../../audit/audit.repository.js';
import type { Actor, NodeContext } from '../../context.js';
import { newId } from '../../util/ids.js';
import { RELEASES_JOB } from '../releases/releases.service.js';
import { BundleFormatError, type BundleHeader } from './bundle-stream.js';
import { storeObjects, type PreparedObject } from './objects.repository.js';
import type { Refusal } from './prepare-bundle.js';
import { DEFAULT_WORKER, preparedGroups } from './prepared-groups.js';

export type { Refusal } from './prepare-bundle.js';

/**
 * Objects stored per transaction: large enough to amortise a commit (the (id, version) index
 * takes inserts at random places, and each commit writes every page it touched once more),
 * small enough to show progress and to keep what is held in memory bounded. See batchSize.
 */
const BATCH = 10_000;
/** The most objects per transaction, on SQLite once its store is large (see batchSize). */
const LARGE_STORE_BATCH = 40_000;
/**
 * A batch is stored once its objects' JSON reaches this many characters (bytes, for ASCII),
 * however few they are: an object may have 8 MiB (bundle-stream's limit), and a batch of
 * 10,000 such objects would hold 80 GiB in memory before its commit.
 */
export const BATCH_BYTES = 64 * 1024 * 1024;
/**
 * SQLite page cache while an import runs, KiB: the pages a batch touches stay in memory until
 * its commit instead of being spilled to the WAL half-way (a batch of 40,000 into a store of a
 * million touches some 30,000 pages of 4 KiB). Pages are taken only as they are used.
 */
const IMPORT_CACHE_KIB = 256 * 1024;
/**
 * SQLite write-ahead log pages after which a commit of the import copies the log into the
 * database (the connection's default is 1,000). Each batch rewrites most pages of the (id,
 * version) index, as ids come in random order: copied after every batch, those pages went to
 * the database file as often as to the log; copied after several, once (measured: 0.5 s less
 * per 200,000 objects). The log stays bounded: about 256 MiB at 4 KiB pages.
 */
const IMPORT_AUTOCHECKPOINT_PAGES = 65_536;

/**
 * Objects per transaction for a store that holds `held` objects. On SQLite each commit writes
 * every page a batch touched, and a batch of random ids touches nearly every leaf of the (id,
 * version) index once the index has fewer leaves than the batch has objects (some 50 entries a
 * leaf): past 250,000 objects batches grow with the store, to 40,000 at a million, so that each
 * page written carries several new entries (measured at a million objects: 22.7 s with 10,000
 * a batch, 18.3 s growing to 40,000; smaller stores lose by larger batches, as the reading
 * thread then waits longer for the first). PostgreSQL writes pages in its own time: 10,000.
 */
export function batchSize(sqlite: boolean, held: number): number {
  if (!sqlite) return BATCH;
  return Math.min(LARGE_STORE_BATCH, Math.max(BATCH, Math.floor(held / 25)));
}

/** Objects stored by one import after which PostgreSQL's statistics of the store are renewed. */
const ANALYZE_AFTER = 10_000;
/**
 * Bundles from this size on (or of unknown size) are read and validated in a worker thread
 * while this one stores: on two cores an import runs at the pace of the slower of the two
 * instead of their sum. A smaller one (a TAXII add of a few objects) is not worth a thread's start.
 */
const WORKER_FROM_BYTES = 1024 * 1024;
/** Refusals kept with the import (all are counted). */
const KEPT_REFUSALS = 1000;

export interface ImportSummary {
  import_id: string;
  state: 'done' | 'failed';
  objects_read: number;
  stored: number;
  duplicates: number;
  refused: number;
  refusals: Refusal[];
  /** Why the bundle as a whole could not be read (what came before was stored). */
  error: string | null;
}

export interface ImportOptions {
  /** Content-Length, when known: for progress. */
  bytesTotal?: number;
  origin?: 'local' | 'received';
  /** Who it came from; the import's own id when not given. */
  source?: string;
  /** Called after each stored batch. */
  onProgress?(p: { bytes: number; objects: number }): void;
  /** Called for each valid object as it is queued to be stored (a TAXII status lists each). */
  onAccepted?(o: PreparedObject, index: number): void;
  /** Called for each refused object, with what was read of it (every refusal, beyond those kept). */
  onRefused?(r: Refusal, object: unknown): void;
  /** The worker thread's script, or null to read in this thread (default: a worker for large bundles, see WORKER_FROM_BYTES). */
  worker?: URL | null;
  /** The source's chunks are the import's alone (a file read for it): a worker thread takes them over instead of a copy. */
  ownChunks?: boolean;
}

/**
 * Imports a STIX bundle from a byte stream: objects are read one by one, validated, and
 * stored in batches, each batch in one transaction, so that a process killed in the middle
 * leaves whole batches and nothing half-stored, and importing the same bundle again stores
 * only what is missing. Good objects are stored even when others are refused; each refusal
 * names the object's position, its id and what is wrong. Progress (bytes and objects) is kept
 * on the import's row for anyone to read while it runs.
 */
export async function importBundle(ctx: NodeContext, actor: Actor, source: AsyncIterable<Uint8Array>, opts: ImportOptions = {}): Promise<ImportSummary> {
  const raw = ctx.store.sqlite;
  if (raw) enterImport(raw);
  try {
    return await importInto(ctx, actor, source, opts);
  } finally {
    if (raw) leaveImport(raw);
  }
}

/** Imports running on each SQLite connection, and the connection's own settings to go back to when the last one ends. */
const importing = new WeakMap<BetterSqlite3.Database, { running: number; cacheSize: number; autocheckpoint: number }>();

/**
 * The first import on a connection saves its settings and sets the import's; the last one to
 * end puts them back. Each import saving and restoring its own left the import's settings for
 * good when two overlapped (the second saved the first one's).
 */
function enterImport(raw: BetterSqlite3.Database): void {
  const s = importing.get(raw);
  if (s) {
    s.running++;
    return;
  }
  importing.set(raw, { running: 1, cacheSize: raw.pragma('cache_size', { simple: true }) as number, autocheckpoint: raw.pragma('wal_autocheckpoint', { simple: true }) as number });
  raw.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
  raw.pragma(`wal_autocheckpoint = ${IMPORT_AUTOCHECKPOINT_PAGES}`);
}

function leaveImport(raw: BetterSqlite3.Database): void {
  const s = importing.get(raw);
  if (!s || --s.running > 0) return;
  importing.delete(raw);
  // Back to the connection's own sizes (SQLite frees the cache pages beyond it).
  raw.pragma(`cache_size = ${s.cacheSize}`);
  raw.pragma(`wal_autocheckpoint = ${s.autocheckpoint}`);
}

async function importInto(ctx: NodeContext, actor: Actor, source: AsyncIterable<Uint8Array>, opts: ImportOptions): Promise<ImportSummary> {
  const db = ctx.store.db;
  const id = newId();
  const started = new Date().toISOString();
  await db
    .insertInto('intel_imports')
    .values({ id, started_by: actor.ref, started_at: started, finished_at: null, state: 'running', bytes_read: 0, bytes_total: opts.bytesTotal ?? null, objects_read: 0, stored: 0, duplicates: 0, refused: 0, refusals: '[]', error: null })
    .execute();
  const s: ImportSummary = { import_id: id, state: 'done', objects_read: 0, stored: 0, duplicates: 0, refused: 0, refusals: [], error: null };
  let bytes = 0;
  let batch: PreparedObject[] = [];
  let batchBytes = 0;
  const sqlite = ctx.store.sqlite !== undefined;
  // The store's size before this import, as its highest seq (an upper bound: deleted objects keep theirs): batches grow with the store.
  const heldBefore = sqlite ? Number((await db.selectFrom('intel_objects').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst())?.m ?? 0) : 0;
  let limit = batchSize(sqlite, heldBefore);
  const origin = opts.origin ?? 'local';
  const from = opts.source ?? `import:${id}`;
  const refuse = (r: Refusal, object?: unknown) => {
    opts.onRefused?.(r, object);
    s.refused++;
    if (s.refusals.length < KEPT_REFUSALS) s.refusals.push(r);
  };
  const store = async (rows: PreparedObject[], progress: { bytes: number; objects: number; refused: number; refusals: string }) => {
    const now = new Date();
    const out = await db.transaction().execute(async (trx) => {
      const o = await storeObjects(trx, rows, origin, from, now, ctx.store.sqlite);
      await trx
        .updateTable('intel_imports')
        .set({ bytes_read: progress.bytes, objects_read: progress.objects, stored: s.stored + o.stored, duplicates: s.duplicates + o.duplicates, refused: progress.refused, refusals: progress.refusals })
        .where('id', '=', id)
        .execute();
      return o;
    });
    s.stored += out.stored;
    s.duplicates += out.duplicates;
    limit = batchSize(sqlite, heldBefore + s.stored);
    opts.onProgress?.({ bytes: progress.bytes, objects: progress.objects });
  };
  // One batch is stored while the next is read and validated (on PostgreSQL the two run on
  // different processes); batches still commit one after the other, in order.
  let storing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await storing;
    const rows = batch;
    batch = [];
    batchBytes = 0;
    storing = store(rows, { bytes, objects: s.objects_read, refused: s.refused, refusals: JSON.stringify(s.refusals) });
    // Seen when awaited; never an unhandled rejection meanwhile.
    storing.catch(() => undefined);
  };
  /** The import's row says how it ended, and the audit log that it ran. */
  const finish = () =>
    db.transaction().execute(async (trx) => {
      await trx
        .updateTable('intel_imports')
        .set({ state: s.state, finished_at: new Date().toISOString(), bytes_read: bytes, objects_read: s.objects_read, stored: s.stored, duplicates: s.duplicates, refused: s.refused, refusals: JSON.stringify(s.refusals), error: s.error })
        .where('id', '=', id)
        .execute();
      await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'intel.import', target: `intel_import:${id}`, details: { state: s.state, stored: s.stored, duplicates: s.duplicates, refused: s.refused } });
    });
  /** The bytes stopped coming or could not be read (a request cut off, the worker thread lost): what was read is stored, and the import says it failed instead of running for ever. */
  const markFailed = async (e: unknown) => {
    try {
      await flush();
      await storing;
    } catch {
      // The database failed too: the batches stored before stay, the rest is not stored.
    }
    s.state = 'failed';
    s.error = `the import stopped: ${e instanceof Error ? e.message : String(e)}`.slice(0, 1000);
    await finish().catch(() => undefined);
  };
  const header: BundleHeader = {};
  const worker = opts.worker !== undefined ? opts.worker : opts.bytesTotal === undefined || opts.bytesTotal >= WORKER_FROM_BYTES ? DEFAULT_WORKER : null;
  try {
    for await (const g of preparedGroups(source, header, worker, opts.ownChunks === true)) {
      s.objects_read = g.objectsRead;
      bytes = g.bytes;
      for (const r of g.refused) refuse(r.refusal, r.object);
      for (let i = 0; i < g.accepted.length; i++) {
        const prepared = g.accepted[i]!;
        opts.onAccepted?.(prepared, g.indexes[i]!);
        batch.push(prepared);
        batchBytes += prepared.json.length;
        if (batch.length >= limit || batchBytes >= BATCH_BYTES) await flush();
      }
    }
    if (header.type !== undefined && header.type !== 'bundle') throw new BundleFormatError(`a STIX bundle has type "bundle", not ${JSON.stringify(header.type)}`, bytes);
  } catch (e) {
    if (!(e instanceof BundleFormatError)) {
      await markFailed(e);
      throw e;
    }
    s.state = 'failed';
    s.error = e.message;
  }
  await flush();
  await storing;
  // PostgreSQL plans from statistics that autovacuum gathers only later: after a bulk load it
  // would read a whole page by a bitmap scan and a sort (seconds at a million objects) where an
  // index scan takes a fraction of a millisecond. SQLite plans from its indexes alone.
  if (ctx.store.dialect === 'postgres' && s.stored >= ANALYZE_AFTER) await sql`ANALYZE intel_objects`.execute(db);
  await finish();
  // New objects may belong to releases: they leave now rather than at the job's next period.
  if (s.stored > 0) ctx.jobs.runSoon(RELEASES_JOB);
  return s;
}
