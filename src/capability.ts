import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Migration } from 'kysely';
import type { Role } from './auth/roles.js';
import type { NodeContext } from './context.js';
import type { SealedColumn } from './crypto/secret-box.js';
import type { MessageType, MessageTypeRegistry } from './federation/protocol/message-types.js';

/**
 * The capability contract (docs/architecture.md). A capability is one folder whose
 * `index.ts` exports one descriptor; `src/app/capabilities.ts` lists them, and the node's
 * HTTP app, message registry, migrator, permission table, notification kinds and job runner
 * are built by walking that list. Nothing central names a capability's routes or tables.
 */
export interface Capability {
  /** The folder's name: `directory`, `groups`, … */
  name: string;
  /** Permissions it introduces and the roles that hold each (routes name them in `config.access`). */
  permissions?: Record<string, readonly Role[]>;
  /** Events of this capability that notify people, with the channel a user gets before choosing. */
  notificationKinds?: NotificationKindDef[];
  /** The tables it owns (their types augment `Database` in its `*.tables.ts`); no one else touches them. */
  tables?: string[];
  /** Columns of its tables holding secrets sealed with the node's secrets key (crypto/secret-box.ts). */
  sealedColumns?: SealedColumn[];
  /** Its migrations by name; names are timestamps, applied in name order across all capabilities. */
  migrations?: Record<string, Migration>;
  /** Message types it sends and receives over federation. */
  messages?: MessageType[];
  /** Registers its HTTP routes; each route's TypeBox schemas type its handler's request. */
  routes?(app: TypedApp, ctx: NodeContext, deps: RouteDeps): void;
  /** Periodic and deadline work, run by the node's one job runner. */
  jobs?: JobDef[];
  /** A rule of the outbox's release gate: may this body go to this peer? Every one must agree. */
  release?: ReleaseRule;
  /** Its pages in the web app (client-side paths), served with the app's index page. */
  webPages?: string[];
  /** What it puts on the duty desk: items waiting for the officer, and the desk's status panels. */
  desk?: DeskContribution;
}

export const DeskSeverity = { info: 'info', attention: 'attention', urgent: 'urgent' } as const;
export type DeskSeverity = (typeof DeskSeverity)[keyof typeof DeskSeverity];

/**
 * One thing waiting for someone on this node. The web app shows it translated: its title is
 * the message `desk.kinds.<kind>` filled with `params`; no English text travels here.
 */
export interface DeskItem {
  /** `<capability>.<what>`, declared in the capability's `desk.kinds`: `directory.ping_test_to_confirm`. */
  kind: string;
  /** Unique within its kind: the test's, proposal's or notice's id. */
  id: string;
  /** Values for the translated title: node ids, names, counts. */
  params: Record<string, string | number>;
  /** Where the web app acts on it (a client-side path). */
  link: string;
  /** Since when it waits (ISO 8601). */
  since: string;
  /** Deadline, if any (ISO 8601). */
  due?: string;
  severity: DeskSeverity;
}

/** Who looks at the desk: items are chosen for the viewer's role (what they may act on). */
export interface DeskViewer {
  userId: string;
  role: Role;
}

/** A peer as the desk shows it: can we reach it, and what waits to go to it. */
export interface DeskPeer {
  node_id: string;
  status: string;
  reachable: boolean | null;
  last_contact_at: string | null;
  last_error_at: string | null;
  /** Messages waiting in the outbox for this peer. */
  outbox_depth: number;
  /** Since when the oldest of them waits (null when none). */
  oldest_pending_at: string | null;
}

/** This node's own directory entry as the desk shows it: when it was published and how long it holds. */
export interface DeskOwnEntry {
  published_at: string | null;
  valid_until: string | null;
  /** `missing` when never published; `expiring` and `stale` ask for a new publication soon. */
  freshness: 'missing' | 'valid' | 'expiring' | 'stale' | 'expired';
}

/**
 * A capability's part of the duty desk (GET /api/v1/desk, docs/architecture.md). `kinds` are
 * claimed like permissions: two capabilities declaring one kind stop the node at start-up.
 * `peers` and `ownEntry` are panels that one capability each provides (federation, directory).
 * Each function answers for one viewer, empty (or null) for roles that may not act or see.
 */
export interface DeskContribution {
  kinds: readonly string[];
  items?(ctx: NodeContext, viewer: DeskViewer): Promise<DeskItem[]>;
  peers?(ctx: NodeContext, viewer: DeskViewer): Promise<DeskPeer[] | null>;
  ownEntry?(ctx: NodeContext, viewer: DeskViewer): Promise<DeskOwnEntry | null>;
}

/** The node's HTTP app as routes see it: request body, query and params are typed by the route's TypeBox schemas. */
export type TypedApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export type ChannelDefault = 'email' | 'webhook' | 'both' | 'none';

export interface NotificationKindDef {
  kind: string;
  defaultChannel: ChannelDefault;
}

/** What routes may need beyond the node context. */
export interface RouteDeps {
  /** Every message type the node knows (federation routes receive with it). */
  registry: MessageTypeRegistry;
  /** Call when a route queued messages, so delivery starts at once. */
  onQueued(): void;
}

export interface JobContext {
  log: FastifyBaseLogger;
  /** When the runner started this run. */
  now: Date;
}

/**
 * A job: `run` is called about every `everyMs`, by exactly one process of the node (a claim
 * taken by compare-and-set in the `jobs` table), so several `accord serve` processes on one
 * PostgreSQL never run it twice at once. Work that arrives for a job can ask for a run at once
 * (`ctx.jobs.runSoon(name)`); `everyMs` is then only the safety net.
 */
export interface JobDef {
  /** `capability.name`, unique. */
  name: string;
  everyMs: number;
  run(ctx: NodeContext, job: JobContext): Promise<void>;
}

export interface ReleaseQuestion {
  peer: string;
  type: string;
  body: unknown;
}

/** `true` to let it go; otherwise why not (the whole send is refused, nothing is queued). */
export type ReleaseRule = (ctx: NodeContext, q: ReleaseQuestion) => true | string;
