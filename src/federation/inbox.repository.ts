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

/**
 * The signed receipts this node issued for the batches that stored any of `messageIds` and
 * kept their receipt (MessageType.keepIssuedReceipt), as canonical JSON, by batch id.
 */
export async function issuedReceiptsFor(db: DbOrTrx, messageIds: readonly string[]): Promise<Map<string, string>> {
  const batches = new Set<string>();
  for (let i = 0; i < messageIds.length; i += 500) {
    for (const r of await db.selectFrom('inbox').select('batch_id').where('id', 'in', messageIds.slice(i, i + 500)).execute()) batches.add(r.batch_id);
  }
  const ids = [...batches];
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await db.selectFrom('issued_receipts').select(['batch_id', 'receipt']).where('batch_id', 'in', ids.slice(i, i + 500)).execute()) out.set(r.batch_id, r.receipt);
  }
  return out;
}
