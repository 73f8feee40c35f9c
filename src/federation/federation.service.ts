import type { Actor, NodeContext } from '../context.js';
import { appendAudit } from '../audit/audit.repository.js';
import { GroupCommit } from '../util/group-commit.js';
import { NotFoundError } from '../errors.js';
import { CatchUpType, NoticeType, PingType } from './builtin/builtin-types.js';
import { checkRelease } from './release-gate.js';
import { postBatch } from './transport.js';
import { enqueueMessages } from './outbox.service.js';
import { findPeer, recordContact } from './peers.repository.js';
import { recordSentNotices, type SentNoticeRow } from './notices.repository.js';
import { PeerUnreachableError } from './peers.service.js';
import { newMessageId, signEnvelope } from './protocol/envelope.js';
import type { Receipt } from './protocol/receipt.js';

export interface PingResult {
  peer: string;
  rtt_ms: number;
  receipt: Receipt;
}

/** Sends one signed ping straight to the peer (not through the outbox) and times the receipt. */
export async function pingPeer(ctx: NodeContext, nodeId: string): Promise<PingResult> {
  const peer = await findPeer(ctx.store.db, nodeId);
  if (!peer) throw new NotFoundError(`peer ${nodeId}`);
  const body = { nonce: newMessageId() };
  checkRelease(ctx, nodeId, PingType.type, [body]);
  const started = performance.now();
  const ping = signEnvelope(ctx.identity, { v: 1, id: newMessageId(), from: ctx.identity.node_id, to: [nodeId], type: PingType.type, issued_at: new Date().toISOString(), body });
  const r = await postBatch(ctx, peer, [ping], 10_000);
  const rtt = performance.now() - started;
  if (!r.receipt) throw new PeerUnreachableError(peer.base_url, r.error ?? `HTTP ${r.status}`);
  const item = r.receipt.items[0];
  if (item?.status === 'rejected') throw new PeerUnreachableError(peer.base_url, `the peer refused the ping: ${item.reason} (${item.detail ?? ''})`);
  // A signed receipt is contact with the peer, as a delivery is: "last contact" shows it.
  await recordContact(ctx.store.db, nodeId, new Date().toISOString(), { clearFailures: false });
  return { peer: nodeId, rtt_ms: Math.round(rtt * 10) / 10, receipt: r.receipt };
}

/** A notice that answers another: the one it names, and the thread both belong to. */
export interface NoticeReply {
  inReplyTo: string;
  threadId: string;
}

interface NoticeRequest {
  actor: Actor;
  nodeId: string;
  subject: string;
  text: string;
  count: number;
  reply?: NoticeReply;
}

/** Queues notices for a peer (count > 1 repeats it, for load tests) and keeps them as sent notices. */
export function sendNotice(ctx: NodeContext, actor: Actor, nodeId: string, subject: string, text: string, count = 1, reply?: NoticeReply): Promise<string[]> {
  let g = noticeCommits.get(ctx);
  if (!g) noticeCommits.set(ctx, (g = new GroupCommit((reqs: NoticeRequest[]) => queueNotices(ctx, reqs))));
  return g.submit({ actor, nodeId, subject, text, count, reply });
}

// Notices sent at the same moment share one transaction: one release-number reservation per
// peer and one audit-chain lock for all of them, instead of one each.
const noticeCommits = new WeakMap<NodeContext, GroupCommit<NoticeRequest, string[]>>();

async function queueNotices(ctx: NodeContext, reqs: NoticeRequest[]): Promise<string[][]> {
  const { db } = ctx.store;
  return db.transaction().execute(async (trx) => {
    const ids: string[][] = reqs.map(() => []);
    for (const peer of new Set(reqs.map((r) => r.nodeId))) {
      const mine = reqs.flatMap((r, i) => (r.nodeId === peer ? [i] : []));
      const bodies = mine.flatMap((i) => {
        const r = reqs[i]!;
        // `in_reply_to` only when answering: a plain notice stays readable by nodes that predate it.
        const reply = r.reply ? { in_reply_to: r.reply.inReplyTo } : {};
        return Array.from({ length: r.count }, (_, k) => ({ subject: r.count > 1 ? `${r.subject} #${k + 1}` : r.subject, text: r.text, ...reply }));
      });
      // Each request's audit entry names its first message: appended with the release's.
      const audit = (envs: { id: string }[]) => {
        let at = 0;
        return mine.map((i) => {
          const r = reqs[i]!;
          const first = envs[at]!.id;
          at += r.count;
          return { actor: r.actor.ref, ip: r.actor.ip, action: 'federation.notice_send', target: `peer:${peer}`, details: { count: r.count, first_id: first, ...(r.reply ? { in_reply_to: r.reply.inReplyTo } : {}) } };
        });
      };
      const envs = await enqueueMessages(ctx, trx, peer, NoticeType.type, bodies, undefined, audit);
      const sent: SentNoticeRow[] = [];
      let at = 0;
      for (const i of mine) {
        const r = reqs[i]!;
        const mineEnvs = envs.slice(at, at + r.count);
        ids[i] = mineEnvs.map((e) => e.id);
        for (const e of mineEnvs) sent.push({ id: e.id, to_node: peer, subject: e.body.subject, text: e.body.text, issued_at: e.issued_at, sent_by: r.actor.ref, in_reply_to: r.reply?.inReplyTo, thread_id: r.reply?.threadId });
        at += r.count;
      }
      await recordSentNotices(trx, sent);
    }
    return ids;
  });
}

/** The highest release number N from `nodeId` such that 1..N have all arrived. */
export async function contiguousSeqFrom(ctx: NodeContext, nodeId: string): Promise<number> {
  const rows = await ctx.store.db.selectFrom('inbox').select('seq').where('from_node', '=', nodeId).where('seq', 'is not', null).orderBy('seq').execute();
  let n = 0;
  for (const r of rows) {
    if (Number(r.seq) === n + 1) n++;
    else if (Number(r.seq) > n + 1) break;
  }
  return n;
}

/** Asks a peer for everything after our last contiguous release number from it. */
export async function requestCatchUp(ctx: NodeContext, actor: Actor, nodeId: string): Promise<{ after_seq: number }> {
  const after = await contiguousSeqFrom(ctx, nodeId);
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    await enqueueMessages(ctx, trx, nodeId, CatchUpType.type, [{ after_seq: after }]);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'federation.catch_up', target: `peer:${nodeId}`, details: { after_seq: after } });
  });
  return { after_seq: after };
}
