import { createHash, randomUUID } from 'node:crypto';
import { appendAudit } from '../../audit/audit.repository.js';
import type { NodeContext } from '../../context.js';
import markingsJson from '../policy/markings.json' with { type: 'json' };
import type { Audience, PolicyOptions } from '../policy/release.policy.js';
import { exportExtent, exportPages, latestVisible, type ExportFilter } from './objects.query.js';

/** The TLP 2.0 extension definition (OASIS cti-stix-common-objects, see policy/markings.json). */
const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
const TLP_NAMES: Record<string, string> = { clear: 'TLP:CLEAR', green: 'TLP:GREEN', amber: 'TLP:AMBER', 'amber+strict': 'TLP:AMBER+STRICT', red: 'TLP:RED' };

/**
 * The published TLP marking definitions, as FIRST and OASIS define them: TLP 1.0 in the STIX
 * 2.1 specification (§7.2.1.4: created 2017-01-20, definition_type `tlp`; CLEAR is its WHITE),
 * TLP 2.0 as the OASIS property extension's objects (created 2022-10-01, `tlp_2_0`).
 */
const TLP_DEFINITIONS = new Map<string, Record<string, unknown>>([
  ...Object.entries(markingsJson.tlp.stix_1_0.ids).map(([id, level]): [string, Record<string, unknown>] => {
    const v1 = level === 'clear' ? 'white' : level;
    return [id, { type: 'marking-definition', spec_version: '2.1', id, created: '2017-01-20T00:00:00.000Z', definition_type: 'tlp', name: `TLP:${v1.toUpperCase()}`, definition: { tlp: v1 } }];
  }),
  ...Object.entries(markingsJson.tlp.stix_2_0.ids).map(([id, level]): [string, Record<string, unknown>] => [
    id,
    { type: 'marking-definition', spec_version: '2.1', id, created: '2022-10-01T00:00:00.000Z', name: TLP_NAMES[level], extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: level } } },
  ]),
]);

/** The marking-definition ids an object references, on the whole of it or on parts. */
function markingRefs(o: Record<string, unknown>, into: Set<string>): void {
  if (Array.isArray(o.object_marking_refs)) for (const r of o.object_marking_refs) if (typeof r === 'string') into.add(r);
  if (Array.isArray(o.granular_markings)) for (const g of o.granular_markings) { const r = (g as { marking_ref?: unknown } | null)?.marking_ref; if (typeof r === 'string') into.add(r); }
}

export interface BundleExport {
  /** How many objects the bundle holds (as audited). */
  count: number;
  /** The bundle's JSON text, piece by piece: one page of objects in memory at a time. */
  text: AsyncGenerator<string>;
}

/**
 * An export's filters as the audit log keeps them: the search words as a SHA-256 only, since
 * a holder of intel:red may search for a RED object's own words and auditors read the log.
 */
export function auditedFilters(f: Omit<ExportFilter, 'upTo'>): Record<string, unknown> {
  const { q, ...rest } = f;
  return q === undefined ? rest : { ...rest, q_sha256: createHash('sha256').update(q, 'utf8').digest('hex') };
}

/**
 * Exports what `audience` may see under the release policy, by `filters`, as a STIX 2.1 bundle.
 * The store is read as it is when the export begins (objects stored meanwhile wait for the next
 * one), and the export is audited (`intel.export`, its count and filters) before a byte is sent.
 * The marking definitions the objects reference close the bundle (not counted): the published
 * TLP ones, and others the store holds that the reader may see.
 */
export async function exportBundle(ctx: NodeContext, actor: { ref: string; ip?: string | null }, audience: Audience, policy: PolicyOptions, filters: Omit<ExportFilter, 'upTo'>): Promise<BundleExport> {
  const db = ctx.store.db;
  const { upTo, count } = await exportExtent(db, audience, policy, filters);
  await db.transaction().execute((trx) => appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip ?? null, action: 'intel.export', target: 'intel_objects', details: { count, filters: auditedFilters(filters) } }));
  const bundleId = `bundle--${randomUUID()}`;
  async function* text(): AsyncGenerator<string> {
    yield `{"type":"bundle","id":"${bundleId}","objects":[`;
    let first = true;
    const emitted = new Set<string>();
    const referenced = new Set<string>();
    for await (const page of exportPages(db, audience, policy, { ...filters, upTo })) {
      for (const r of page) {
        emitted.add(r.id);
        markingRefs(r.object, referenced);
      }
      const objects = page.map((r) => JSON.stringify(r.object)).join(',');
      yield first ? objects : `,${objects}`;
      first = false;
    }
    // The marking definitions the objects reference and the bundle does not hold yet: the
    // published TLP ones, and others this store holds that the reader may see.
    const missing = [...referenced].filter((id) => !emitted.has(id)).sort();
    const held = new Map((await latestVisible(db, audience, policy, missing.filter((id) => !TLP_DEFINITIONS.has(id)))).map((r) => [r.id, r.object]));
    const definitions = missing.map((id) => TLP_DEFINITIONS.get(id) ?? held.get(id)).filter((d) => d !== undefined);
    if (definitions.length) {
      const text = definitions.map((d) => JSON.stringify(d)).join(',');
      yield first ? text : `,${text}`;
    }
    yield ']}\n';
  }
  return { count, text: text() };
}
