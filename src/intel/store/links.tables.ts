/**
 * Indexes kept beside the STIX store (`store/`): who points at an object, and which objects
 * came under which peer's release. Both are written in the transaction that stores the
 * objects they name, and read joined to `intel_objects` on (id, version), so a row whose
 * version was deleted names nothing.
 */

/** An incoming link: the relationship (`target_ref`) or sighting (`sighting_of_ref`) version `object_id`@`version` points at `target_id`. */
export interface IntelLinksTable {
  target_id: string;
  object_id: string;
  version: string;
}

/**
 * An object version received in a peer's release (`from_node`, `release_id`), stored here or
 * already held. `group_id`: the group the release was addressed to, null for a release that
 * names this node.
 */
export interface IntelReceivedObjectsTable {
  from_node: string;
  release_id: string;
  group_id: string | null;
  object_id: string;
  version: string;
}

declare module '../../store/schema.js' {
  interface Database {
    intel_links: IntelLinksTable;
    intel_received_objects: IntelReceivedObjectsTable;
  }
}
