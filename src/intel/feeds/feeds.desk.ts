import { roleMay } from '../../auth/roles.js';
import type { DeskContribution, DeskItem } from '../../capability.js';
import type { NodeContext } from '../../context.js';
import type { FeedRow } from '../intel.tables.js';

export const FeedsDeskKind = {
  /** A TAXII feed whose last run failed (and no success since): someone who manages feeds should look. */
  failing: 'intel.feed_failing',
} as const;

/** The Feeds tab of the intelligence page (web/src/intel/feedsApi.ts, FEEDS_PATH). */
const FEEDS_LINK = '/intelligence/feeds';
const LIMIT = 100;

/** Failed last: an error is recorded and no success came after the failed run (or none ever). */
export function feedFailing(r: Pick<FeedRow, 'last_error' | 'last_run_at' | 'last_success_at'>): boolean {
  if (r.last_error === null || r.last_run_at === null) return false;
  return r.last_success_at === null || r.last_success_at < r.last_run_at;
}

async function failingFeedItems(ctx: NodeContext): Promise<DeskItem[]> {
  const rows = await ctx.store.db
    .selectFrom('intel_feeds')
    .select(['id', 'title', 'last_error', 'last_run_at', 'last_success_at'])
    .where('last_error', 'is not', null)
    // A feed switched off was put aside on purpose: it no longer asks for attention.
    .where('enabled', '=', 1)
    .orderBy('last_run_at', 'desc')
    .limit(LIMIT)
    .execute();
  return rows.filter(feedFailing).map((r) => ({
    kind: FeedsDeskKind.failing,
    id: r.id,
    params: { feed: r.title, error: (r.last_error ?? '').slice(0, 300) },
    link: FEEDS_LINK,
    since: r.last_run_at!,
    severity: 'attention' as const,
  }));
}

/** Intelligence on the duty desk: feeds whose last run failed, for the roles that manage feeds (`intel:release`). */
export const feedsDesk: DeskContribution = {
  kinds: Object.values(FeedsDeskKind),
  items: async (ctx, viewer) => (roleMay(ctx.catalog.permissions, viewer.role, 'intel:release') ? failingFeedItems(ctx) : []),
};
