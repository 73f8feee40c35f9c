import { Gauge, type Registry } from 'prom-client';
import type { NodeContext } from '../context.js';

/**
 * `accord_cases{direction,status}`: cases on record by side and status, and
 * `accord_cases_overdue{direction}`: open cases past a deadline. Counted at each scrape from
 * the list's table, so every process of the node reports the same.
 */
export function registerCaseMetrics(registry: Registry, ctx: NodeContext): void {
  new Gauge({
    name: 'accord_cases',
    help: 'Cooperation requests on record, by direction (outgoing, incoming) and status',
    labelNames: ['direction', 'status'] as const,
    registers: [registry],
    async collect() {
      const rows = await ctx.store.db
        .selectFrom('cases')
        .select(['direction', 'status', (eb) => eb.fn.countAll<string | number>().as('n')])
        .groupBy(['direction', 'status'])
        .execute();
      this.reset();
      for (const r of rows) this.set({ direction: r.direction, status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: 'accord_cases_overdue',
    help: 'Open cooperation requests past a deadline (acknowledgement, execution target or preservation), by direction',
    labelNames: ['direction'] as const,
    registers: [registry],
    async collect() {
      const rows = await ctx.store.db
        .selectFrom('cases')
        .select(['direction', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('next_due', '<', new Date().toISOString())
        .where('status', 'not in', ['refused', 'withdrawn', 'closed'])
        .groupBy('direction')
        .execute();
      this.reset();
      for (const direction of ['outgoing', 'incoming']) this.set({ direction }, Number(rows.find((r) => r.direction === direction)?.n ?? 0));
    },
  });
}
