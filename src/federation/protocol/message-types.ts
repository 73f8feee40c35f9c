import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { NodeContext } from '../../context.js';
import type { DbOrTrx } from '../../store/db.js';
import type { Envelope } from './envelope.js';

/**
 * Federation knows no capability: each capability declares its message types here (name,
 * schema of the body, handler) in its descriptor and the composition root registers them. The
 * handler runs in the transaction that stores the message, so a message is applied exactly
 * once; it gets the receiving node's context as a parameter. A handler may refuse a message
 * whose content its capability does not take from that sender (an event for a case the
 * sender is no party to) by returning why: the receipt then names it rejected, reason
 * `refused`, with that text.
 */
export interface MessageType<S extends TSchema = TSchema> {
  /** `capability.name/vN` — the version is part of the type. */
  type: string;
  body: S;
  handle(trx: DbOrTrx, envelope: Envelope<Static<S>>, ctx: NodeContext): Promise<void | string>;
  /**
   * Applies a run of consecutive messages of this type in one go (bulk inserts); when absent,
   * `handle` runs once per message. Same transaction, same exactly-once guarantee.
   */
  handleMany?(trx: DbOrTrx, envelopes: Envelope<Static<S>>[], ctx: NodeContext): Promise<void | ReadonlyMap<string, string>>;
  /** Messages that must apply in release order on the receiver. */
  ordered?: boolean;
  /**
   * Messages that may need an earlier release of their sender (a case event needs its case's
   * opening): the inbox stores a batch holding one after the batches of the sender with lower
   * release numbers that are arriving at the same time (SenderArrivals).
   */
  afterEarlierReleases?: boolean;
  /**
   * The inbox keeps the signed receipt it issues for a batch that stored a message of this type
   * (`issued_receipts`), so that this node can later show what it acknowledged, not only what
   * its peer did (a case bundle holds the receipts of both sides).
   */
  keepIssuedReceipt?: boolean;
}

export class MessageTypeRegistry {
  private types = new Map<string, { def: MessageType; check: ReturnType<typeof Compile> }>();

  register<S extends TSchema>(def: MessageType<S>): void {
    if (!/^[a-z][a-z0-9_.-]*\/v\d+$/.test(def.type)) throw new Error(`message type ${def.type} must look like capability.name/vN`);
    if (this.types.has(def.type)) throw new Error(`message type ${def.type} is registered twice`);
    this.types.set(def.type, { def: def as unknown as MessageType, check: Compile(def.body) });
  }

  get(type: string): { def: MessageType; check: ReturnType<typeof Compile> } | undefined {
    return this.types.get(type);
  }

  names(): string[] {
    return [...this.types.keys()].sort();
  }
}
