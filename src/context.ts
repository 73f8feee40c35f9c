import type { Role } from './auth/roles.js';
import type { DeskContribution, NotificationKindDef, ReleaseRule } from './capability.js';
import type { Settings } from './config/settings.js';
import type { SecretBox } from './crypto/secret-box.js';
import type { NodeIdentity } from './node/identity.js';
import type { StoreHandle } from './store/db.js';
import type { EventBus } from './util/event-bus.js';
import type { JobRequests } from './util/job-requests.js';

/** What every service needs, passed explicitly (no ambient state). */
export interface NodeContext {
  store: StoreHandle;
  settings: Settings;
  identity: NodeIdentity;
  /** What the node's capabilities declared, gathered once by the composition root. */
  catalog: NodeCatalog;
  /** Seals and opens stored secrets (TOTP, webhook secrets) with the node's secrets key. */
  secrets: SecretBox;
  /** Changes that open pages should see at once (the web app's live updates, GET /api/v1/events). */
  events: EventBus;
  /** Asks the job runner to run a job now, when work for it arrives (util/job-requests.ts). */
  jobs: JobRequests;
}

/** The parts of the capability descriptors that services consult at run time. */
export interface NodeCatalog {
  /** Permission → the roles that hold it. */
  permissions: ReadonlyMap<string, readonly Role[]>;
  /** Every notification kind, in declaration order. */
  notificationKinds: readonly NotificationKindDef[];
  /** The outbox's release gate: every rule must let a message go. */
  releaseRules: readonly ReleaseRule[];
  /** What each capability puts on the duty desk, in list order. */
  desk: readonly (DeskContribution & { capability: string })[];
}

/** Who acts: a user (through the web, the API or a token) or the local CLI operator. */
export interface Actor {
  /** `user:<id>`, `cli`, or `system`. */
  ref: string;
  ip?: string | null;
}
