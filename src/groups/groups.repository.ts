import type { Insertable, Selectable } from 'kysely';
import { findPeer, type PeerRow } from '../federation/peers.repository.js';
import { publicKeyFromRaw, verifyEnvelopeSignature, type Envelope } from '../federation/protocol/envelope.js';
import type { DbOrTrx } from '../store/db.js';
import type { Change } from './groups.schemas.js';
import type { GroupEvent } from './groups.rules.js';
import type { GroupEventsTable, GroupEventType } from './groups.tables.js';

export type GroupEventRow = Selectable<GroupEventsTable>;

/** An event's signed time may differ this much from its envelope's; beyond it the event is not kept. */
const MAX_CLOCK_GAP_MS = 10 * 60_000;

const TYPE_BY_MESSAGE: Record<string, GroupEventType> = {
  'groups.proposal/v1': 'proposal',
  'groups.consent/v1': 'consent',
  'groups.refusal/v1': 'refusal',
};

interface EventBody {
  event_id: string;
  group_id: string;
  created_at: string;
  proposal_id?: string;
  change?: { kind: string };
}

/** The row for a received or sent event envelope; null when it is not a group event or its time is implausible. */
export function eventFromEnvelope(e: Envelope<unknown>, receivedAt = new Date().toISOString()): Insertable<GroupEventsTable> | null {
  const type = TYPE_BY_MESSAGE[e.type];
  const b = e.body as EventBody;
  if (!type || Math.abs(Date.parse(b.created_at) - Date.parse(e.issued_at)) > MAX_CLOCK_GAP_MS) return null;
  return {
    event_id: b.event_id,
    group_id: b.group_id,
    type,
    author: e.from,
    created_at: b.created_at,
    proposal_id: b.proposal_id ?? null,
    kind: b.change?.kind ?? null,
    envelope: JSON.stringify(e),
    sig_key: e.sig.key,
    received_at: receivedAt,
  };
}

/** Stores an event once: a second copy (another delivery, a relayed history) is ignored. */
export async function insertGroupEvent(db: DbOrTrx, row: Insertable<GroupEventsTable> | null): Promise<void> {
  if (!row) return;
  await db.insertInto('group_events').values(row).onConflict((oc) => oc.column('event_id').doNothing()).execute();
}

export async function listGroupEventRows(db: DbOrTrx, groupId: string): Promise<GroupEventRow[]> {
  return db.selectFrom('group_events').selectAll().where('group_id', '=', groupId).orderBy('created_at').orderBy('event_id').execute();
}

/** Every group this node has a founding proposal of. */
export async function listGroupIds(db: DbOrTrx): Promise<string[]> {
  const rows = await db.selectFrom('group_events').select('group_id').where('kind', '=', 'create').orderBy('created_at').execute();
  return rows.map((r) => r.group_id);
}

export function rowToGroupEvent(r: GroupEventRow): GroupEvent {
  const body = (JSON.parse(r.envelope) as Envelope<EventBody & { change: Change; reason?: string }>).body;
  const base = { id: r.event_id, author: r.author, created_at: r.created_at };
  switch (r.type) {
    case 'proposal':
      return { ...base, type: 'proposal', change: body.change };
    case 'consent':
      return { ...base, type: 'consent', proposal_id: r.proposal_id! };
    case 'refusal':
      return { ...base, type: 'refusal', proposal_id: r.proposal_id!, ...(body.reason !== undefined ? { reason: body.reason } : {}) };
  }
}

/** The author's key that signed at `issuedAt`: the pinned one, or one it retired later (key rotation). */
function signingKeyOf(peer: PeerRow, fingerprint: string, issuedAt: string): string | null {
  if (peer.fingerprint === fingerprint) return peer.public_key;
  let retired: { public_key: string; fingerprint: string; retired_at: string }[] = [];
  try {
    retired = JSON.parse(peer.retired_keys) as typeof retired;
  } catch {
    return null;
  }
  return retired.find((k) => k.fingerprint === fingerprint && issuedAt < k.retired_at)?.public_key ?? null;
}

/**
 * Stores the events another member relayed to an invitee, each only if it is a group event of
 * that group signed by its author's pinned key: a relay cannot forge or alter an event.
 */
export async function storeRelayedHistory(trx: DbOrTrx, me: string, groupId: string, envelopes: unknown[], bodyFits: (type: string, body: unknown) => boolean): Promise<number> {
  let stored = 0;
  const now = new Date().toISOString();
  for (const raw of envelopes) {
    const e = raw as Envelope<EventBody>;
    if (typeof e !== 'object' || e === null || typeof e.from !== 'string' || typeof e.type !== 'string' || typeof e.issued_at !== 'string' || typeof e.sig?.key !== 'string') continue;
    if (e.from === me || !TYPE_BY_MESSAGE[e.type] || !bodyFits(e.type, e.body) || e.body.group_id !== groupId) continue;
    const peer = await findPeer(trx, e.from);
    if (!peer || peer.status === 'removed') continue;
    const key = signingKeyOf(peer, e.sig.key, e.issued_at);
    if (!key || !verifyEnvelopeSignature(e as Envelope, publicKeyFromRaw(key))) continue;
    const row = eventFromEnvelope(e, now);
    if (!row) continue;
    await insertGroupEvent(trx, row);
    stored++;
  }
  return stored;
}
