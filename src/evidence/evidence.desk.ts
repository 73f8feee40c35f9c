import { roleMay } from '../auth/roles.js';
import type { DeskContribution, DeskItem } from '../capability.js';
import { caseVisibleSql, type Reader } from '../cases/index.js';
import type { NodeContext } from '../context.js';

export const EvidenceDeskKind = {
  /** An attachment the other party of a case sent arrived here whole, in the last day. */
  arrived: 'evidence.arrived',
  /** A transfer to or from the other party stopped as failed, in the last week: someone must look at why. */
  transferFailed: 'evidence.transfer_failed',
} as const;

const LIMIT = 100;
const ARRIVED_SHOWN_MS = 86_400_000;
const FAILED_SHOWN_MS = 7 * 86_400_000;

async function transferItems(ctx: NodeContext, now: Date, viewer: Reader, arrived: boolean, failed: boolean): Promise<DeskItem[]> {
  const { db } = ctx.store;
  // Only cases the viewer reaches under the case team rule (src/cases/team.rules.ts).
  const visible = caseVisibleSql(viewer, 'evidence_transfers.case_id');
  const transfers = () => (visible ? db.selectFrom('evidence_transfers').where(visible) : db.selectFrom('evidence_transfers'));
  const out: DeskItem[] = [];
  const row = ['attachment_id', 'case_id', 'peer', 'name', 'size', 'direction', 'error', 'finished_at'] as const;
  if (arrived) {
    const since = new Date(now.getTime() - ARRIVED_SHOWN_MS).toISOString();
    const rows = await transfers().select(row).where('direction', '=', 'in').where('state', '=', 'received').where('finished_at', '>=', since).orderBy('finished_at', 'desc').limit(LIMIT).execute();
    for (const r of rows) {
      out.push({ kind: EvidenceDeskKind.arrived, id: r.attachment_id, params: { peer: r.peer, name: r.name, size: Number(r.size) }, link: `/cases/${r.case_id}`, since: r.finished_at!, severity: 'info' });
    }
  }
  if (failed) {
    const since = new Date(now.getTime() - FAILED_SHOWN_MS).toISOString();
    const rows = await transfers().select(row).where('state', '=', 'failed').where('finished_at', '>=', since).orderBy('finished_at', 'desc').limit(LIMIT).execute();
    for (const r of rows) {
      out.push({ kind: EvidenceDeskKind.transferFailed, id: r.attachment_id, params: { peer: r.peer, name: r.name, direction: r.direction, error: (r.error ?? '').slice(0, 300) }, link: `/cases/${r.case_id}`, since: r.finished_at!, severity: 'attention' });
    }
  }
  return out;
}

/**
 * Evidence on the duty desk: attachments that arrived from the other party in the last day
 * (for those who work cases and may download them), and transfers that failed in the last
 * week (for those who attach evidence, who can attach it again).
 */
export const evidenceDesk: DeskContribution = {
  kinds: Object.values(EvidenceDeskKind),
  items: (ctx, viewer) => {
    const may = (p: string) => roleMay(ctx.catalog.permissions, viewer.role, p);
    return transferItems(ctx, new Date(), { id: viewer.userId, role: viewer.role }, may('cases:write') && may('evidence:download'), may('evidence:write'));
  },
};
