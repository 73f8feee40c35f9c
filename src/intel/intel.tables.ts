import type { ColumnType, Selectable } from 'kysely';
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

/** What a release sends: every criterion given must hold. */
export interface ReleaseFilter {
  /** STIX types. */
  types?: string[];
  /** STIX ids (every version of each). */
  ids?: string[];
  /** Only objects created or imported here after the release was made. */
  new_local?: boolean;
}

/** A release: what goes to whom. Objects are sent in store order, every version and revocation. */
export interface IntelReleasesTable {
  id: string;
  title: string;
  /** `peer`: one peer, named (TLP:RED may go). `group`: the members of a group, at each run. */
  audience_kind: 'peer' | 'group';
  /** The peer's node id or the group's id. */
  audience_id: string;
  /** ReleaseFilter, JSON. */
  filter: string;
  /** Objects after this store seq are considered (the store's end when made, for new_local; else 0). */
  from_seq: Seq;
  state: 'active' | 'stopped';
  created_by: string;
  created_at: string;
  stopped_by: string | null;
  stopped_at: string | null;
}

/** A release's progress to one peer: the store seq considered so far and the next message number. */
export interface IntelReleasePeersTable {
  release_id: string;
  peer_id: string;
  cursor: Seq;
  /** The number of the next message of this release to this peer (1, 2, …: no gaps). */
  next_rseq: number;
  sent: number;
  /** Objects the filter chose that the release policy kept from this peer. */
  withheld: number;
  updated_at: string;
}

/** A peer's release as this node received it: the next message number it applies, and counts. */
export interface IntelReceivedReleasesTable {
  from_node: string;
  release_id: string;
  title: string;
  audience_kind: 'peer' | 'group';
  next_rseq: number;
  objects: number;
  stored: number;
  /** Objects refused: their marking says they should not have reached this node, or they are not valid STIX. */
  refused: number;
  first_at: string;
  last_at: string;
}

/** A message of a peer's release that came before an earlier one: held until the gap is filled. */
export interface IntelHeldMessagesTable {
  from_node: string;
  release_id: string;
  rseq: number;
  body: string;
  received_at: string;
}

/** One object's outcome in a TAXII status resource. */
export interface TaxiiStatusDetail {
  id: string;
  version: string;
  message?: string;
}

/**
 * A TAXII 2.1 status resource: the outcome of one add of objects to a collection (POST objects).
 * `pending` while the envelope is being read and stored; `complete` after. Kept so that a
 * client may ask after a restart.
 */
export interface IntelTaxiiStatusTable {
  id: string;
  collection_id: string;
  /** The actor's ref: `user:…`. */
  requested_by: string;
  request_timestamp: string;
  status: 'pending' | 'complete';
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  /** TaxiiStatusDetail[], JSON. */
  successes: string;
  /** TaxiiStatusDetail[] with the reason as message, JSON. */
  failures: string;
  /** The import that stored the objects (its progress and refusals). */
  import_id: string | null;
}

/**
 * A remote TAXII 2.1 collection this node follows (feeds/). The cursor: `added_after` is where
 * the next walk of the collection starts (the last completed walk's newest date_added); while a
 * walk runs, `run_added_after` is its start, `next` the server's token for the page after the
 * last one stored, and `run_added_last` the newest date_added stored in it. Each page is stored
 * in the transaction that moves them, so a failure resumes at the page that failed.
 */
export interface IntelFeedsTable {
  id: string;
  title: string;
  /** The API root's URL, ending in `/`. */
  api_root: string;
  collection_id: string;
  auth_kind: 'none' | 'token' | 'basic';
  /** HTTP Basic user name. */
  username: string | null;
  /** The API token or Basic password, sealed with the node's secrets key (never returned). */
  secret: string | null;
  /** A TLP 2.0 marking-definition id: put on what arrives without a TLP marking. */
  default_marking: string;
  interval_minutes: number;
  page_size: number;
  enabled: number;
  added_after: string | null;
  next: string | null;
  run_added_after: string | null;
  run_added_last: string | null;
  last_run_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  /** When the job runs it next. */
  due_at: string;
  /** A run holds the feed until then (one run at a time, whichever process). */
  lease_until: string | null;
  pages: number;
  objects_received: number;
  stored: number;
  duplicates: number;
  refused: number;
  /** Objects that arrived without a TLP marking and got the default one. */
  marked: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export type ReleaseRow = Selectable<IntelReleasesTable>;
export type ReleasePeerRow = Selectable<IntelReleasePeersTable>;
export type FeedRow = Selectable<IntelFeedsTable>;

declare module '../store/schema.js' {
  interface Database {
    intel_objects: IntelObjectsTable;
    intel_imports: IntelImportsTable;
    intel_releases: IntelReleasesTable;
    intel_release_peers: IntelReleasePeersTable;
    intel_received_releases: IntelReceivedReleasesTable;
    intel_held_messages: IntelHeldMessagesTable;
    intel_taxii_status: IntelTaxiiStatusTable;
    intel_feeds: IntelFeedsTable;
  }
}
