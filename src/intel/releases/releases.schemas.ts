import { Type, type Static } from 'typebox';

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const NodeId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const StixType = Type.String({ pattern: '^[a-z0-9-]{1,250}$', maxLength: 250 });
const StixId = Type.String({ pattern: '^[a-z0-9-]{1,250}--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', maxLength: 300 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** The message type that carries released objects. */
export const IntelMessage = { objects: 'intel.objects/v1' } as const;

/** Objects in one message: many per message, so that replication is fast. */
export const OBJECTS_PER_MESSAGE = 500;

export const AudienceSchema = Type.Union([
  Type.Object({ kind: Type.Literal('peer'), node_id: NodeId }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('group'), group_id: Uuid }, { additionalProperties: false }),
]);
export type AudienceInput = Static<typeof AudienceSchema>;

export const FilterSchema = Type.Object(
  {
    types: Type.Optional(Type.Array(StixType, { minItems: 1, maxItems: 50, uniqueItems: true })),
    ids: Type.Optional(Type.Array(StixId, { minItems: 1, maxItems: 1000, uniqueItems: true })),
    new_local: Type.Optional(Type.Boolean({ description: 'only objects created or imported here after the release is made' })),
  },
  { additionalProperties: false, description: 'every criterion given must hold; at least one is needed' },
);

export const NewReleaseSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    audience: AudienceSchema,
    filter: FilterSchema,
  },
  { additionalProperties: false },
);
export type NewRelease = Static<typeof NewReleaseSchema>;

const ReleasePeerSchema = Type.Object(
  {
    peer_id: Type.String(),
    sent: Type.Integer({ description: 'objects queued for this peer (they leave through the outbox)' }),
    withheld: Type.Integer({ description: 'objects the filter chose that the release policy keeps from this peer' }),
    messages: Type.Integer({ description: 'messages of this release queued for this peer' }),
    updated_at: Type.String(),
  },
  { additionalProperties: false },
);

export const ReleaseSchema = Type.Object(
  {
    id: Uuid,
    title: Type.String(),
    audience: AudienceSchema,
    filter: FilterSchema,
    state: Type.Union([Type.Literal('active'), Type.Literal('stopped')]),
    created_by: Type.String(),
    created_at: Type.String(),
    stopped_by: Nullable(Type.String()),
    stopped_at: Nullable(Type.String()),
    peers: Type.Array(ReleasePeerSchema),
    collection_id: Uuid,
  },
  { $id: 'IntelRelease', additionalProperties: false },
);

export const ReleaseListSchema = Type.Object({ releases: Type.Array(Type.Ref('IntelRelease')) }, { additionalProperties: false });
export const ReleaseParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const ReceivedReleaseSchema = Type.Object(
  {
    from_node: Type.String(),
    release_id: Type.String(),
    title: Type.String(),
    audience_kind: Type.Union([Type.Literal('peer'), Type.Literal('group')]),
    messages: Type.Integer({ description: 'messages applied, in order' }),
    held: Type.Integer({ description: 'messages that came before an earlier one, waiting for it' }),
    objects: Type.Integer(),
    stored: Type.Integer(),
    refused: Type.Integer({ description: 'objects whose marking says they should not have reached this node, or not valid STIX' }),
    first_at: Type.String(),
    last_at: Type.String(),
  },
  { additionalProperties: false },
);
export const ReceivedReleaseListSchema = Type.Object({ received: Type.Array(ReceivedReleaseSchema) }, { additionalProperties: false });

/** One released object: the STIX object as stored, and whether the sender is its source. */
const ReleasedObject = Type.Object(
  {
    origin: Type.Union([Type.Literal('local'), Type.Literal('received')], { description: 'local: the sender is the source; received: it came to the sender from elsewhere' }),
    object: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);

/** The body of `intel.objects/v1`: the next message of a release to this peer. */
export const IntelObjectsBody = Type.Object(
  {
    release_id: Uuid,
    title: Type.String({ maxLength: 200 }),
    audience: Type.Union([Type.Object({ kind: Type.Literal('peer') }, { additionalProperties: false }), Type.Object({ kind: Type.Literal('group'), group_id: Uuid }, { additionalProperties: false })]),
    rseq: Type.Integer({ minimum: 1, description: 'the message number within this release to this peer: 1, 2, … without gaps' }),
    objects: Type.Array(ReleasedObject, { minItems: 1, maxItems: OBJECTS_PER_MESSAGE }),
  },
  { additionalProperties: false },
);
export type IntelObjectsBody = Static<typeof IntelObjectsBody>;
