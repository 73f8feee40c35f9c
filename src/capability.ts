import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Migration } from 'kysely';
import type { Role } from './auth/roles.js';
import type { NodeContext } from './context.js';
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
 * PostgreSQL never run it twice at once.
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
