import type { Role } from './auth/roles.js';
import type { NotificationKindDef, ReleaseRule } from './capability.js';
import type { Settings } from './config/settings.js';
import type { NodeIdentity } from './node/identity.js';
import type { StoreHandle } from './store/db.js';

/** What every service needs, passed explicitly (no ambient state). */
export interface NodeContext {
  store: StoreHandle;
  settings: Settings;
  identity: NodeIdentity;
  /** What the node's capabilities declared, gathered once by the composition root. */
  catalog: NodeCatalog;
}

/** The parts of the capability descriptors that services consult at run time. */
export interface NodeCatalog {
  /** Permission → the roles that hold it. */
  permissions: ReadonlyMap<string, readonly Role[]>;
  /** Every notification kind, in declaration order. */
  notificationKinds: readonly NotificationKindDef[];
  /** The outbox's release gate: every rule must let a message go. */
  releaseRules: readonly ReleaseRule[];
}

/** Who acts: a user (through the web, the API or a token) or the local CLI operator. */
export interface Actor {
  /** `user:<id>`, `cli`, or `system`. */
  ref: string;
  ip?: string | null;
}
