import type { Db } from '../store/db.js';
import { verifyAuditChain, type ChainVerdict } from './audit.chain.js';
import { iterateAudit } from './audit.repository.js';

/** Verifies the stored chain, reading it page by page. */
export function verifyStoredAudit(db: Db): Promise<ChainVerdict> {
  return verifyAuditChain(iterateAudit(db));
}
