import { appendAudit } from '../audit/audit.repository.js';
import type { NodeContext } from '../context.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { enqueueMessages } from '../federation/outbox.service.js';
import type { DbOrTrx } from '../store/db.js';
import { newId } from '../util/ids.js';
import { NormsMessage } from './norms.message-types.js';
import { findVersionRow, insertComment, listCommentRows, type CommentRow } from './norms.repository.js';
import type { CommentBody, NormId, NormsComment } from './norms.schemas.js';
import type { Author } from './norms.service.js';

function toComment(r: CommentRow): NormsComment {
  return { id: r.id, direction: r.direction === 'in' ? 'in' : 'out', report_node: r.report_node, version: Number(r.version), norm: r.norm, author_node: r.author_node, author_name: r.author_name, text: r.text, created_at: r.created_at, received_at: r.received_at };
}

export async function listComments(ctx: NodeContext, filter: { reportNode?: string; version?: number }): Promise<NormsComment[]> {
  return (await listCommentRows(ctx.store.db, filter)).map(toComment);
}

/**
 * Comments on another state's published report: kept here as sent, and sent signed
 * (`norms.comment/v1`) to the report's author, who shows it with the version it is about.
 */
export async function commentOnReport(ctx: NodeContext, who: Author, nodeId: string, version: number, input: { norm?: NormId; text: string }): Promise<NormsComment> {
  if (nodeId === ctx.identity.node_id) throw new InvalidInputError("comment on another state's report, not this node's own");
  const { db, dialect } = ctx.store;
  if (!(await findVersionRow(db, nodeId, version))) throw new NotFoundError(`version ${version} of the report of ${nodeId}`);
  const now = new Date().toISOString();
  const body: CommentBody = { comment_id: newId(), report_node: nodeId, version, norm: input.norm ?? null, author_name: who.name, text: input.text, created_at: now };
  const row: CommentRow = { id: body.comment_id, direction: 'out', report_node: nodeId, version, norm: body.norm, author_node: ctx.identity.node_id, author_name: who.name, text: body.text, created_at: now, envelope: null, received_at: now };
  await db.transaction().execute(async (trx) => {
    await insertComment(trx, row);
    await enqueueMessages(ctx, trx, nodeId, NormsMessage.comment, [body]);
    await appendAudit(trx, dialect, { actor: who.actor.ref, ip: who.actor.ip, action: 'norms.comment', target: `norms-report:${nodeId}/${version}`, details: { comment: body.comment_id, norm: body.norm } });
  });
  return toComment(row);
}

/** A peer's comment on our report: kept once; refused when it is about a version we never published. */
export async function receiveComment(ctx: NodeContext, trx: DbOrTrx, from: string, body: CommentBody, envelope: string): Promise<void | string> {
  if (body.report_node !== ctx.identity.node_id) return 'the comment is about another node’s report';
  const v = await findVersionRow(trx, body.report_node, body.version);
  if (!v || !v.is_own) return `this node published no version ${body.version}`;
  await insertComment(trx, { id: body.comment_id, direction: 'in', report_node: body.report_node, version: body.version, norm: body.norm, author_node: from, author_name: body.author_name, text: body.text, created_at: body.created_at, envelope, received_at: new Date().toISOString() });
}
