import type { FastifyInstance } from 'fastify';
import type { Settings } from './config/settings.js';
import type { NodeContext } from './context.js';
import { remindToReconfirm } from './directory/directory-reminder.js';
import { runDuePingSchedules } from './directory/ping-schedules.service.js';
import { sweepPingTests } from './directory/ping-tests.service.js';
import { DeliveryWorker } from './federation/delivery.worker.js';
import { buildApp } from './http/app.js';
import { NotificationWorker } from './notifications/notifications.worker.js';
import { createNodeRegistry } from './node/compose.js';
import { openNode } from './node/open-node.js';

export interface RunningNode {
  app: FastifyInstance;
  ctx: NodeContext;
  url: string;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;

/** Opens the node, listens, and stops cleanly on SIGINT/SIGTERM. */
export async function startServer(settings: Settings, opts: { handleSignals?: boolean } = {}): Promise<RunningNode> {
  const ctx = await openNode(settings);
  // onQueued runs only once requests are served, after `worker` exists.
  const registry = createNodeRegistry(ctx);
  const app = await buildApp(ctx, { registry, onQueued: () => worker.kick() });
  const worker = new DeliveryWorker(ctx, app.log, (type) => registry.get(type)?.def.ordered === true);
  await app.listen({ host: settings.host, port: settings.port });
  worker.start();
  const notifier = new NotificationWorker(ctx, app.log);
  notifier.start();
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : settings.port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = settings.publicUrl ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  // Links in e-mails (ping tests) point here unless ACCORD_PUBLIC_URL says otherwise.
  settings.publicUrl = url;
  const sweeper = setInterval(() => {
    // Due schedules start their tests, then the sweep escalates and closes; one failing does not stop the other.
    void runDuePingSchedules(ctx)
      .catch((err: unknown) => app.log.error({ err }, 'scheduled ping tests failed'))
      .then(() => sweepPingTests(ctx))
      .catch((err: unknown) => app.log.error({ err }, 'ping test sweep failed'));
    void remindToReconfirm(ctx).catch((err: unknown) => app.log.error({ err }, 'directory reminder failed'));
  }, 5_000);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    clearInterval(sweeper);
    // A pass stuck on a slow peer or mail server must not hold the shutdown: delivery and
    // notifications are durable and at-least-once, so an abandoned attempt is simply retried.
    await Promise.all([worker.stop(), notifier.stop()].map((p) => Promise.race([p, new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())])));
    await app.close();
    await ctx.store.close();
  })());
  if (opts.handleSignals) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        app.log.info({ signal: sig }, 'shutting down');
        void stop().then(() => process.exit(0));
      });
    }
  }
  return { app, ctx, url, stop };
}
