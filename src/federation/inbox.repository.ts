import type { DbOrTrx } from '../store/db.js';

/**
 * Whether every release (`seq`) of `from` below `seq` has arrived here: then nothing the peer
 * sent before this message is still on its way (batches may overtake each other in flight).
 * Read by the inbox's (from_node, seq) index; the same transaction sees the rows of the batch
 * being stored. For capabilities that must tell "not yet" from "never".
 */
export async function releasesBelowArrived(db: DbOrTrx, from: string, seq: number): Promise<boolean> {
  const r = await db.selectFrom('inbox').select((eb) => eb.fn.countAll<string | number>().as('n')).where('from_node', '=', from).where('seq', '<', seq).executeTakeFirstOrThrow();
  return Number(r.n) >= seq - 1;
}
