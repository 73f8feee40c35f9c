/** The directory: this node's own entry and the cached entries of its peers, one row per node. */
export interface DirectoryEntriesTable {
  node_id: string;
  version: number;
  country: string;
  /** Comma-wrapped kinds and roles for filtering: `,cert,law_enforcement_24_7,`. */
  kinds: string;
  /** Lower-cased names (every language) and contact names, for search. */
  search_text: string;
  entry: string;
  /** The signed envelope it came in (peers' entries): proof of who published what. */
  envelope: string | null;
  published_at: string;
  valid_until: string;
  received_at: string;
  is_own: number;
}

declare module '../store/schema.js' {
  interface Database {
    directory_entries: DirectoryEntriesTable;
  }
}
