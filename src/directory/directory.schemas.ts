import { Type, type Static } from 'typebox';

/** The roles of contact points the conventions name (24/7 network, CERTs, diplomacy, MLA). */
export const ContactRole = {
  lawEnforcement247: 'law_enforcement_24_7',
  technicalCert: 'technical_cert',
  diplomatic: 'diplomatic',
  centralAuthority: 'central_authority',
} as const;
export type ContactRole = (typeof ContactRole)[keyof typeof ContactRole];

const Lang = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' });
const Names = Type.Record(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }), Type.String({ minLength: 1, maxLength: 200 }), { minProperties: 1 });

/** How a contact can be reached. Kinds after `accord` were added later: all of their fields are optional on the wire. */
export const ChannelKind = {
  phone: 'phone',
  email: 'email',
  accord: 'accord',
  /** A secure messenger: `messenger` names it, `value` is the handle. */
  messenger: 'messenger',
  fax: 'fax',
  /** An OpenPGP key: `value` is its fingerprint, `key` the armored public key (optional). */
  pgp: 'pgp',
  /** An S/MIME certificate: `value` is its SHA-256 fingerprint, `certificate` the PEM (optional). */
  smime: 'smime',
} as const;
export type ChannelKind = (typeof ChannelKind)[keyof typeof ChannelKind];
export const CHANNEL_KINDS: readonly ChannelKind[] = Object.values(ChannelKind);

/** Secure messengers a contact may name (`other`: say which in the handle). */
export const MESSENGERS = ['signal', 'threema', 'wire', 'matrix', 'other'] as const;
export type Messenger = (typeof MESSENGERS)[number];

/** Longest pasted key or certificate (a 4096-bit RSA OpenPGP key with a few signatures fits). */
export const MAX_KEY_CHARS = 16_384;

export const ChannelSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('phone'), Type.Literal('email'), Type.Literal('accord'), Type.Literal('messenger'), Type.Literal('fax'), Type.Literal('pgp'), Type.Literal('smime')]),
    value: Type.String({ minLength: 1, maxLength: 200 }),
    messenger: Type.Optional(Type.Union([Type.Literal('signal'), Type.Literal('threema'), Type.Literal('wire'), Type.Literal('matrix'), Type.Literal('other')])),
    key: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_KEY_CHARS })),
    certificate: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_KEY_CHARS })),
  },
  { additionalProperties: false },
);
export type ContactChannel = Static<typeof ChannelSchema>;

export const HoursSchema = Type.Object(
  {
    /** true: staffed around the clock (the 24/7 network). */
    always: Type.Boolean(),
    days: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7, uniqueItems: true })),
    from: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' })),
    to: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' })),
  },
  { additionalProperties: false },
);

export const ContactSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    role: Type.Union([Type.Literal(ContactRole.lawEnforcement247), Type.Literal(ContactRole.technicalCert), Type.Literal(ContactRole.diplomatic), Type.Literal(ContactRole.centralAuthority)]),
    names: Names,
    languages: Type.Array(Lang, { minItems: 1, maxItems: 20 }),
    hours: HoursSchema,
    channels: Type.Array(ChannelSchema, { minItems: 1, maxItems: 10 }),
    /** Order in which contacts are tried when nobody answers (lower first). */
    escalation_order: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

const RequestTypeId = Type.String({ pattern: '^(\\*|[a-z0-9][a-z0-9_-]*)$', maxLength: 100 });

/**
 * A node's requirements profile for cooperation requests, published with its directory entry:
 * what a requesting node needs to know beyond the instrument before it sends. Request types
 * are the legal catalogue's ids (`*`: every type).
 */
export const RequirementsSchema = Type.Object(
  {
    /** Languages requests are accepted in (the original or a translation must be in one). */
    languages: Type.Array(Lang, { maxItems: 20 }),
    /** Request types this node accepts; empty: says nothing (the agreements decide). */
    request_types: Type.Array(RequestTypeId, { maxItems: 50, uniqueItems: true }),
    /** Fields this node's law requires beyond the instrument, with a label per language. */
    extra_fields: Type.Array(
      Type.Object(
        { id: Type.String({ pattern: '^[a-z0-9][a-z0-9_]*$', maxLength: 64 }), request_types: Type.Array(RequestTypeId, { minItems: 1, maxItems: 50 }), label: Names },
        { additionalProperties: false },
      ),
      { maxItems: 30 },
    ),
    /** Which contact (by id) takes which request type. */
    send_to: Type.Array(Type.Object({ request_type: RequestTypeId, contact: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }), { maxItems: 50 }),
    /** Typical days to execute, by request type: what a requester may plan with. */
    typical_days: Type.Array(Type.Object({ request_type: RequestTypeId, days: Type.Integer({ minimum: 0, maximum: 3650 }) }, { additionalProperties: false }), { maxItems: 50 }),
    /** Free notes, per language. */
    notes: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }), Type.String({ minLength: 1, maxLength: 4000 }))),
  },
  { additionalProperties: false },
);
export type Requirements = Static<typeof RequirementsSchema>;

/** The longest validity an entry may have, from its publication (days). */
export const MAX_VALID_DAYS = 730;

/** What a coordinator edits. */
export const EntryInputSchema = Type.Object(
  {
    authority_names: Names,
    authority_kinds: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 4 }),
    time_zone: Type.String({ minLength: 1, maxLength: 64 }),
    languages: Type.Array(Lang, { minItems: 1, maxItems: 20 }),
    contacts: Type.Array(ContactSchema, { minItems: 1, maxItems: 100 }),
    /** Days from now until the entry must be re-confirmed (default 180). */
    valid_days: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_VALID_DAYS })),
    /** The requirements profile for cooperation requests sent to this node. */
    requirements: Type.Optional(RequirementsSchema),
    /** Publish to the members of these groups; all active peers when absent. */
    groups: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type EntryInput = Static<typeof EntryInputSchema>;

/** A published, versioned directory entry — the body of `directory.entry/v1`. */
export const EntrySchema = Type.Object(
  {
    node_id: Type.String({ minLength: 2, maxLength: 63 }),
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    version: Type.Integer({ minimum: 1 }),
    authority_names: Names,
    authority_kinds: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 4 }),
    time_zone: Type.String({ minLength: 1, maxLength: 64 }),
    languages: Type.Array(Lang, { minItems: 1, maxItems: 20 }),
    contacts: Type.Array(ContactSchema, { minItems: 1, maxItems: 100 }),
    published_at: Type.String({ minLength: 20, maxLength: 40 }),
    valid_until: Type.String({ minLength: 20, maxLength: 40 }),
    /** Added later: nodes built before it refuse entries that carry it. */
    requirements: Type.Optional(RequirementsSchema),
  },
  { additionalProperties: false },
);
export type DirectoryEntry = Static<typeof EntrySchema>;
