import type { FastifyBaseLogger } from 'fastify';
import type { DeskItem, DeskOwnEntry, DeskViewer } from '../capability.js';
import type { NodeContext } from '../context.js';
import { sortDeskItems, summarisePeers, type PeersSummary } from './desk.rules.js';

export interface DeskView {
  /** When the desk was read (the web app counts ages and deadlines from its own clock). */
  generated_at: string;
  items: DeskItem[];
  /** Null when no capability provides the panel or the viewer may not see it. */
  peers: PeersSummary | null;
  own_entry: DeskOwnEntry | null;
  /** Capabilities whose part failed this time: the rest of the desk still shows. */
  unavailable: string[];
}

/**
 * Everything on the duty desk for one viewer, from every capability's `desk` member. Each
 * part is read independently and at once; one that fails is logged and named in
 * `unavailable`, so a broken capability never blanks the desk of the officer on watch.
 */
export async function readDesk(ctx: NodeContext, viewer: DeskViewer, log: FastifyBaseLogger): Promise<DeskView> {
  const unavailable = new Set<string>();
  const guard = async <T>(capability: string, f: () => Promise<T>): Promise<T | null> => {
    try {
      return await f();
    } catch (err) {
      log.error({ err, capability }, 'a part of the duty desk failed');
      unavailable.add(capability);
      return null;
    }
  };
  const parts = await Promise.all(
    ctx.catalog.desk.map(async (c) => ({
      items: c.items ? await guard(c.capability, () => c.items!(ctx, viewer)) : null,
      peers: c.peers ? await guard(c.capability, () => c.peers!(ctx, viewer)) : null,
      ownEntry: c.ownEntry ? await guard(c.capability, () => c.ownEntry!(ctx, viewer)) : null,
    })),
  );
  const peers = parts.find((p) => p.peers)?.peers ?? null;
  return {
    generated_at: new Date().toISOString(),
    items: sortDeskItems(parts.flatMap((p) => p.items ?? [])),
    peers: peers ? summarisePeers(peers) : null,
    own_entry: parts.find((p) => p.ownEntry)?.ownEntry ?? null,
    unavailable: [...unavailable].sort(),
  };
}
