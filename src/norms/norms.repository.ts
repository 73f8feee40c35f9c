import type { Selectable } from 'kysely';
import type { DbOrTrx } from '../store/db.js';
import { deliveryKey, sameVersion, statusesOf } from './norms.rules.js';
import type { NormId, NormStatus, ReportVersion, VersionSummary } from './norms.schemas.js';
import type { NormsCommentsTable, NormsDraftsTable, NormsVersionsTable } from './norms.tables.js';

export type DraftRow = Selectable<NormsDraftsTable>;
export type VersionRow = Selectable<NormsVersionsTable>;
export type CommentRow = Selectable<NormsCommentsTable>;

export async function insertDraft(db: DbOrTrx, row: DraftRow): Promise<void> {
  await db.insertInto('norms_drafts').values(row).execute();
}

export function findDraft(db: DbOrTrx, id: string): Promise<DraftRow | undefined> {
  return db.selectFrom('norms_drafts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listDraftRows(db: DbOrTrx): Promise<DraftRow[]> {
  return db.selectFrom('norms_drafts').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Updates a draft if it is still in `fromStates` (compare-and-set); false when it moved on meanwhile. */
export async function updateDraft(db: DbOrTrx, id: string, fromStates: string[], patch: Partial<DraftRow>): Promise<boolean> {
  const r = await db.updateTable('norms_drafts').set(patch).where('id', '=', id).where('state', 'in', fromStates).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export type StoreOutcome = 'stored' | 'duplicate' | 'conflict';

/**
 * Keeps one published version of a state's report. The same version again (a re-send to a new
 * member, a duplicate delivery) changes nothing; a different body under a version already held
 * is refused (`conflict`): the first signed one stays. The highest version of each node is
 * marked `is_latest`, the rows the matrix reads.
 */
export async function storeVersion(db: DbOrTrx, report: ReportVersion, opts: { envelope: string | null; isOwn: boolean; receivedAt?: string }): Promise<StoreOutcome> {
  const existing = await findVersionRow(db, report.node_id, report.version);
  if (existing) return sameVersion(JSON.parse(existing.body) as ReportVersion, report) ? 'duplicate' : 'conflict';
  const latest = await db.selectFrom('norms_versions').select('version').where('node_id', '=', report.node_id).where('is_latest', '=', 1).executeTakeFirst();
  const isLatest = !latest || Number(latest.version) < report.version;
  if (isLatest && latest) await db.updateTable('norms_versions').set({ is_latest: 0 }).where('node_id', '=', report.node_id).where('is_latest', '=', 1).execute();
  await db
    .insertInto('norms_versions')
    .values({
      node_id: report.node_id,
      version: report.version,
      country: report.country,
      body: JSON.stringify(report),
      statuses: JSON.stringify(statusesOf(report)),
      is_latest: isLatest ? 1 : 0,
      published_at: report.published_at,
      received_at: opts.receivedAt ?? new Date().toISOString(),
      envelope: opts.envelope,
      is_own: opts.isOwn ? 1 : 0,
    })
    .execute();
  return 'stored';
}

export function findVersionRow(db: DbOrTrx, nodeId: string, version: number): Promise<VersionRow | undefined> {
  return db.selectFrom('norms_versions').selectAll().where('node_id', '=', nodeId).where('version', '=', version).executeTakeFirst();
}

export async function maxVersion(db: DbOrTrx, nodeId: string): Promise<number> {
  const r = await db.selectFrom('norms_versions').select('version').where('node_id', '=', nodeId).where('is_latest', '=', 1).executeTakeFirst();
  return r ? Number(r.version) : 0;
}

type SummaryRow = Pick<VersionRow, 'node_id' | 'country' | 'version' | 'published_at' | 'is_own' | 'statuses'>;
const summaryColumns = ['node_id', 'country', 'version', 'published_at', 'is_own', 'statuses'] as const;

function toSummary(r: SummaryRow): VersionSummary {
  return { node_id: r.node_id, country: r.country, version: Number(r.version), published_at: r.published_at, own: Boolean(r.is_own), statuses: JSON.parse(r.statuses) as Record<NormId, NormStatus> };
}

/** The latest version of every state's report, without the bodies (the matrix's input). */
export async function latestSummaries(db: DbOrTrx, nodeIds?: string[]): Promise<VersionSummary[]> {
  let q = db.selectFrom('norms_versions').select(summaryColumns).where('is_latest', '=', 1);
  if (nodeIds) q = q.where('node_id', 'in', nodeIds.length ? nodeIds : ['']);
  return (await q.orderBy('country').orderBy('node_id').execute()).map(toSummary);
}

/** The latest version of every state's report with its body, in one query (one norm across states). */
export async function latestBodies(db: DbOrTrx, nodeIds?: string[]): Promise<{ version: ReportVersion; published_at: string }[]> {
  let q = db.selectFrom('norms_versions').select(['body', 'published_at']).where('is_latest', '=', 1);
  if (nodeIds) q = q.where('node_id', 'in', nodeIds.length ? nodeIds : ['']);
  return (await q.orderBy('country').orderBy('node_id').execute()).map((r) => ({ version: JSON.parse(r.body) as ReportVersion, published_at: r.published_at }));
}

/** Every version of one state's report, oldest first, without the bodies. */
export async function versionSummaries(db: DbOrTrx, nodeId: string): Promise<VersionSummary[]> {
  return (await db.selectFrom('norms_versions').select(summaryColumns).where('node_id', '=', nodeId).orderBy('version').execute()).map(toSummary);
}

/** Our own versions with the groups each was published to (for the deliveries). */
export async function ownVersionGroups(db: DbOrTrx, nodeId: string): Promise<{ version: number; groups: string[] }[]> {
  const rows = await db.selectFrom('norms_versions').select(['version', 'body']).where('node_id', '=', nodeId).where('is_own', '=', 1).orderBy('version').execute();
  return rows.map((r) => ({ version: Number(r.version), groups: (JSON.parse(r.body) as ReportVersion).groups }));
}

export async function deliveredKeys(db: DbOrTrx): Promise<Set<string>> {
  const rows = await db.selectFrom('norms_deliveries').select(['version', 'peer']).execute();
  return new Set(rows.map((r) => deliveryKey(Number(r.version), r.peer)));
}

export async function recordDelivery(db: DbOrTrx, version: number, peer: string, at: string): Promise<void> {
  await db.insertInto('norms_deliveries').values({ version, peer, sent_at: at }).execute();
}

export async function insertComment(db: DbOrTrx, row: CommentRow): Promise<boolean> {
  const exists = await db.selectFrom('norms_comments').select('id').where('id', '=', row.id).executeTakeFirst();
  if (exists) return false;
  await db.insertInto('norms_comments').values(row).execute();
  return true;
}

export function listCommentRows(db: DbOrTrx, filter: { reportNode?: string; version?: number }): Promise<CommentRow[]> {
  let q = db.selectFrom('norms_comments').selectAll();
  if (filter.reportNode) q = q.where('report_node', '=', filter.reportNode);
  if (filter.version !== undefined) q = q.where('version', '=', filter.version);
  return q.orderBy('created_at').orderBy('id').execute();
}
