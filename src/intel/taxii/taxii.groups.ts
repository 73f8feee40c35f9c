import type { NodeContext } from '../../context.js';
import { groupLogsHead, listGroups, type GroupView } from '../../groups/groups.service.js';
import type { MemberSpan } from './taxii.query.js';

/** A TAXII collection of a group this node is an active member of. */
export interface GroupCollection {
  id: string;
  group: { id: string; name: string | null };
  /** Each member's spans of membership: whose releases to the group the collection serves. */
  senders: MemberSpan[];
}

/**
 * Each node's spans of membership, from the group's membership changes (in fold order). A
 * joining counts from `skewMs` before its time: the time is the deciding event's, on its
 * author's clock, and a new member may release as soon as it holds that event. A leaving
 * counts from its time exactly.
 */
export function memberSpans(membership: GroupView['membership'], skewMs: number): MemberSpan[] {
  const spans: MemberSpan[] = [];
  const open = new Map<string, MemberSpan>();
  for (const m of membership) {
    if (m.change === 'joined' && !open.has(m.node)) {
      const span = { node: m.node, from: new Date(Date.parse(m.at) - skewMs).toISOString(), until: null };
      open.set(m.node, span);
      spans.push(span);
    } else if (m.change === 'left') {
      const span = open.get(m.node);
      if (span) span.until = m.at;
      open.delete(m.node);
    }
  }
  return spans;
}

/**
 * The group collections, found without folding every group on each request: the fold is kept
 * under the head of the group logs (groupLogsHead), read first on every call, so a change to
 * any group's log (a member joining or leaving) is folded before the next answer; membership is
 * never served stale.
 */
export function groupCollections(ctx: NodeContext, collectionId: (groupId: string) => string) {
  let kept: { head: string; list: GroupCollection[]; byId: Map<string, GroupCollection> } | null = null;
  const current = async () => {
    const head = await groupLogsHead(ctx.store.db);
    if (kept?.head === head) return kept;
    const me = ctx.identity.node_id;
    const skewMs = ctx.settings.clockSkewSeconds * 1000;
    const list = (await listGroups(ctx))
      .filter((g) => g.status === 'active' && g.members.includes(me))
      .map((g) => ({ id: collectionId(g.id), group: { id: g.id, name: g.name }, senders: memberSpans(g.membership, skewMs) }));
    kept = { head, list, byId: new Map(list.map((c) => [c.id, c])) };
    return kept;
  };
  return {
    /** The active groups this node is a member of, by its own record, in the order groups list them. */
    list: async () => (await current()).list,
    find: async (id: string) => (await current()).byId.get(id),
  };
}
