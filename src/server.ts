import type { FastifyInstance } from 'fastify';
import type { Settings } from './config/settings.js';
import type { NodeContext } from './context.js';
import { buildApp } from './http/app.js';
import { openNode } from './node/open-node.js';

export interface RunningNode {
  app: FastifyInstance;
  ctx: NodeContext;
  url: string;
  stop(): Promise<void>;
}

/** Opens the node, listens, and stops cleanly on SIGINT/SIGTERM. */
export async function startServer(settings: Settings, opts: { handleSignals?: boolean } = {}): Promise<RunningNode> {
  const ctx = await openNode(settings);
  const app = await buildApp(ctx);
  await app.listen({ host: settings.host, port: settings.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : settings.port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = settings.publicUrl ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
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
