import type { FastifyInstance } from 'fastify';
import type { Settings } from '../config/settings.js';
import type { NodeContext } from '../context.js';
import { DeliveryWorker } from '../federation/delivery.worker.js';
import { NotificationWorker } from '../notifications/notifications.worker.js';
import type { Assembly } from './assembly.js';
import { buildApp } from './build-app.js';
import { settleWithin } from '../util/settle-within.js';
import { startCheckpointer } from '../store/sqlite-checkpointer.js';
import { JobRunner } from './job-runner.js';
import { openNode } from './open-node.js';
import { standardAssembly } from './standard.js';

export interface RunningNode {
  app: FastifyInstance;
  ctx: NodeContext;
  url: string;
  jobs: JobRunner;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;

/** Opens the node, listens, runs its workers and jobs, and stops cleanly on SIGINT/SIGTERM. */
export async function startServer(settings: Settings, opts: { handleSignals?: boolean; assembly?: Assembly } = {}): Promise<RunningNode> {
  const assembly = opts.assembly ?? standardAssembly();
  const ctx = await openNode(settings, assembly);
  // SQLite: the WAL is checkpointed on a thread of its own, not inside the main thread's commits.
  const checkpointer = ctx.store.sqlite && settings.db !== ':memory:' ? startCheckpointer(ctx.store.sqlite, settings.db) : null;
  // onQueued runs only once requests are served, after `worker` exists.
  const registry = assembly.createRegistry();
  const app = await buildApp(ctx, { assembly, registry, onQueued: () => worker.kick() });
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
  const jobs = new JobRunner(ctx, assembly.jobs, app.log, { metrics: app.metricsRegistry });
  await jobs.start();
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    // A pass stuck on a slow peer or mail server must not hold the shutdown: delivery and
    // notifications are durable and at-least-once, so an abandoned attempt is simply retried.
    await settleWithin([worker.stop(), notifier.stop(), jobs.stop()], STOP_GRACE_MS);
    await app.close();
    await checkpointer?.stop();
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
  return { app, ctx, url, jobs, stop };
}
