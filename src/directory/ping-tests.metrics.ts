import { Gauge, type Registry } from 'prom-client';
import type { NodeContext } from '../context.js';
import { PingDirection, PingStatus } from './ping-tests.tables.js';

/**
 * `accord_ping_tests{direction,status}`: ping tests on record by side and outcome, counted at
 * each scrape (GROUP BY over the index on status and direction), so every process of the node
 * reports the same and a restart loses nothing. Every combination is reported, 0 included.
 */
export function registerPingTestMetrics(registry: Registry, ctx: NodeContext): void {
  new Gauge({
    name: 'accord_ping_tests',
    help: 'Ping tests on record, by direction (outgoing, incoming) and status (pending, answered, unanswered)',
    labelNames: ['direction', 'status'] as const,
    registers: [registry],
    async collect() {
      const rows = await ctx.store.db
        .selectFrom('ping_tests')
        .select(['direction', 'status', (eb) => eb.fn.countAll<string | number>().as('n')])
        .groupBy(['status', 'direction'])
        .execute();
      this.reset();
      for (const direction of Object.values(PingDirection)) {
        for (const status of Object.values(PingStatus)) {
          this.set({ direction, status }, Number(rows.find((r) => r.direction === direction && r.status === status)?.n ?? 0));
        }
      }
    },
  });
}
