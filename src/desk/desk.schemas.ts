import { Type, type Static } from 'typebox';

const IsoTime = Type.String({ description: 'ISO 8601 time' });

export const DeskItemSchema = Type.Object({
  kind: Type.String({ description: 'what waits, `<capability>.<what>`; the web app translates `desk.kinds.<kind>`' }),
  id: Type.String(),
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), { description: 'values for the translated title' }),
  link: Type.String({ description: 'client-side path where it is acted on' }),
  since: IsoTime,
  due: Type.Optional(IsoTime),
  severity: Type.Union([Type.Literal('info'), Type.Literal('attention'), Type.Literal('urgent')]),
});

export const DeskPeerSchema = Type.Object({
  node_id: Type.String(),
  status: Type.String(),
  reachable: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: never contacted' }),
  last_contact_at: Type.Union([IsoTime, Type.Null()]),
  last_error_at: Type.Union([IsoTime, Type.Null()]),
  outbox_depth: Type.Integer({ description: 'messages waiting in the outbox for this peer' }),
  oldest_pending_at: Type.Union([IsoTime, Type.Null()]),
});

export const DeskViewSchema = Type.Object({
  generated_at: IsoTime,
  items: Type.Array(DeskItemSchema, { description: 'most severe first, then nearest deadline, then longest waiting' }),
  peers: Type.Union(
    [
      Type.Object({
        total: Type.Integer(),
        unreachable: Type.Integer(),
        with_backlog: Type.Integer(),
        pending_messages: Type.Integer(),
        oldest_pending_at: Type.Union([IsoTime, Type.Null()]),
        peers: Type.Array(DeskPeerSchema),
      }),
      Type.Null(),
    ],
    { description: 'null for roles that may not read peers' },
  ),
  own_entry: Type.Union([
    Type.Object({
      published_at: Type.Union([IsoTime, Type.Null()]),
      valid_until: Type.Union([IsoTime, Type.Null()]),
      freshness: Type.Union([Type.Literal('missing'), Type.Literal('valid'), Type.Literal('expiring'), Type.Literal('stale'), Type.Literal('expired')]),
    }),
    Type.Null(),
  ]),
  unavailable: Type.Array(Type.String(), { description: 'capabilities whose part of the desk failed this time' }),
});
export type DeskViewBody = Static<typeof DeskViewSchema>;
