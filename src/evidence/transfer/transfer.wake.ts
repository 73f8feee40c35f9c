import type { NodeContext } from '../../context.js';
import { EvidenceJob } from './transfer.schemas.js';

/** Offers applied by the inbox since its last commit, per node (the inbox's transaction must commit before a fetch can see them). */
const offersArrived = new WeakSet<object>();

/** An offer was applied in the inbox's transaction: fetch once that transaction has committed. */
export function noteOfferArrived(ctx: NodeContext): void {
  offersArrived.add(ctx.events);
}

/**
 * Runs the fetch job as soon as the inbox has committed a batch that brought an offer (the
 * inbox announces every committed batch with `desk.changed`, source `inbox`). Until the
 * returned function is called.
 */
export function fetchWhenOffersArrive(ctx: NodeContext): () => void {
  return ctx.events.subscribe((e) => {
    if (e.source === 'inbox' && offersArrived.delete(ctx.events)) ctx.jobs.runSoon(EvidenceJob.fetch);
  });
}
