import type { Settings } from './config/settings.js';
import type { NodeIdentity } from './node/identity.js';
import type { StoreHandle } from './store/db.js';

/** What every service needs, passed explicitly (no ambient state). */
export interface NodeContext {
  store: StoreHandle;
  settings: Settings;
  identity: NodeIdentity;
}

/** Who acts: a user (through the web, the API or a token) or the local CLI operator. */
export interface Actor {
  /** `user:<id>`, `cli`, or `system`. */
  ref: string;
  ip?: string | null;
}
