import { Type, type Static } from 'typebox';

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Id = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });

/**
 * `evidence.offer/v1`: the sender offers the other party of a case one attachment. The
 * content does not travel with it: the receiver pulls the chunks (GET
 * /federation/v1/evidence/<attachment id>/chunks/<i>) and the list of their hashes
 * (…/hashes), checking that list against `chunk_list_sha256` and each chunk against it.
 */
export const OfferBody = Type.Object(
  {
    case_id: Id,
    attachment_id: Id,
    event_id: Type.Union([Id, Type.Null()]),
    sha256: Sha256,
    size: Type.Integer({ minimum: 0, maximum: 2 ** 50 }),
    name: Type.String({ minLength: 1, maxLength: 255 }),
    media_type: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.String({ maxLength: 4000 }),
    /** Who attached it on the sender (`user:<id>` or `node:<id>`). */
    added_by: Type.String({ minLength: 1, maxLength: 200 }),
    /** Plaintext bytes per chunk: every chunk but the last holds exactly this many. */
    chunk_bytes: Type.Integer({ minimum: 1, maximum: 64 * 1024 * 1024 }),
    /** floor(size / chunk_bytes) + 1: the last chunk is shorter, empty when the size is a multiple. */
    chunks: Type.Integer({ minimum: 1 }),
    /** SHA-256 of the chunks' SHA-256 values, raw 32 bytes each, in order. */
    chunk_list_sha256: Sha256,
  },
  { additionalProperties: false },
);
export type OfferBody = Static<typeof OfferBody>;

/** `evidence.received/v1`: the receiver's signed answer, naming the hash it checked (or why it failed). */
export const ReceivedBody = Type.Object(
  {
    case_id: Id,
    attachment_id: Id,
    sha256: Sha256,
    outcome: Type.Union([Type.Literal('received'), Type.Literal('failed')]),
    /** Why the transfer failed (outcome `failed`). */
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    at: Type.String({ maxLength: 40 }),
  },
  { additionalProperties: false },
);
export type ReceivedBody = Static<typeof ReceivedBody>;

export const EvidenceMessage = { offer: 'evidence.offer/v1', received: 'evidence.received/v1' } as const;

/** The jobs that move evidence: run when work for them arrives, and as a slow safety net. */
export const EvidenceJob = { offer: 'evidence.offer', fetch: 'evidence.fetch' } as const;

/** A transfer as the API shows it, on the attachment. */
export const TransferStateSchema = Type.Object(
  {
    attachment_id: Type.String(),
    direction: Type.Union([Type.Literal('out'), Type.Literal('in')]),
    peer: Type.String(),
    state: Type.Union([Type.Literal('offered'), Type.Literal('transferring'), Type.Literal('received'), Type.Literal('failed')]),
    chunks: Type.Integer(),
    /** Chunks stored (receiver) or served (sender) so far. */
    chunks_done: Type.Integer(),
    size: Type.Integer(),
    sha256: Type.String(),
    error: Type.Union([Type.String(), Type.Null()]),
    updated_at: Type.String(),
    finished_at: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'EvidenceTransfer' },
);
export type TransferStateView = Static<typeof TransferStateSchema>;
