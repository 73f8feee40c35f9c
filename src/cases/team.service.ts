import { appendAudit } from '../audit/audit.repository.js';
import type { Role } from '../auth/roles.js';
import { listUsers } from '../auth/users.service.js';
import type { Actor, NodeContext } from '../context.js';
import { ConflictError, invalidFields, NotFoundError, type FieldError } from '../errors.js';
import { caseRowOrThrow } from './cases.service.js';
import { authorIds, refToUserId, takeTeamTurn, teamRows, userRef, type Reader } from './team.repository.js';
import { assignableRole, caseAccess, teamRestricts, type CaseAccess } from './team.rules.js';

/** The most users one case's team holds. */
export const TEAM_MAX = 200;

export interface TeamMember {
  user_id: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  assigned_by: string;
  assigned_by_name: string | null;
  assigned_at: string;
}

export interface CaseTeam {
  case_id: string;
  /** A case with a team is restricted to it (and to its authors); an empty team leaves it open. */
  restricted: boolean;
  members: TeamMember[];
  /** Who drafted the request on this node: they keep access to an outgoing case whatever its team. */
  authors: { user_id: string; display_name: string }[];
  /** What the reader may reach of the case and its evidence. */
  access: CaseAccess;
}

/**
 * What `user` may reach of a case and its evidence on this node (team.rules.ts). Read afresh
 * on every call: nothing is cached, so a change of team or role counts from the next request. An unknown case has
 * no team, so this answers as for an open case and the caller's own lookup answers 404.
 *
 * @example if (!(await caseAccessOf(ctx, principal.user, caseId)).content) throw new NotFoundError(`case ${caseId}`)
 */
export async function caseAccessOf(ctx: NodeContext, user: Reader, caseId: string): Promise<CaseAccess> {
  if (!teamRestricts(user.role)) return caseAccess({ role: user.role, userId: user.id, team: [], authors: [], auditorsDownload: ctx.settings.evidenceAuditorsDownload });
  const db = ctx.store.db;
  const team = (await teamRows(db, caseId)).map((r) => r.user_id);
  const authors = team.length === 0 || team.includes(user.id) ? [] : await authorIds(db, caseId);
  return caseAccess({ role: user.role, userId: user.id, team, authors, auditorsDownload: ctx.settings.evidenceAuditorsDownload });
}

/**
 * Refuses a reader the team rule keeps from the case with the answer an unknown case gets
 * (404 naming `what`, `case <id>` by default), so that an outsider learns nothing of it.
 */
export async function requireCaseAccess(ctx: NodeContext, user: Reader, caseId: string, what = `case ${caseId}`): Promise<void> {
  if (!(await caseAccessOf(ctx, user, caseId)).case) throw new NotFoundError(what);
}

/** The same for a draft: once sent, a draft is its case's request, and follows its team. */
export async function requireDraftAccess(ctx: NodeContext, user: Reader, draftId: string): Promise<void> {
  if (!teamRestricts(user.role)) return;
  const d = await ctx.store.db.selectFrom('case_drafts').select('case_id').where('id', '=', draftId).executeTakeFirst();
  if (d?.case_id) await requireCaseAccess(ctx, user, d.case_id, `draft ${draftId}`);
}

/** Whether `user` may reach the files of a case (download, a bundle with content). */
export async function mayAccessCaseContent(ctx: NodeContext, user: Reader, caseId: string): Promise<boolean> {
  return (await caseAccessOf(ctx, user, caseId)).content;
}

/** The case's team with names, and what the reader may reach; 404 to a reader outside it. */
export async function getCaseTeam(ctx: NodeContext, reader: Reader, caseId: string): Promise<CaseTeam> {
  await caseRowOrThrow(ctx, caseId);
  await requireCaseAccess(ctx, reader, caseId);
  const db = ctx.store.db;
  const [rows, authors, users] = [await teamRows(db, caseId), await authorIds(db, caseId), await listUsers(ctx)];
  const byId = new Map(users.map((u) => [u.id, u]));
  const members = rows.flatMap((r): TeamMember[] => {
    const u = byId.get(r.user_id);
    if (!u) return [];
    const by = refToUserId(r.assigned_by);
    return [{ user_id: u.id, display_name: u.display_name, role: u.role, disabled: u.disabled, assigned_by: r.assigned_by, assigned_by_name: by ? (byId.get(by)?.display_name ?? null) : null, assigned_at: r.assigned_at }];
  });
  return {
    case_id: caseId,
    restricted: members.length > 0,
    members,
    authors: authors.flatMap((id) => (byId.has(id) ? [{ user_id: id, display_name: byId.get(id)!.display_name }] : [])),
    access: caseAccess({ role: reader.role, userId: reader.id, team: members.map((m) => m.user_id), authors, auditorsDownload: ctx.settings.evidenceAuditorsDownload }),
  };
}

