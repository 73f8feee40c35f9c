import type { NodeContext } from '../context.js';
import { listGroups } from '../groups/groups.service.js';
import { PING_EXPORT_FIELDS, pingHistory, pingTestsToCsv, type HistoryBucket, type HistorySeries, type PingExportRow } from './ping-tests.rules.js';

/** Response rate and times of outgoing tests per node and per group, month by month or quarter by quarter. */
export async function pingTestHistory(ctx: NodeContext, bucket: HistoryBucket): Promise<{ bucket: HistoryBucket; series: HistorySeries[] }> {
  const rows = await ctx.store.db.selectFrom('ping_tests').select(['peer_node', 'status', 'response_ms', 'started_at']).where('direction', '=', 'outgoing').execute();
  const groups = (await listGroups(ctx)).map((g) => ({ id: g.id, members: g.members }));
  return { bucket, series: pingHistory(rows.map((r) => ({ ...r, response_ms: r.response_ms === null ? null : Number(r.response_ms) })), groups, bucket) };
}

/** Every ping test, both directions, oldest first, as CSV or JSON (without the link secrets). */
export async function exportPingTests(ctx: NodeContext, format: 'csv' | 'json'): Promise<string> {
  const rows = await ctx.store.db.selectFrom('ping_tests').select([...PING_EXPORT_FIELDS]).orderBy('started_at').orderBy('id').execute();
  const out: PingExportRow[] = rows.map((r) => ({ ...r, window_minutes: Number(r.window_minutes), escalation_level: Number(r.escalation_level), response_ms: r.response_ms === null ? null : Number(r.response_ms) }));
  return format === 'csv' ? pingTestsToCsv(out) : JSON.stringify(out, null, 2);
}
