import type { ColumnType } from 'kysely';
import type { Tlp } from './policy/markings.js';

/** A sequence number: PostgreSQL's bigint comes back as a string; read it with Number(). */
type Seq = ColumnType<number | string, number, number>;

/**
 * One version of one STIX object, as stored. `seq` orders the store: it is assigned under the
 * store's write lock, so a reader that has seen seq n has seen every object below n (TAXII
 * paging never misses one committed later with a smaller number). `date_added` never goes
 * back as seq grows.
 */
export interface IntelObjectsTable {
  seq: Seq;
  /** The STIX id: `indicator--…`. */
  id: string;
  /** The version: `modified`, else `created`, else '' (cyber observables are not versioned). */
  version: string;
  type: string;
  spec_version: string;
  /** 1 for the newest version of its id (the one lists show). */
  latest: number;
  revoked: number;
  /** The narrowest TLP the object carries; null when unmarked (the policy's `unmarkedAs` applies). */
  tlp: Tlp | null;
  /** `local`: created or imported here by a user. `received`: from a peer or a feed. */
  origin: 'local' | 'received';
  /** Who it came from: a peer's node id, a feed's id, or the import that brought it. */
  source: string;
  date_added: string;
  /** Free text to search: name, description, pattern, value. */
  search_text: string;
  /** The object as received, JSON. */
  object: string;
}

/** An import of a bundle: its progress while it runs, and its outcome. */
export interface IntelImportsTable {
  id: string;
  started_by: string;
  started_at: string;
  finished_at: string | null;
  /** `running`, `done`, or `failed` (the bundle as a whole was unreadable; what was stored before stays). */
  state: 'running' | 'done' | 'failed';
  bytes_read: Seq;
  /** Content-Length when known. */
  bytes_total: Seq | null;
  objects_read: number;
  stored: number;
  duplicates: number;
  refused: number;
  /** The first refused objects with their reasons, JSON: [{index, id, errors}]. */
  refusals: string;
  error: string | null;
}

declare module '../store/schema.js' {
  interface Database {
    intel_objects: IntelObjectsTable;
    intel_imports: IntelImportsTable;
  }
}
