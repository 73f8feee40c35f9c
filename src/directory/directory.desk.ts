import { roleMay } from '../auth/roles.js';
import type { DeskContribution, DeskItem, DeskOwnEntry } from '../capability.js';
import type { NodeContext } from '../context.js';
import { severityByDeadline } from '../desk/desk.rules.js';
import { findEntryRow } from './directory.repository.js';
import { freshnessOf } from './directory.rules.js';

export const DirectoryDeskKind = {
  /** An incoming ping test: someone on duty here must confirm it before its deadline. */
  pingTestToConfirm: 'directory.ping_test_to_confirm',
  /** This node's own entry is missing, expiring, stale or expired: publish or confirm it. */
  ownEntryToRenew: 'directory.own_entry_to_renew',
} as const;

async function ownEntry(ctx: NodeContext): Promise<DeskOwnEntry> {
  const row = await findEntryRow(ctx.store.db, ctx.identity.node_id);
  if (!row) return { published_at: null, valid_until: null, freshness: 'missing' };
  return { published_at: row.published_at, valid_until: row.valid_until, freshness: freshnessOf(row, new Date(), ctx.settings.directoryStaleAfterDays) };
}

/** Incoming ping tests still open, for the roles that answer them. */
async function pingTestsToConfirm(ctx: NodeContext, now: Date): Promise<DeskItem[]> {
  const open = await ctx.store.db
    .selectFrom('ping_tests')
    .select(['id', 'peer_node', 'started_at', 'deadline_at', 'window_minutes'])
    .where('direction', '=', 'incoming')
    .where('status', '=', 'pending')
    .where('deadline_at', '>', now.toISOString())
    .execute();
  return open.map((t) => ({
    kind: DirectoryDeskKind.pingTestToConfirm,
    id: t.id,
    params: { peer: t.peer_node, window_minutes: Number(t.window_minutes) },
    link: '/directory/ping-tests',
    since: t.started_at,
    due: t.deadline_at,
    severity: severityByDeadline(t.started_at, t.deadline_at, now),
  }));
}

function ownEntryItem(ctx: NodeContext, e: DeskOwnEntry): DeskItem[] {
  if (e.freshness === 'valid') return [];
  return [
    {
      kind: DirectoryDeskKind.ownEntryToRenew,
      id: ctx.identity.node_id,
      params: { freshness: e.freshness },
      link: '/directory/own',
      since: e.published_at ?? ctx.identity.created_at,
      ...(e.valid_until ? { due: e.valid_until } : {}),
      severity: e.freshness === 'missing' || e.freshness === 'expired' ? 'urgent' : 'attention',
    },
  ];
}

/** The directory's part of the duty desk: ping tests to confirm, the own entry to renew, its freshness panel. */
export const directoryDesk: DeskContribution = {
  kinds: Object.values(DirectoryDeskKind),
  async items(ctx, viewer) {
    const may = (p: string) => roleMay(ctx.catalog.permissions, viewer.role, p);
    const out: DeskItem[] = [];
    if (may('ping:answer')) out.push(...(await pingTestsToConfirm(ctx, new Date())));
    if (may('directory:write')) out.push(...ownEntryItem(ctx, await ownEntry(ctx)));
    return out;
  },
  ownEntry: (ctx) => ownEntry(ctx),
};
