import type { Actor, NodeContext } from '../../context.js';
import type { DbOrTrx } from '../../store/db.js';
import { newId } from '../../util/ids.js';
import type { IntelTaxiiStatusTable, TaxiiStatusDetail } from '../intel.tables.js';
import { tlpOfObject } from '../policy/markings.js';
import { mayReach, type Audience } from '../policy/release.policy.js';
import { importBundle, type ImportSummary } from '../store/import.service.js';
import { versionOf } from '../store/prepare.js';

/**
 * TAXII 2.1 adds (POST objects): the envelope's objects go through the import (the same
 * streamed reader, validation and store), and the outcome is kept as a status resource: each
 * object stored (or already held) a success with its id and version, each refused one a
 * failure with the reason. The row is written `pending` before the envelope is read and
 * `complete` after, so a status survives a restart and an add cut short stays visible.
 */
export interface TaxiiStatus {
  id: string;
  status: 'pending' | 'complete';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  successes: TaxiiStatusDetail[];
  failure_count: number;
  failures: TaxiiStatusDetail[];
  pending_count: number;
  pendings: TaxiiStatusDetail[];
}

/** TAXII timestamps: RFC 3339 with microseconds. */
export function taxiiTime(iso: string): string {
  return iso.replace(/\.(\d{3})Z$/, '.$1000Z');
}

const MAX_MESSAGE = 500;
/** Successes, and failures, named in a status at most (all are counted). */
export const MAX_STATUS_DETAILS = 1000;
/** Who reads a status: a TAXII client, whoever its user is (the policy's TAXII clients' column). */
const STATUS_READER: Audience = { kind: 'client' };

/** What an add did, and the import that stored it. */
export interface TaxiiAddOutcome {
  status: TaxiiStatus;
  summary: ImportSummary;
}

export async function addObjects(ctx: NodeContext, actor: Actor, collectionId: string, body: AsyncIterable<Uint8Array>, bytesTotal: number | undefined): Promise<TaxiiAddOutcome> {
  const db = ctx.store.db;
  const id = newId();
  const requested = new Date().toISOString();
  await db
    .insertInto('intel_taxii_status')
    .values({ id, collection_id: collectionId, requested_by: actor.ref, request_timestamp: requested, status: 'pending', total_count: 0, success_count: 0, failure_count: 0, pending_count: 0, successes: '[]', failures: '[]', import_id: null })
    .execute();
  // Counted all; named: the first MAX_STATUS_DETAILS of each whose marking a TAXII client may see.
  const successes: TaxiiStatusDetail[] = [];
  const failures: TaxiiStatusDetail[] = [];
  let successCount = 0;
  let failureCount = 0;
  const named = (tlp: Parameters<typeof mayReach>[0]['tlp']) => mayReach({ tlp, origin: 'local' }, STATUS_READER).allowed;
  // A cyber observable has no `modified`: its version is its date_added, close to this.
  const fallback = taxiiTime(requested);
  const summary = await importBundle(ctx, actor, body, {
    ...(bytesTotal !== undefined ? { bytesTotal } : {}),
    onAccepted: (o) => {
      successCount++;
      if (successes.length < MAX_STATUS_DETAILS && named(o.tlp)) successes.push({ id: o.id, version: o.version ? taxiiTime(o.version) : fallback });
    },
    onRefused: (r, object) => {
      failureCount++;
      if (failures.length >= MAX_STATUS_DETAILS) return;
      const obj = object && typeof object === 'object' ? (object as Record<string, unknown>) : null;
      if (!named(obj ? (tlpOfObject(obj)?.level ?? null) : null)) return;
      const version = obj ? versionOf(obj) : '';
      const message = r.errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}`).join('; ').slice(0, MAX_MESSAGE);
      failures.push({ id: r.id ?? `(object ${r.index} of the envelope)`, version: version ? taxiiTime(version) : fallback, message });
    },
  });
  if (summary.state === 'failed') {
    failureCount++;
    failures.push({ id: '(envelope)', version: fallback, message: `the envelope could not be read past this point: ${summary.error ?? ''}`.slice(0, MAX_MESSAGE) });
  }
  const done: Omit<IntelTaxiiStatusTable, 'id' | 'collection_id' | 'requested_by' | 'request_timestamp'> = {
    status: 'complete',
    total_count: successCount + failureCount,
    success_count: successCount,
    failure_count: failureCount,
    pending_count: 0,
    successes: JSON.stringify(successes),
    failures: JSON.stringify(failures),
    import_id: summary.import_id,
  };
  await db.updateTable('intel_taxii_status').set(done).where('id', '=', id).execute();
  return { status: { id, status: 'complete', request_timestamp: fallback, total_count: done.total_count, success_count: done.success_count, successes, failure_count: done.failure_count, failures, pending_count: 0, pendings: [] }, summary };
}

/** A status resource as TAXII shows it, or undefined. */
export async function findStatus(db: DbOrTrx, id: string): Promise<TaxiiStatus | undefined> {
  const r = await db.selectFrom('intel_taxii_status').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    status: r.status,
    request_timestamp: taxiiTime(r.request_timestamp),
    total_count: r.total_count,
    success_count: r.success_count,
    successes: JSON.parse(r.successes) as TaxiiStatusDetail[],
    failure_count: r.failure_count,
    failures: JSON.parse(r.failures) as TaxiiStatusDetail[],
    pending_count: r.pending_count,
    pendings: [],
  };
}
