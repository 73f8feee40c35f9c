import type { NodeContext } from '../context.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { getGroup } from '../groups/groups.service.js';
import { findVersionRow, latestBodies, latestSummaries, versionSummaries } from './norms.repository.js';
import { buildMatrix, completeEntries, diffReports } from './norms.rules.js';
import type { Matrix, NormEntry, NormId, ReportDiff, ReportVersion, VersionSummary } from './norms.schemas.js';

export interface StoredVersion {
  report: ReportVersion;
  own: boolean;
  received_at: string;
  signed_by: string | null;
}

async function nodesOf(ctx: NodeContext, group: string | undefined): Promise<string[] | undefined> {
  return group ? (await getGroup(ctx, group)).members : undefined;
}

/** The latest version of every state's report this node holds (or of a group's members). */
export async function listReports(ctx: NodeContext, group?: string): Promise<VersionSummary[]> {
  return latestSummaries(ctx.store.db, await nodesOf(ctx, group));
}

/** States × norms, coloured by status in the web app: the latest version of each report. */
export async function getMatrix(ctx: NodeContext, group?: string): Promise<Matrix> {
  return buildMatrix(await latestSummaries(ctx.store.db, await nodesOf(ctx, group)));
}

/** One state's report over time: every version held, oldest first. */
export async function listVersions(ctx: NodeContext, nodeId: string): Promise<VersionSummary[]> {
  const out = await versionSummaries(ctx.store.db, nodeId);
  if (out.length === 0) throw new NotFoundError(`report of ${nodeId}`);
  return out;
}

export async function getVersion(ctx: NodeContext, nodeId: string, version: number): Promise<StoredVersion> {
  const r = await findVersionRow(ctx.store.db, nodeId, version);
  if (!r) throw new NotFoundError(`version ${version} of the report of ${nodeId}`);
  const envelope = r.envelope ? (JSON.parse(r.envelope) as { sig?: { key?: string } }) : null;
  return { report: JSON.parse(r.body) as ReportVersion, own: Boolean(r.is_own), received_at: r.received_at, signed_by: envelope?.sig?.key ?? null };
}

/** What changed, norm by norm, between two versions of one state's report. */
export async function diffVersions(ctx: NodeContext, nodeId: string, from: number, to: number): Promise<ReportDiff> {
  if (from === to) throw new InvalidInputError('compare two different versions');
  const [a, b] = [await getVersion(ctx, nodeId, from), await getVersion(ctx, nodeId, to)];
  return diffReports(a.report, b.report);
}

export interface NormAcrossStates {
  node_id: string;
  country: string;
  version: number;
  published_at: string;
  entry: NormEntry;
}

/** One norm across states: what each state's latest report says about it. */
export async function byNorm(ctx: NodeContext, norm: NormId, group?: string): Promise<NormAcrossStates[]> {
  return (await latestBodies(ctx.store.db, await nodesOf(ctx, group))).map(({ version: r }) => ({
    node_id: r.node_id,
    country: r.country,
    version: r.version,
    published_at: r.published_at,
    entry: completeEntries(r.norms).find((e) => e.norm === norm)!,
  }));
}
