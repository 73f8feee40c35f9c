import { Type, type Static } from 'typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const NoticeSchema = Type.Object(
  {
    id: Type.String(),
    direction: Type.Union([Type.Literal('received'), Type.Literal('sent')]),
    from_node: Type.String(),
    to_node: Type.String(),
    subject: Type.String(),
    text: Type.String(),
    issued_at: Type.String(),
    received_at: Type.String({ description: 'Received: when it arrived; sent: when it was queued' }),
    in_reply_to: Nullable(Type.String()),
    thread_id: Type.String({ description: 'The first notice of its thread' }),
    acknowledged_by: Nullable(Type.String()),
    acknowledged_at: Nullable(Type.String()),
    delivery: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('rejected'), Type.Null()], { description: 'Sent notices: the state of the message in the outbox' }),
    reply_count: Type.Integer(),
  },
);
export type NoticeResponse = Static<typeof NoticeSchema>;

export const NoticeListQuery = Type.Object(
  {
    direction: Type.Optional(Type.Union([Type.Literal('received'), Type.Literal('sent')], { default: 'received' })),
    state: Type.Optional(Type.Union([Type.Literal('unacknowledged'), Type.Literal('acknowledged')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  },
  { additionalProperties: false },
);

export const NoticeListSchema = Type.Object({
  notices: Type.Array(NoticeSchema),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
  unacknowledged: Type.Integer({ description: 'Received notices nobody here has acknowledged yet' }),
});

export const NoticeThreadSchema = Type.Object({ notice: NoticeSchema, thread: Type.Array(NoticeSchema) });

export const NoticeParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export const NoticeReplyBody = Type.Object({ subject: Type.String({ minLength: 1, maxLength: 200 }), text: Type.String({ maxLength: 10_000 }) }, { additionalProperties: false });
