import type { MessageType } from '../federation/protocol/message-types.js';
// The pinned peer, read in the handler's transaction (federation's function, not its table).
import { findPeer } from '../federation/peers.repository.js';
import { receiveComment } from './norms.comments.service.js';
import { NormsMessage } from './norms.message-types.js';
import { storeVersion } from './norms.repository.js';
import { CommentBodySchema, ReportVersionSchema } from './norms.schemas.js';
import { reportProblem } from './norms.rules.js';

/**
 * `norms.report/v1`: a published version of the sender's national implementation report.
 * Kept once per (node, version) with its envelope as proof; the same version sent again (to a
 * member that joined later, or a duplicate) changes nothing; a report about another node, a
 * country other than the pinned peer's, a bad date or a different body under a version
 * already held is refused.
 */
export const NormsReportType = {
  type: NormsMessage.report,
  body: ReportVersionSchema,
  handle: async (trx, e, ctx) => {
    const peer = await findPeer(trx, e.from);
    const problem = reportProblem(e.body, { from: e.from, peerCountry: peer?.country ?? null, issuedAt: e.issued_at, skewMs: ctx.settings.clockSkewSeconds * 1000 });
    if (problem) return problem;
    const outcome = await storeVersion(trx, e.body, { envelope: JSON.stringify(e), isOwn: false });
    if (outcome === 'conflict') return `a different report was received before as version ${e.body.version}`;
  },
} satisfies MessageType<typeof ReportVersionSchema>;

/** `norms.comment/v1`: a comment on a version of this node's own report, from another state. */
export const NormsCommentType = {
  type: NormsMessage.comment,
  body: CommentBodySchema,
  handle: (trx, e, ctx) => receiveComment(ctx, trx, e.from, e.body, JSON.stringify(e)),
} satisfies MessageType<typeof CommentBodySchema>;

export const normsMessages = [NormsReportType, NormsCommentType];
