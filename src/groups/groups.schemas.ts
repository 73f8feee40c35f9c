import { Type, type Static } from 'typebox';
import { AgreementSchema } from './agreements.js';

/**
 * The groups protocol (docs: "Groups and agreements"): its message names and body schemas.
 * Every proposal, consent and refusal is an event with its own `event_id`, sent by its author
 * in a signed envelope to every other participant. The envelopes differ per recipient (id, to,
 * seq, signature); the body — and so the event — is the same everywhere, and every node keeps
 * the signed envelope it holds. Schemas only: rules, storage and handlers import them.
 */
export const GroupLevel = { bilateral: 'bilateral', regional: 'regional', global: 'global' } as const;
export type GroupLevel = (typeof GroupLevel)[keyof typeof GroupLevel];

export const UuidSchema = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
export const NodeIdSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const TimestampSchema = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' });

export const QuorumSchema = Type.Union([
  Type.Object({ kind: Type.Literal('all') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('at_least'), n: Type.Integer({ minimum: 1, maximum: 1000 }) }, { additionalProperties: false }),
]);
export type Quorum = Static<typeof QuorumSchema>;
export const CharterSchema = Type.Object({ quorum: QuorumSchema }, { additionalProperties: false });
export type Charter = Static<typeof CharterSchema>;

/** The adopted joint agreement (a statement of kind `agreement`, src/statements) whose terms a change puts in force. */
export const AgreementSourceSchema = Type.Object(
  { statement_id: UuidSchema, digest: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'the adopted version co-signed by the parties' }) },
  { additionalProperties: false },
);
export type AgreementSource = Static<typeof AgreementSourceSchema>;

export const LevelSchema = Type.Union([Type.Literal('bilateral'), Type.Literal('regional'), Type.Literal('global')]);

export const ChangeSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('create'),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      level: LevelSchema,
      charter: CharterSchema,
      agreement: AgreementSchema,
      invitees: Type.Array(NodeIdSchema, { minItems: 1, maxItems: 500, uniqueItems: true }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('add_member'), node: NodeIdSchema }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('remove_member'), node: NodeIdSchema }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('change_agreement'), agreement: AgreementSchema, source: Type.Optional(AgreementSourceSchema) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('change_charter'), charter: CharterSchema }, { additionalProperties: false }),
]);
export type Change = Static<typeof ChangeSchema>;
export type ChangeKind = Change['kind'];

const EventFields = { event_id: UuidSchema, group_id: UuidSchema, created_at: TimestampSchema };

export const ProposalBody = Type.Object({ ...EventFields, change: ChangeSchema }, { additionalProperties: false });
/** v1 answers name the proposal by id alone; still accepted, they count only where that id is unambiguous (see groups.rules.ts). */
export const ConsentBody = Type.Object({ ...EventFields, proposal_id: UuidSchema }, { additionalProperties: false });
export const RefusalBody = Type.Object({ ...EventFields, proposal_id: UuidSchema, reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
/**
 * v2 answers name the proposal by its author, id and body digest (SHA-256 of the RFC 8785
 * form of the proposal's body): they count only for that very proposal, never for another
 * node's proposal under the same id.
 */
const ProposalRef = { proposal_id: UuidSchema, proposal_author: NodeIdSchema, proposal_digest: Type.String({ pattern: '^[0-9a-f]{64}$' }) };
export const ConsentBodyV2 = Type.Object({ ...EventFields, ...ProposalRef }, { additionalProperties: false });
export const RefusalBodyV2 = Type.Object({ ...EventFields, ...ProposalRef, reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
/** Signed envelopes of other authors, relayed to an invitee; each is verified on arrival. */
export const HistoryBody = Type.Object({ group_id: UuidSchema, envelopes: Type.Array(Type.Unknown(), { maxItems: 10_000 }) }, { additionalProperties: false });

export type ProposalBody = Static<typeof ProposalBody>;
export type ConsentBody = Static<typeof ConsentBody>;
export type RefusalBody = Static<typeof RefusalBody>;
export type ConsentBodyV2 = Static<typeof ConsentBodyV2>;
export type RefusalBodyV2 = Static<typeof RefusalBodyV2>;
export type HistoryBody = Static<typeof HistoryBody>;
/** The body of any group event (the history message carries events, it is not one). */
export type GroupEventBody = ProposalBody | ConsentBody | RefusalBody | ConsentBodyV2 | RefusalBodyV2;

export const GroupMessage = {
  proposal: 'groups.proposal/v1',
  consent: 'groups.consent/v1',
  refusal: 'groups.refusal/v1',
  consentV2: 'groups.consent/v2',
  refusalV2: 'groups.refusal/v2',
  history: 'groups.history/v1',
} as const;
