import { Type } from 'typebox';

/** JSON Schemas of the wire format; docs/federation-protocol.md embeds the same. */
export const SignatureSchema = Type.Object(
  { suite: Type.Literal('ed25519'), key: Type.String({ pattern: '^[0-9a-f]{64}$' }), value: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const EnvelopeSchema = Type.Object(
  {
    v: Type.Literal(1),
    id: Type.String({ format: 'uuid' }),
    from: Type.String({ minLength: 1, maxLength: 63 }),
    to: Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { minItems: 1, maxItems: 1000 }),
    type: Type.String({ minLength: 1, maxLength: 100 }),
    issued_at: Type.String({ minLength: 20, maxLength: 40 }),
    seq: Type.Optional(Type.Integer({ minimum: 1 })),
    body: Type.Unknown(),
    sig: SignatureSchema,
  },
  { additionalProperties: false },
);

export const MAX_BATCH = 5000;

/** The transport: a signed batch whose body carries the signed messages. */
export const BatchSchema = Type.Object(
  {
    v: Type.Literal(1),
    id: Type.String({ format: 'uuid' }),
    from: Type.String({ minLength: 1, maxLength: 63 }),
    to: Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { minItems: 1, maxItems: 1 }),
    type: Type.Literal('federation.batch/v1'),
    issued_at: Type.String({ minLength: 20, maxLength: 40 }),
    body: Type.Object({ envelopes: Type.Array(EnvelopeSchema, { minItems: 1, maxItems: MAX_BATCH }) }, { additionalProperties: false }),
    sig: SignatureSchema,
  },
  { additionalProperties: false },
);

export const ReceiptItemSchema = Type.Object({
  message_id: Type.String(),
  digest: Type.String(),
  status: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate'), Type.Literal('rejected')]),
  reason: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String()),
});

export const ReceiptSchema = Type.Object({
  v: Type.Literal(1),
  type: Type.Literal('federation.receipt'),
  batch_id: Type.String(),
  by: Type.String(),
  received_at: Type.String(),
  items: Type.Array(ReceiptItemSchema),
  sig: SignatureSchema,
});

export const NodeDescriptionSchema = Type.Object({
  v: Type.Literal(1),
  node_id: Type.String(),
  country: Type.String(),
  names: Type.Record(Type.String(), Type.String()),
  authority_kinds: Type.Array(Type.String()),
  key_suite: Type.Literal('ed25519'),
  public_key: Type.String(),
  issued_at: Type.String(),
  sig: SignatureSchema,
});
