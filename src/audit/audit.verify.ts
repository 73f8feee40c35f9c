import type { NodeContext } from '../context.js';
import type { Db } from '../store/db.js';
import { verifyAuditChain, type ChainVerdict } from './audit.chain.js';
import { anchorsFrom, listOwnCheckpoints, ownKeys, type BadCheckpoint } from './audit.checkpoints.js';
import { iterateAudit } from './audit.repository.js';
import { askWitnesses, type WitnessReport } from './audit.witnesses.js';

/** Verifies the stored chain in itself, reading it page by page. */
export function verifyStoredAudit(db: Db): Promise<ChainVerdict> {
  return verifyAuditChain(iterateAudit(db));
}

export interface AuditVerdict extends ChainVerdict {
  /** Checkpoints that claim to be this node's but that it did not sign: the checkpoint table was tampered with. */
  badCheckpoints?: BadCheckpoint[];
  /** With witnesses: what each peer answered. */
  witnesses?: WitnessReport[];
}

/**
 * Verifies the chain in itself and against every head this node signed: its own checkpoints
 * and, with `witnesses`, those its peers hold (which survive a rewrite of this database).
 */
export async function verifyAudit(ctx: NodeContext, opts: { witnesses?: boolean } = {}): Promise<AuditVerdict> {
  const keys = ownKeys(ctx);
  const local = anchorsFrom(ctx, await listOwnCheckpoints(ctx.store.db), 'local', keys);
  const anchors = [...local.anchors];
  const bad = [...local.bad];
  let witnesses: WitnessReport[] | undefined;
  if (opts.witnesses) {
    const w = await askWitnesses(ctx, keys);
    anchors.push(...w.anchors);
    bad.push(...w.bad);
    witnesses = w.reports;
  }
  const v = await verifyAuditChain(iterateAudit(ctx.store.db), anchors);
  return { ...v, ok: v.ok && bad.length === 0, ...(bad.length ? { badCheckpoints: bad } : {}), ...(witnesses ? { witnesses } : {}) };
}
