import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { NodeContext } from '../context.js';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's Prometheus registry: other parts of the node (the job runner) add their metrics to it. */
    metricsRegistry: Registry;
  }
}

// The registry of the app serving each node: workers and services that hold only the node
// context count into it (several nodes may run in one test process, each with its own).
const registries = new WeakMap<NodeContext, Registry>();

/**
 * A metric of the node's registry, made on first use; undefined when no app serves this node
 * (a CLI command), so counting is then a no-op.
 * @example nodeMetric(ctx, 'accord_x_total', (registers) => new Counter({ name: 'accord_x_total', help: '…', registers }))?.inc()
 */
export function nodeMetric<M>(ctx: NodeContext, name: string, make: (registers: Registry[]) => M): M | undefined {
  const registry = registries.get(ctx);
  if (!registry) return undefined;
  return (registry.getSingleMetric(name) as M | undefined) ?? make([registry]);
}

/**
 * A counter of each node's registry, declared once here and made on first use.
 * @example const sent = defineCounter('accord_x_total', 'X by peer', ['peer']); sent(ctx)?.inc({ peer })
 */
export function defineCounter<L extends string>(name: string, help: string, labelNames: readonly L[]): (ctx: NodeContext) => Counter<L> | undefined {
  return (ctx) => nodeMetric(ctx, name, (registers) => new Counter<L>({ name, help, labelNames, registers }));
}

const sentMessages = defineCounter('accord_federation_messages_sent_total', "Outgoing messages settled by the peer's receipt, by peer and result (delivered, rejected)", ['peer', 'result']);
const deliveryFailures = defineCounter('accord_federation_delivery_failures_total', 'Delivery attempts of a batch that got no receipt, by peer (retried with backoff)', ['peer']);
const receivedMessages = defineCounter('accord_federation_messages_received_total', 'Incoming messages by peer and result (accepted, duplicate, rejected)', ['peer', 'result']);
const waitedBatches = defineCounter('accord_federation_batches_waited_total', 'Incoming batches that waited for batches of their sender numbered lower, arriving here at the same time, before they were stored, by peer', ['peer']);
const refusals = defineCounter('accord_federation_refusals_total', 'Incoming batches and messages refused, by scope (batch, message) and reason', ['scope', 'reason']);

/** Messages a peer's receipt settled: `delivered` (accepted or duplicate) or `rejected` (refused one by one). */
export function countSent(ctx: NodeContext, peer: string, delivered: number, rejected: number): void {
  if (delivered > 0) sentMessages(ctx)?.inc({ peer, result: 'delivered' }, delivered);
  if (rejected > 0) sentMessages(ctx)?.inc({ peer, result: 'rejected' }, rejected);
}

/** A batch the peer did not answer with a receipt (unreachable, refused as a whole, HTTP error): it is retried. */
export function countDeliveryFailure(ctx: NodeContext, peer: string): void {
  deliveryFailures(ctx)?.inc({ peer });
}

/** An incoming batch waited for releases of its sender arriving at the same time (SenderArrivals). */
export function countWaitedBatch(ctx: NodeContext, peer: string): void {
  waitedBatches(ctx)?.inc({ peer });
}

/** Messages of a batch this node took from a peer, by result; rejected ones also by reason. */
export function countReceived(ctx: NodeContext, peer: string, items: readonly { status: string; reason?: string }[]): void {
  const byResult = new Map<string, number>();
  for (const i of items) {
    byResult.set(i.status, (byResult.get(i.status) ?? 0) + 1);
    if (i.status === 'rejected') countRefusal(ctx, 'message', i.reason ?? 'unknown');
  }
  for (const [result, n] of byResult) receivedMessages(ctx)?.inc({ peer, result }, n);
}

/**
 * A refusal by this node's inbox: a whole batch (no peer label: the sender may be a stranger)
 * or one message of a batch taken. `reason` is a protocol RejectReason, a closed list.
 */
export function countRefusal(ctx: NodeContext, scope: 'batch' | 'message', reason: string): void {
  refusals(ctx)?.inc({ scope, reason });
}

