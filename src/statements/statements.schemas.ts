import { Type, type Static } from 'typebox';

/**
 * The joint statements protocol (docs/statements.md): message names and body schemas. Every
 * step of drafting, adopting and co-signing a statement or agreement is an event with its own
 * `event_id`, signed by its author and sent to every other member of the group.
 */
export const StatementUuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
export const StatementNodeId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const Timestamp = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' });
/** A SHA-256 digest, lowercase hex. */
export const Digest = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const StatementKind = Type.Union([Type.Literal('joint_statement'), Type.Literal('agreement')]);
export type StatementKind = Static<typeof StatementKind>;
export const StatementTitle = Type.String({ minLength: 1, maxLength: 300 });
/** A language version: BCP 47 primary language (two or three letters), e.g. `en`, `ru`, `uz`. */
export const LangTag = '^[a-z]{2,3}$';
export const LangText = Type.String({ minLength: 1, maxLength: 20000 });
/** Language versions of the text, each kept separately: `{ en: '…', ru: '…' }`. */
export const Texts = Type.Record(Type.String({ pattern: LangTag }), LangText, { minProperties: 1, maxProperties: 8 });
export const Reason = Type.String({ maxLength: 2000 });

const EventFields = { event_id: StatementUuid, created_at: Timestamp, group_id: StatementUuid, statement_id: StatementUuid };

/** A new draft; `statement_id` is the event's own id. */
export const StatementCreatedBody = Type.Object({ ...EventFields, kind: StatementKind, title: StatementTitle, texts: Texts }, { additionalProperties: false });
/** A new text for one or more language versions of the version whose digest it names. */
export const AmendmentBody = Type.Object({ ...EventFields, base_digest: Digest, texts: Texts }, { additionalProperties: false });
/** A member's answer to an amendment. */
export const AmendmentAnswerBody = Type.Object({ ...EventFields, amendment_id: StatementUuid, amendment_author: StatementNodeId, answer: Type.Union([Type.Literal('accept'), Type.Literal('refuse')]), reason: Reason }, { additionalProperties: false });
/** A proposal to adopt the version with this digest; it is its author's consent as well. */
export const AdoptionProposalBody = Type.Object({ ...EventFields, digest: Digest }, { additionalProperties: false });
/** A member's consent to adopting the version with this digest. */
export const AdoptionConsentBody = Type.Object({ ...EventFields, digest: Digest }, { additionalProperties: false });
/** A party's node signature of the adopted document (Ed25519 over its RFC 8785 form). */
export const SignatureBody = Type.Object(
  {
    ...EventFields,
    digest: Digest,
    suite: Type.Literal('ed25519'),
    /** The signer's raw 32-byte public key, base64url. */
    public_key: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
    /** SHA-256 of the raw public key, hex: the fingerprint peers pin. */
    key: Digest,
    value: Type.String({ pattern: '^[A-Za-z0-9_-]{86}$' }),
  },
  { additionalProperties: false },
);
/** Signed statement events of a group relayed to a member that joined it; each is verified on arrival. */
export const StatementHistoryBody = Type.Object({ group_id: StatementUuid, envelopes: Type.Array(Type.Unknown(), { maxItems: 2000 }) }, { additionalProperties: false });

export type StatementCreatedBody = Static<typeof StatementCreatedBody>;
export type AmendmentBody = Static<typeof AmendmentBody>;
export type AmendmentAnswerBody = Static<typeof AmendmentAnswerBody>;
export type AdoptionProposalBody = Static<typeof AdoptionProposalBody>;
export type AdoptionConsentBody = Static<typeof AdoptionConsentBody>;
export type SignatureBody = Static<typeof SignatureBody>;
export type StatementHistoryBody = Static<typeof StatementHistoryBody>;
export type StatementEventBody = StatementCreatedBody | AmendmentBody | AmendmentAnswerBody | AdoptionProposalBody | AdoptionConsentBody | SignatureBody;

export const StatementMessage = {
  statement: 'statements.statement/v1',
  amendment: 'statements.amendment/v1',
  answer: 'statements.answer/v1',
  adoption: 'statements.adoption/v1',
  consent: 'statements.consent/v1',
  signature: 'statements.signature/v1',
  history: 'statements.history/v1',
} as const;

export const StatementEventType = { statement: 'statement', amendment: 'amendment', answer: 'answer', adoption: 'adoption', consent: 'consent', signature: 'signature' } as const;
export type StatementEventType = (typeof StatementEventType)[keyof typeof StatementEventType];