/** Users of this node who may join the case's team and are not on it: enabled, any role but auditor. */
export async function teamCandidates(ctx: NodeContext, caseId: string): Promise<{ user_id: string; display_name: string; role: Role }[]> {
  await caseRowOrThrow(ctx, caseId);
  const on = new Set((await teamRows(ctx.store.db, caseId)).map((r) => r.user_id));
  return (await listUsers(ctx)).filter((u) => !u.disabled && assignableRole(u.role) && !on.has(u.id)).map((u) => ({ user_id: u.id, display_name: u.display_name, role: u.role }));
}

/** Checks that each id names an enabled, assignable user of this node; `pointer(i)` names the field. */
async function requireAssignable(ctx: NodeContext, ids: readonly string[], pointer: (i: number) => string): Promise<void> {
  if (ids.length === 0) return;
  const users = new Map((await listUsers(ctx)).map((u) => [u.id, u]));
  const errors: Omit<FieldError, 'in'>[] = [];
  for (const [i, id] of ids.entries()) {
    const u = users.get(id);
    if (!u) errors.push({ pointer: pointer(i), code: 'unknown_user', message: 'no user of this node has this id' });
    else if (u.disabled) errors.push({ pointer: pointer(i), code: 'disabled_user', message: 'the user is disabled' });
    else if (!assignableRole(u.role)) errors.push({ pointer: pointer(i), code: 'not_assignable', message: 'auditors verify cases; they are not assigned to work them' });
  }
  if (errors.length) throw invalidFields(errors);
}

/** Adds a user to the case's team (audited, `case.team_assign`); 409 when already on it. */
export async function assignToCase(ctx: NodeContext, actor: Actor, caseId: string, userId: string): Promise<void> {
  await caseRowOrThrow(ctx, caseId);
  // Read outside the transaction: on SQLite the transaction holds the one connection.
  await requireAssignable(ctx, [userId], () => '/user_id');
  await ctx.store.db.transaction().execute(async (trx) => {
    await takeTeamTurn(trx, ctx.store.dialect, caseId);
    const r = await trx.insertInto('case_assignments').values({ case_id: caseId, user_id: userId, assigned_by: actor.ref, assigned_at: new Date().toISOString() }).onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing()).executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) throw new ConflictError(`user ${userId} is on the team of case ${caseId} already`);
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'case.team_assign', target: `case:${caseId}`, details: { user: userRef(userId) } });
  });
  teamChanged(ctx);
}

/** Takes a user off the case's team (audited, `case.team_unassign`); 404 when not on it. */
export async function unassignFromCase(ctx: NodeContext, actor: Actor, caseId: string, userId: string): Promise<void> {
  await caseRowOrThrow(ctx, caseId);
  await ctx.store.db.transaction().execute(async (trx) => {
    await takeTeamTurn(trx, ctx.store.dialect, caseId);
    const r = await trx.deleteFrom('case_assignments').where('case_id', '=', caseId).where('user_id', '=', userId).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new NotFoundError(`user ${userId} on the team of case ${caseId}`);
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'case.team_unassign', target: `case:${caseId}`, details: { user: userRef(userId) } });
  });
  teamChanged(ctx);
}

/**
 * Makes the case's team exactly `userIds` (an empty list opens the case again); audited once,
 * `case.team_set`, with who was added and removed. Members kept keep their assignment.
 */
export async function setCaseTeam(ctx: NodeContext, actor: Actor, caseId: string, userIds: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  const dup = userIds.findIndex((id) => seen.size === seen.add(id).size);
  if (dup >= 0) throw invalidFields([{ pointer: `/user_ids/${dup}`, code: 'duplicate', message: 'given twice' }]);
  await caseRowOrThrow(ctx, caseId);
  // Every new member is checked (read outside the transaction: on SQLite it holds the one connection).
  const current = new Set((await teamRows(ctx.store.db, caseId)).map((r) => r.user_id));
  const fresh = userIds.filter((id) => !current.has(id));
  await requireAssignable(ctx, fresh, (i) => `/user_ids/${userIds.indexOf(fresh[i]!)}`);
  await ctx.store.db.transaction().execute(async (trx) => {
    await takeTeamTurn(trx, ctx.store.dialect, caseId);
    const before = new Set((await teamRows(trx, caseId)).map((r) => r.user_id));
    const added = userIds.filter((id) => !before.has(id));
    // Someone was taken off since the check above: they were not checked as a newcomer.
    if (added.some((id) => !fresh.includes(id))) throw new ConflictError(`the team of case ${caseId} changed while it was being set: send it again`);
    const removed = [...before].filter((id) => !seen.has(id));
    if (removed.length) await trx.deleteFrom('case_assignments').where('case_id', '=', caseId).where('user_id', 'in', removed).execute();
    const now = new Date().toISOString();
    if (added.length) await trx.insertInto('case_assignments').values(added.map((user_id) => ({ case_id: caseId, user_id, assigned_by: actor.ref, assigned_at: now }))).onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing()).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'case.team_set', target: `case:${caseId}`, details: { added: added.map(userRef), removed: removed.map(userRef) } });
  });
  teamChanged(ctx);
}

/** Who sees a case changed: open desks read their items again. */
function teamChanged(ctx: NodeContext): void {
  ctx.events.publish({ type: 'desk.changed', source: 'cases' });
}