/** Prometheus metrics, one registry per app so that tests can run several nodes in a process. */
export function registerMetrics(app: FastifyInstance, ctx: NodeContext): Registry {
  const registry = new Registry();
  app.decorate('metricsRegistry', registry);
  registries.set(ctx, registry);
  collectDefaultMetrics({ register: registry, prefix: 'accord_' });
  const requests = new Counter({
    name: 'accord_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'accord_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  // A batch refused as a whole leaves the inbox as a problem (inbox.service.ts BatchRefusedError).
  app.addHook('onError', async (_req, _reply, err) => {
    if (err instanceof AppError && err.type === 'batch-refused' && typeof err.extra.reason === 'string') countRefusal(ctx, 'batch', err.extra.reason);
  });
  // The counters exist from the start, so that a scrape shows every family (with no series yet).
  for (const declare of [sentMessages, deliveryFailures, receivedMessages, refusals]) declare(ctx);
  registerOutboxGauges(registry, ctx);
  return registry;
}

/**
 * Per peer (not removed), read at each scrape: messages waiting in the outbox, the age of the
 * oldest, and whether the peer is reachable. Both outbox queries read the partial index of
 * pending messages per peer and release number (outbox_pending_seq_idx), which holds only
 * what waits: a count per peer (a few milliseconds for 100 000 waiting messages) and one
 * index row per peer for the oldest.
 */
function registerOutboxGauges(registry: Registry, ctx: NodeContext): void {
  const db = ctx.store.db;
  // Spelled as a literal, exactly as in the partial index, so that the planner uses it.
  const pending = sql<boolean>`outbox.state = ${sql.lit('pending')}`;
  let snapshot: Promise<{ peers: { node_id: string; reachable: boolean }[]; depth: Map<string, number>; oldest: Map<string, string> }> | null = null;
  // The three gauges read one snapshot per scrape.
  const read = () =>
    (snapshot ??= (async () => {
      try {
        const rows = await db.selectFrom('peers').select(['node_id', 'last_contact_at', 'last_error_at']).where('status', '!=', 'removed').orderBy('node_id').execute();
        const counts = await db.selectFrom('outbox').select(['peer_id', (eb) => eb.fn.countAll<string | number>().as('n')]).where(pending).groupBy('peer_id').execute();
        const depth = new Map(counts.map((c) => [c.peer_id, Number(c.n)]));
        const oldest = new Map<string, string>();
        for (const r of rows) {
          if (!depth.get(r.node_id)) continue;
          const first = await db.selectFrom('outbox').select('created_at').where('peer_id', '=', r.node_id).where(pending).orderBy('seq').limit(1).executeTakeFirst();
          if (first) oldest.set(r.node_id, first.created_at);
        }
        // Reachable: the last contact is newer than the last failure (the peers page's rule).
        const peers = rows.map((r) => ({ node_id: r.node_id, reachable: r.last_contact_at !== null && (r.last_error_at === null || r.last_contact_at > r.last_error_at) }));
        return { peers, depth, oldest };
      } finally {
        setImmediate(() => (snapshot = null));
      }
    })());
  new Gauge({
    name: 'accord_federation_outbox_messages',
    help: 'Messages waiting in the outbox, by peer',
    labelNames: ['peer'] as const,
    registers: [registry],
    async collect() {
      const s = await read();
      this.reset();
      for (const p of s.peers) this.set({ peer: p.node_id }, s.depth.get(p.node_id) ?? 0);
    },
  });
  new Gauge({
    name: 'accord_federation_outbox_oldest_age_seconds',
    help: 'Age of the oldest message waiting in the outbox, by peer (0 when none waits)',
    labelNames: ['peer'] as const,
    registers: [registry],
    async collect() {
      const s = await read();
      this.reset();
      const now = Date.now();
      for (const p of s.peers) {
        const at = s.oldest.get(p.node_id);
        this.set({ peer: p.node_id }, at ? Math.max(0, (now - Date.parse(at)) / 1000) : 0);
      }
    },
  });
  new Gauge({
    name: 'accord_federation_peer_reachable',
    help: 'Whether the peer answered since its last failure (1) or not, or never contacted (0)',
    labelNames: ['peer'] as const,
    registers: [registry],
    async collect() {
      const s = await read();
      this.reset();
      for (const p of s.peers) this.set({ peer: p.node_id }, p.reachable ? 1 : 0);
    },
  });
}
