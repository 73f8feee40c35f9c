import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import type { NodeContext } from '../context.js';
import type { NodeEvent } from '../util/event-bus.js';

/**
 * Several `accord serve` processes on one PostgreSQL each have their own event bus: an event
 * published in one (a message received, a ping test confirmed) must reach the streams open on
 * the others. Each process keeps one connection that LISTENs on the node's channel (named
 * after its schema, so nodes sharing a database do not hear each other) and NOTIFYs what it
 * publishes; it ignores its own notifications. Events carry no data, so a notification lost
 * while the connection is down costs only a late reload (the web app reloads on reconnect).
 */
export function channelOf(schema: string | undefined): string {
  return `accord_events_${schema ?? 'public'}`.slice(0, 63);
}

const RECONNECT_MS = 2000;
// After a notification, the next of the same kind waits this long and goes once for all that
// came meanwhile: a busy node (a request per millisecond, each announcing `desk.changed`)
// then costs the database a notification a few times a second, not one per request.
const NOTIFY_GAP_MS = 100;

export interface PgEventsBridge {
  /** Resolves once the process listens (or gave up for now and will retry). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function pgEventsBridge(ctx: NodeContext, log: FastifyBaseLogger): PgEventsBridge {
  const origin = randomUUID();
  const channel = channelOf(ctx.settings.dbSchema);
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let removeRelay: (() => void) | null = null;

  const onNotification = (m: pg.Notification) => {
    if (m.channel !== channel || !m.payload) return;
    try {
      const { origin: from, type, source } = JSON.parse(m.payload) as { origin: string } & NodeEvent;
      if (from !== origin && type === 'desk.changed') ctx.events.deliver({ type, source: `${source} (another process)` });
    } catch {
      // Not ours: another program on the channel.
    }
  };

  // Notifications go one after another on the listening connection itself (one connection per
  // process, no pool taken): a client given a query while it runs another queues it, which pg
  // deprecates ("Calling client.query() when the client is already executing a query").
  const waiting = new Map<string, NodeEvent>();
  let flushing = false;
  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while (waiting.size && !stopped) {
        const round = [...waiting.values()];
        waiting.clear();
        for (const e of round) {
          const c = client;
          if (!c) {
            waiting.clear();
            return;
          }
          await c.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ origin, type: e.type, source: e.source })]).catch((err: Error) => log.warn({ err }, 'live events between processes: notify failed'));
        }
        await new Promise<void>((r) => setTimeout(r, NOTIFY_GAP_MS).unref());
      }
    } finally {
      flushing = false;
    }
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const { default: Pg } = await import('pg');
    if (stopped) return;
    const c = new Pg.Client({ connectionString: ctx.settings.db });
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = null;
      if (err) log.warn({ err }, 'live events between processes: the connection was lost; reconnecting');
      void c.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect(), RECONNECT_MS);
    };
    c.on('notification', onNotification);
    c.on('error', lost);
    c.on('end', () => lost());
    try {
      await c.connect();
      await c.query(`LISTEN "${channel}"`);
      client = c;
    } catch (err) {
      log.warn({ err }, 'live events between processes: cannot listen; retrying');
      void c.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect(), RECONNECT_MS);
    }
  }

  return {
    async start() {
      removeRelay = ctx.events.addRelay((e) => {
        if (!client) return;
        // Events carry no data: one waiting notification per type and source is enough.
        waiting.set(`${e.type} ${e.source}`, e);
        void flush();
      });
      await connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      removeRelay?.();
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
