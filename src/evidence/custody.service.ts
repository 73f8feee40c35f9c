import type { KeyObject } from 'node:crypto';
import { sha256Hex } from '../crypto/canonical.js';
import type { NodeContext } from '../context.js';
import { canonicalForms, newMessageId, signEnvelopeCanonical, verifyEnvelopeSignature, type Envelope } from '../federation/protocol/envelope.js';
import { type DbOrTrx, transactionLock } from '../store/db.js';

/**
 * The chain of custody of a case's attachments on this node. Every upload, download, view,
 * export, hold, release and delete (and, later, transfer and receipt) is one entry: a signed
 * envelope of this node (type evidence.custody/v1, from and to this node), so that a case
 * bundle can carry the log and anyone can check it offline with the node's public key.
 *
 * Entries are numbered 1, 2, 3 … per case and each names the SHA-256 of the previous entry's
 * canonical envelope (RFC 8785), so a removed, reordered or altered entry breaks the chain.
 * Appends are serialised per case: a transaction-scoped advisory lock on PostgreSQL (SQLite
 * runs one write transaction at a time), with the primary key (case_id, seq) as the backstop.
 */
export const CUSTODY_TYPE = 'evidence.custody/v1';

export const CustodyAction = {
  upload: 'upload',
  transferSent: 'transfer_sent',
  transferReceived: 'transfer_received',
  receipt: 'receipt',
  download: 'download',
  view: 'view',
  export: 'export',
  hold: 'hold',
  release: 'release',
  delete: 'delete',
} as const;
export type CustodyAction = (typeof CustodyAction)[keyof typeof CustodyAction];

export interface CustodyBody {
  case_id: string;
  /** 1, 2, 3 … per case on this node. */
  seq: number;
  /** SHA-256 hex of the previous entry's full canonical envelope; null for seq 1. */
  prev: string | null;
  at: string;
  /** `user:<id>` or `node:<id>`. */
  actor: string;
  /** The client's IP address or the peer node's id; null when not known (the local CLI). */
  from: string | null;
  action: CustodyAction;
  attachment_id: string;
  sha256: string;
  details?: Record<string, unknown>;
}

export interface CustodyInput {
  caseId: string;
  attachmentId: string;
  sha256: string;
  action: CustodyAction;
  actor: string;
  from?: string | null;
  details?: Record<string, unknown>;
  at?: Date;
}

/** The actor of a custody entry from a request's actor (`user:<id>`); the CLI and the node itself act as `node:<id>`. */
export function custodyActor(ctx: NodeContext, ref: string): string {
  return ref.startsWith('user:') || ref.startsWith('node:') ? ref : `node:${ctx.identity.node_id}`;
}

/** Appends one entry inside `trx` (which must be a transaction); answers the signed envelope. */
export async function appendCustody(ctx: NodeContext, trx: DbOrTrx, input: CustodyInput): Promise<Envelope<CustodyBody>> {
  await transactionLock(trx, 'evidence.custody', input.caseId);
  const head = await trx.selectFrom('evidence_custody').select(['seq', 'digest']).where('case_id', '=', input.caseId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const at = (input.at ?? new Date()).toISOString();
  const body: CustodyBody = {
    case_id: input.caseId,
    seq: (head?.seq ?? 0) + 1,
    prev: head?.digest ?? null,
    at,
    actor: input.actor,
    from: input.from ?? null,
    action: input.action,
    attachment_id: input.attachmentId,
    sha256: input.sha256,
    ...(input.details ? { details: input.details } : {}),
  };
  const me = ctx.identity.node_id;
  const { envelope, canonical } = signEnvelopeCanonical(ctx.identity, { v: 1, id: newMessageId(), from: me, to: [me], type: CUSTODY_TYPE, issued_at: at, body });
  await trx
    .insertInto('evidence_custody')
    .values({ case_id: input.caseId, seq: body.seq, attachment_id: input.attachmentId, action: input.action, at, envelope: canonical, digest: sha256Hex(canonical) })
    .execute();
  return envelope;
}

/**
 * Records one custody entry in a transaction of its own; for callers outside this capability
 * (the case bundle records `export`).
 * @example await recordCustody(ctx, { caseId, attachmentId, sha256, action: 'export', actor: 'user:…', from: ip })
 */
export async function recordCustody(ctx: NodeContext, input: CustodyInput): Promise<Envelope<CustodyBody>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.store.db.transaction().execute((trx) => appendCustody(ctx, trx, input));
    } catch (e) {
      // Two SQLite processes of one node may both read the same head: the key refuses the second; read again.
      if (attempt >= 4 || !/unique|duplicate|constraint/i.test((e as Error).message)) throw e;
    }
  }
}

/** A case's custody log on this node, in order of seq. */
export async function custodyLog(db: DbOrTrx, caseId: string): Promise<Envelope<CustodyBody>[]> {
  const rows = await db.selectFrom('evidence_custody').select('envelope').where('case_id', '=', caseId).orderBy('seq').execute();
  return rows.map((r) => JSON.parse(r.envelope) as Envelope<CustodyBody>);
}

/** One attachment's entries, in order. */
export async function custodyOfAttachment(db: DbOrTrx, attachmentId: string): Promise<Envelope<CustodyBody>[]> {
  const rows = await db.selectFrom('evidence_custody').select('envelope').where('attachment_id', '=', attachmentId).orderBy('seq').execute();
  return rows.map((r) => JSON.parse(r.envelope) as Envelope<CustodyBody>);
}

/**
 * Checks a custody log as an offline verifier would: every signature with the node's key,
 * seq 1, 2, 3 … without gap, each `prev` the digest of the entry before, one case throughout.
 * @returns the problems found, each naming the entry; empty when the log holds
 */
export function checkCustodyLog(entries: readonly Envelope<CustodyBody>[], publicKey: KeyObject): string[] {
  const problems: string[] = [];
  let prev: string | null = null;
  entries.forEach((e, i) => {
    const b = e.body;
    if (e.type !== CUSTODY_TYPE) problems.push(`entry ${i + 1}: type ${e.type} is not ${CUSTODY_TYPE}`);
    if (!verifyEnvelopeSignature(e, publicKey)) problems.push(`entry ${i + 1}: the signature does not verify`);
    if (b.seq !== i + 1) problems.push(`entry ${i + 1}: seq ${b.seq} where ${i + 1} was expected`);
    if (b.prev !== prev) problems.push(`entry ${i + 1}: prev does not name the entry before`);
    if (b.case_id !== entries[0]!.body.case_id) problems.push(`entry ${i + 1}: another case`);
    prev = sha256Hex(canonicalForms(e).full);
  });
  return problems;
}
