import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { AppError, ConflictError, NotFoundError, invalidFields } from '../errors.js';
import { enqueueMessages } from '../federation/outbox.service.js';
import { getGroup } from '../groups/groups.service.js';
import { newId } from '../util/ids.js';
import { NormsMessage } from './norms.message-types.js';
import { findDraft, insertDraft, listDraftRows, maxVersion, recordDelivery, storeVersion, updateDraft, type DraftRow } from './norms.repository.js';
import { completeEntries, duplicateNorms } from './norms.rules.js';
import { DraftState, type Draft, type ReportContent, type ReportVersion } from './norms.schemas.js';

/** The user acting, as drafts record them. */
export interface Author {
  actor: Actor;
  userId: string;
  name: string;
}

/** The author (or last editor) of a draft may not approve it: a second user reviews. */
export class SelfReviewError extends AppError {
  override name = 'SelfReviewError';
  constructor() {
    super(403, 'norms-self-review', 'Review by another user', 'a draft is approved by a user who neither wrote nor last edited it');
  }
}

export function rowToDraft(r: DraftRow): Draft {
  return {
    id: r.id,
    state: r.state,
    content: JSON.parse(r.content) as Draft['content'],
    created_by: r.created_by,
    updated_by: r.updated_by,
    submitted_by: r.submitted_by,
    reviewed_by: r.reviewed_by,
    review_note: r.review_note,
    published_version: r.published_version === null ? null : Number(r.published_version),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** A report's content with its eleven entries in order; a norm named twice is refused field by field. */
function checkedContent(content: ReportContent): ReportContent {
  const dups = duplicateNorms(content.norms);
  if (dups.length) throw invalidFields(dups.map((d) => ({ pointer: `/norms/${d.index}/norm`, code: 'duplicate', message: `norm (${d.norm}) is given twice` })));
  return { language: content.language, summary: content.summary, norms: completeEntries(content.norms) };
}

export async function listDrafts(ctx: NodeContext): Promise<Draft[]> {
  return (await listDraftRows(ctx.store.db)).map(rowToDraft);
}

export async function getDraft(ctx: NodeContext, id: string): Promise<Draft> {
  const r = await findDraft(ctx.store.db, id);
  if (!r) throw new NotFoundError(`draft ${id}`);
  return rowToDraft(r);
}

export async function createDraft(ctx: NodeContext, who: Author, input: ReportContent): Promise<Draft> {
  const content = checkedContent(input);
  const now = new Date().toISOString();
  const row: DraftRow = { id: newId(), state: DraftState.draft, content: JSON.stringify(content), created_by: who.userId, updated_by: who.userId, submitted_by: null, reviewed_by: null, review_note: null, published_version: null, created_at: now, updated_at: now };
  await ctx.store.db.transaction().execute(async (trx) => {
    await insertDraft(trx, row);
    await appendAudit(trx, ctx.store.dialect, { actor: who.actor.ref, ip: who.actor.ip, action: 'norms.draft_create', target: `norms-draft:${row.id}` });
  });
  return rowToDraft(row);
}

/** Moves a draft from one of `from` with `patch`, audited; refuses (409) a draft in another state. */
async function transition(ctx: NodeContext, who: Author, id: string, from: DraftState[], patch: Partial<DraftRow>, action: string, details: Record<string, unknown> = {}): Promise<Draft> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const current = await findDraft(trx, id);
    if (!current) throw new NotFoundError(`draft ${id}`);
    if (!(from as string[]).includes(current.state) || !(await updateDraft(trx, id, from, { ...patch, updated_at: new Date().toISOString() }))) {
      throw new ConflictError(`draft ${id} is ${current.state}; this needs it to be ${from.join(' or ')}`);
    }
    await appendAudit(trx, ctx.store.dialect, { actor: who.actor.ref, ip: who.actor.ip, action, target: `norms-draft:${id}`, details });
  });
  return getDraft(ctx, id);
}

