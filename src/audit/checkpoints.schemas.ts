import { Type, type Static } from 'typebox';
import { SignatureSchema } from '../federation/protocol/schemas.js';

export const CHECKPOINT_KIND = 'accord.audit_checkpoint' as const;

/**
 * A node's signed statement "my audit chain's entry `seq` has hash `hash`", made at `at`. It
 * stands alone (its own signature, not only the envelope's), so a witness can hand it back
 * later and the node can check that it really signed it.
 */
export const CheckpointSchema = Type.Object(
  {
    kind: Type.Literal(CHECKPOINT_KIND),
    v: Type.Literal(1),
    node: Type.String({ minLength: 1, maxLength: 63 }),
    seq: Type.Integer({ minimum: 1 }),
    hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    at: Type.String({ minLength: 20, maxLength: 40 }),
    sig: SignatureSchema,
  },
  { additionalProperties: false },
);
export type SignedCheckpoint = Static<typeof CheckpointSchema>;

/** A checkpoint as a witness holds it: the first one it received for that seq, and a conflicting second if any. */
export const WitnessedSchema = Type.Object(
  {
    checkpoint: CheckpointSchema,
    received_at: Type.String(),
    conflict: Type.Union([CheckpointSchema, Type.Null()]),
    conflict_at: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type Witnessed = Static<typeof WitnessedSchema>;

export const WITNESS_ANSWER_KIND = 'accord.audit_witness_answer' as const;

/** What a witness answers a node that asks for its checkpoints: signed by the witness. */
export const WitnessAnswerSchema = Type.Object(
  {
    kind: Type.Literal(WITNESS_ANSWER_KIND),
    v: Type.Literal(1),
    witness: Type.String(),
    node: Type.String(),
    at: Type.String(),
    checkpoints: Type.Array(WitnessedSchema),
    sig: SignatureSchema,
  },
  { additionalProperties: false },
);
export type WitnessAnswer = Static<typeof WitnessAnswerSchema>;
