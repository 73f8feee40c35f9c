import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../audit/audit.repository.js';
import type { NodeContext } from '../../context.js';
import type { Audience, PolicyOptions } from '../policy/release.policy.js';
import { exportExtent, exportPages, type ExportFilter } from './objects.query.js';

export interface BundleExport {
  /** How many objects the bundle holds (as audited). */
  count: number;
  /** The bundle's JSON text, piece by piece: one page of objects in memory at a time. */
  text: AsyncGenerator<string>;
}

/**
 * Exports what `audience` may see under the release policy, by `filters`, as a STIX 2.1 bundle.
 * The store is read as it is when the export begins (objects stored meanwhile wait for the next
 * one), and the export is audited (`intel.export`, its count and filters) before a byte is sent.
 */
export async function exportBundle(ctx: NodeContext, actor: { ref: string; ip?: string | null }, audience: Audience, policy: PolicyOptions, filters: Omit<ExportFilter, 'upTo'>): Promise<BundleExport> {
  const db = ctx.store.db;
  const { upTo, count } = await exportExtent(db, audience, policy, filters);
  await db.transaction().execute((trx) => appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip ?? null, action: 'intel.export', target: 'intel_objects', details: { count, filters } }));
  const bundleId = `bundle--${randomUUID()}`;
  async function* text(): AsyncGenerator<string> {
    yield `{"type":"bundle","id":"${bundleId}","objects":[`;
    let first = true;
    for await (const page of exportPages(db, audience, policy, { ...filters, upTo })) {
      const objects = page.map((r) => JSON.stringify(r.object)).join(',');
      yield first ? objects : `,${objects}`;
      first = false;
    }
    yield ']}\n';
  }
  return { count, text: text() };
}