export function editDraft(ctx: NodeContext, who: Author, id: string, input: ReportContent): Promise<Draft> {
  const content = checkedContent(input);
  return transition(ctx, who, id, [DraftState.draft, DraftState.returned], { content: JSON.stringify(content), updated_by: who.userId, state: DraftState.draft }, 'norms.draft_update');
}

export function submitDraft(ctx: NodeContext, who: Author, id: string): Promise<Draft> {
  return transition(ctx, who, id, [DraftState.draft, DraftState.returned], { state: DraftState.inReview, submitted_by: who.userId, reviewed_by: null, review_note: null }, 'norms.draft_submit');
}

/** A second user approves a draft in review, or returns it for more work with a note. */
export async function reviewDraft(ctx: NodeContext, who: Author, id: string, decision: 'approve' | 'return', note?: string): Promise<Draft> {
  const d = await getDraft(ctx, id);
  if (d.state !== DraftState.inReview) throw new ConflictError(`draft ${id} is ${d.state}; only a draft in review is reviewed`);
  if (decision === 'approve' && (d.created_by === who.userId || d.updated_by === who.userId)) throw new SelfReviewError();
  const state = decision === 'approve' ? DraftState.approved : DraftState.returned;
  return transition(ctx, who, id, [DraftState.inReview], { state, reviewed_by: who.userId, review_note: note ?? null }, decision === 'approve' ? 'norms.draft_approve' : 'norms.draft_return', { note: note ?? null });
}

/** The members of the chosen groups, which must be active groups this node belongs to. */
async function groupRecipients(ctx: NodeContext, groups: string[]): Promise<string[]> {
  const me = ctx.identity.node_id;
  const out = new Set<string>();
  const bad: { pointer: string; code: string; message: string }[] = [];
  for (const [i, id] of groups.entries()) {
    const g = await getGroup(ctx, id).catch(() => null);
    if (!g || g.status !== 'active' || !g.members.includes(me)) {
      bad.push({ pointer: `/groups/${i}`, code: 'not_a_member', message: `this node is not a member of an active group ${id}` });
      continue;
    }
    for (const m of g.members) if (m !== me) out.add(m);
  }
  if (bad.length) throw invalidFields(bad);
  return [...out].sort();
}

/**
 * Publishes an approved draft as the next version of this node's report: stored, signed and
 * sent (`norms.report/v1`) to every other member of the chosen groups through the outbox, in
 * one transaction with its audit entry. Members that join those groups later are sent it by
 * the `norms.deliver` job.
 */
export async function publishDraft(ctx: NodeContext, who: Author, id: string, groups: string[]): Promise<{ version: ReportVersion; sent_to: string[] }> {
  const to = await groupRecipients(ctx, groups);
  const d = await getDraft(ctx, id);
  if (d.state !== DraftState.approved) throw new ConflictError(`draft ${id} is ${d.state}; only an approved draft is published`);
  const { db, dialect } = ctx.store;
  const me = ctx.identity;
  let report!: ReportVersion;
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    report = { node_id: me.node_id, country: me.country, version: (await maxVersion(trx, me.node_id)) + 1, published_at: now, groups, language: d.content.language, summary: d.content.summary, norms: completeEntries(d.content.norms) };
    if (!(await updateDraft(trx, id, [DraftState.approved], { state: DraftState.published, published_version: report.version, updated_at: now }))) throw new ConflictError(`draft ${id} was published meanwhile`);
    await storeVersion(trx, report, { envelope: null, isOwn: true, receivedAt: now });
    for (const peer of to) {
      await enqueueMessages(ctx, trx, peer, NormsMessage.report, [report]);
      await recordDelivery(trx, report.version, peer, now);
    }
    await appendAudit(trx, dialect, { actor: who.actor.ref, ip: who.actor.ip, action: 'norms.publish', target: `norms-report:${me.node_id}/${report.version}`, details: { draft: id, groups, to } });
  });
  return { version: report, sent_to: to };
}
