import { Type, type Static } from 'typebox';

/**
 * An agreement: the legal instrument behind a link or a group (a convention, a regional or a
 * bilateral intergovernmental agreement) and what it allows. Every list is an allow-list; `*`
 * allows anything. Later capabilities ask `agreementAllows` before they send or accept.
 */
const Token = Type.String({ minLength: 1, maxLength: 100, pattern: '^(\\*|[a-z][a-z0-9_.:-]*)$' });
/** BCP 47 language tag (`en`, `ru`, `uz-Latn`) or `*`. */
const LanguageTag = Type.String({ minLength: 1, maxLength: 35, pattern: '^(\\*|[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*)$' });

export const AgreementSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 300 }),
    /** The instrument and its date, e.g. "SCO Agreement of 16 June 2009". */
    instrument: Type.String({ minLength: 1, maxLength: 300 }),
    channels: Type.Array(Token, { maxItems: 50, uniqueItems: true }),
    request_types: Type.Array(Token, { maxItems: 200, uniqueItems: true }),
    languages: Type.Array(LanguageTag, { maxItems: 50, uniqueItems: true }),
    confidentiality: Type.String({ maxLength: 4000 }),
    /**
     * Hours within which the requested side acknowledges a request, per priority; where an
     * agreement sets none, Accord's defaults apply (src/cases/cases.rules.ts, ACK_WINDOW_MS).
     */
    acknowledgement_hours: Type.Optional(
      Type.Object(
        {
          emergency: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760 })),
          urgent: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760 })),
          routine: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type Agreement = Static<typeof AgreementSchema>;

export interface AgreementQuery {
  channel?: string;
  requestType?: string;
  /** A BCP 47 tag; `ru-RU` is allowed by `ru`. */
  language?: string;
}

function languageMatches(allowed: string, asked: string): boolean {
  const a = allowed.toLowerCase();
  const q = asked.toLowerCase();
  return a === '*' || a === q || q.startsWith(`${a}-`);
}

/**
 * Why the agreement does not allow what is asked, one reason per refused dimension; empty
 * when it allows it. Dimensions not asked about are not checked.
 */
export function agreementRefusals(agreement: Agreement, q: AgreementQuery): string[] {
  const why: string[] = [];
  if (q.channel !== undefined && !agreement.channels.some((c) => c === '*' || c === q.channel)) {
    why.push(`channel ${q.channel} is not among the channels of "${agreement.title}" (${agreement.channels.join(', ') || 'none'})`);
  }
  if (q.requestType !== undefined && !agreement.request_types.some((t) => t === '*' || t === q.requestType)) {
    why.push(`request type ${q.requestType} is not allowed by "${agreement.title}" (${agreement.request_types.join(', ') || 'none'})`);
  }
  if (q.language !== undefined && !agreement.languages.some((l) => languageMatches(l, q.language!))) {
    why.push(`language ${q.language} is not a working language of "${agreement.title}" (${agreement.languages.join(', ') || 'none'})`);
  }
  return why;
}

/**
 * Whether the agreement allows a channel, request type and language (each optional).
 * @example agreementAllows(sco, { requestType: 'preservation.stored_data', language: 'ru' })
 */
export function agreementAllows(agreement: Agreement, q: AgreementQuery): boolean {
  return agreementRefusals(agreement, q).length === 0;
}

export type AckPriority = 'emergency' | 'urgent' | 'routine';

/**
 * The hours within which the requested side acknowledges a request of this priority under the
 * given agreements: the shortest any of them sets, or null when none sets one (Accord's default
 * applies then).
 * @example agreedAckHours([{ ...sco, acknowledgement_hours: { urgent: 12 } }], 'urgent') // 12
 */
export function agreedAckHours(agreements: readonly Agreement[], priority: AckPriority): number | null {
  const set = agreements.map((a) => a.acknowledgement_hours?.[priority]).filter((h): h is number => h !== undefined);
  return set.length ? Math.min(...set) : null;
}
