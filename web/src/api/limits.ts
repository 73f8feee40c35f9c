// Generated from docs/openapi.json by web/scripts/limits-source.ts: do not edit.
// Regenerate with `UPDATE_LIMITS=1 npx vitest run test/web-limits.test.ts` after `npm run gen:api`.

/** What the API's schema allows in one field of a request body. */
export interface FieldLimit {
  readonly required?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
}

/** Per operation, the limits of each body field by JSON Pointer (`*`: any array index or record key). */
export const LIMITS = {
  'POST /api/v1/auth/password': {
    '/current_password': { minLength: 1, maxLength: 256 },
    '/new_password': { required: true, minLength: 1, maxLength: 256 },
  },
  'POST /api/v1/auth/second-factor': {
    '/code': { pattern: '^[0-9]{6}$' },
    '/recovery_code': { minLength: 6, maxLength: 20 },
  },
  'POST /api/v1/auth/sign-in': {
    '/email': { required: true, minLength: 3, maxLength: 254 },
    '/password': { required: true, minLength: 1, maxLength: 256 },
  },
  'POST /api/v1/auth/totp/enrolment': {
    '/current_password': { minLength: 1, maxLength: 256 },
    '/code': { pattern: '^[0-9]{6}$' },
  },
  'POST /api/v1/auth/totp/enrolment/confirm': {
    '/code': { pattern: '^[0-9]{6}$' },
  },
  'PUT /api/v1/directory/own': {
    '/authority_names': { required: true },
    '/authority_names/*': { minLength: 1, maxLength: 200 },
    '/authority_kinds': { required: true },
    '/authority_kinds/*': { minLength: 1, maxLength: 40 },
    '/time_zone': { required: true, minLength: 1, maxLength: 64 },
    '/languages': { required: true },
    '/languages/*': { pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' },
    '/contacts': { required: true },
    '/contacts/*/id': { required: true, minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
    '/contacts/*/role': { required: true },
    '/contacts/*/names': { required: true },
    '/contacts/*/names/*': { minLength: 1, maxLength: 200 },
    '/contacts/*/languages': { required: true },
    '/contacts/*/languages/*': { pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' },
    '/contacts/*/hours': { required: true },
    '/contacts/*/hours/always': { required: true },
    '/contacts/*/hours/days/*': { minimum: 1, maximum: 7 },
    '/contacts/*/hours/from': { pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
    '/contacts/*/hours/to': { pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
    '/contacts/*/channels': { required: true },
    '/contacts/*/channels/*/kind': { required: true },
    '/contacts/*/channels/*/value': { required: true, minLength: 1, maxLength: 200 },
    '/contacts/*/channels/*/key': { minLength: 1, maxLength: 16384 },
    '/contacts/*/channels/*/certificate': { minLength: 1, maxLength: 16384 },
    '/contacts/*/escalation_order': { minimum: 0, maximum: 100 },
    '/valid_days': { minimum: 1, maximum: 730 },
    '/groups/*': { minLength: 1, maxLength: 64 },
  },
  'POST /api/v1/directory/own/confirm': {
    '/valid_days': { minimum: 1, maximum: 730 },
  },
  'POST /api/v1/groups': {
    '/name': { required: true, minLength: 1, maxLength: 200 },
    '/level': { required: true },
    '/charter/quorum': { required: true },
    '/charter/quorum/n': { required: true, minimum: 1, maximum: 1000 },
    '/agreement': { required: true },
    '/agreement/title': { required: true, minLength: 1, maxLength: 300 },
    '/agreement/instrument': { required: true, minLength: 1, maxLength: 300 },
    '/agreement/channels': { required: true },
    '/agreement/channels/*': { minLength: 1, maxLength: 100, pattern: '^(\\*|[a-z][a-z0-9_.:-]*)$' },
    '/agreement/request_types': { required: true },
    '/agreement/request_types/*': { minLength: 1, maxLength: 100, pattern: '^(\\*|[a-z][a-z0-9_.:-]*)$' },
    '/agreement/languages': { required: true },
    '/agreement/languages/*': { minLength: 1, maxLength: 35, pattern: '^(\\*|[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*)$' },
    '/agreement/confidentiality': { maxLength: 4000 },
    '/members': { required: true },
    '/members/*': { pattern: '^[a-z0-9][a-z0-9-]{1,62}$' },
  },
  'POST /api/v1/groups/{id}/proposals': {
    '/node': { pattern: '^[a-z0-9][a-z0-9-]{1,62}$' },
    '/agreement': { required: true },
    '/agreement/title': { required: true, minLength: 1, maxLength: 300 },
    '/agreement/instrument': { required: true, minLength: 1, maxLength: 300 },
    '/agreement/channels': { required: true },
    '/agreement/channels/*': { minLength: 1, maxLength: 100, pattern: '^(\\*|[a-z][a-z0-9_.:-]*)$' },
    '/agreement/request_types': { required: true },
    '/agreement/request_types/*': { minLength: 1, maxLength: 100, pattern: '^(\\*|[a-z][a-z0-9_.:-]*)$' },
    '/agreement/languages': { required: true },
    '/agreement/languages/*': { minLength: 1, maxLength: 35, pattern: '^(\\*|[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*)$' },
    '/agreement/confidentiality': { maxLength: 4000 },
    '/charter': { required: true },
    '/charter/quorum': { required: true },
    '/charter/quorum/n': { required: true, minimum: 1, maximum: 1000 },
  },
  'POST /api/v1/groups/{id}/proposals/{pid}/refuse': {
    '/reason': { maxLength: 2000 },
  },
  'POST /api/v1/notices/{id}/reply': {
    '/subject': { required: true, minLength: 1, maxLength: 200 },
    '/text': { maxLength: 10000 },
  },
  'PUT /api/v1/notifications/preferences': {
    '/webhook_url': { minLength: 1, maxLength: 2000, pattern: '^https?://' },
  },
  'PUT /api/v1/notifications/smtp': {
    '/host': { required: true, minLength: 1, maxLength: 253 },
    '/port': { required: true, minimum: 1, maximum: 65535 },
    '/security': { required: true },
    '/username': { maxLength: 320 },
    '/password': { maxLength: 1000 },
    '/from': { required: true, minLength: 3, maxLength: 320 },
  },
  'POST /api/v1/notifications/smtp/test': {
    '/to': { required: true, minLength: 3, maxLength: 320 },
  },
  'POST /api/v1/peers': {
    '/url': { required: true, minLength: 8, maxLength: 500 },
    '/fingerprint': { required: true, minLength: 64, maxLength: 100 },
  },
  'POST /api/v1/peers/{id}/notices': {
    '/subject': { required: true, minLength: 1, maxLength: 200 },
    '/text': { maxLength: 10000 },
  },
  'POST /api/v1/ping-schedules': {
    '/node_id': { minLength: 1, maxLength: 63 },
    '/group_id': { minLength: 1, maxLength: 64 },
    '/interval_days': { required: true, minimum: 1, maximum: 366 },
    '/window_minutes': { minimum: 1, maximum: 10080 },
    '/first_run_at': { maxLength: 40 },
  },
  'POST /api/v1/ping-tests': {
    '/node_id': { minLength: 1, maxLength: 63 },
    '/group_id': { minLength: 1, maxLength: 64 },
    '/window_minutes': { minimum: 1, maximum: 10080 },
  },
  'POST /api/v1/tokens': {
    '/name': { required: true, minLength: 1, maxLength: 100 },
    '/expires_in_days': { minimum: 1, maximum: 3650 },
  },
  'POST /api/v1/users': {
    '/email': { required: true, minLength: 3, maxLength: 254 },
    '/display_name': { required: true, minLength: 1, maxLength: 200 },
    '/role': { required: true },
    '/password': { minLength: 1, maxLength: 256 },
  },
  'PATCH /api/v1/users/{id}': {
    '/display_name': { minLength: 1, maxLength: 200 },
  },
  'POST /federation/v1/inbox': {
    '/v': { required: true },
    '/from': { required: true, minLength: 1, maxLength: 63 },
    '/to': { required: true },
    '/to/*': { minLength: 1, maxLength: 63 },
    '/issued_at': { required: true, minLength: 20, maxLength: 40 },
    '/body': { required: true },
    '/body/envelopes': { required: true },
    '/body/envelopes/*/v': { required: true },
    '/body/envelopes/*/from': { required: true, minLength: 1, maxLength: 63 },
    '/body/envelopes/*/to': { required: true },
    '/body/envelopes/*/to/*': { minLength: 1, maxLength: 63 },
    '/body/envelopes/*/type': { required: true, minLength: 1, maxLength: 100 },
    '/body/envelopes/*/issued_at': { required: true, minLength: 20, maxLength: 40 },
    '/body/envelopes/*/seq': { minimum: 1 },
    '/body/envelopes/*/body': { required: true },
    '/body/envelopes/*/sig': { required: true },
    '/body/envelopes/*/sig/key': { pattern: '^[0-9a-f]{64}$' },
    '/body/envelopes/*/sig/value': { required: true, minLength: 1, maxLength: 200 },
    '/sig': { required: true },
    '/sig/key': { pattern: '^[0-9a-f]{64}$' },
    '/sig/value': { required: true, minLength: 1, maxLength: 200 },
  },
} as const satisfies Record<string, Record<string, FieldLimit>>;

export type LimitedOperation = keyof typeof LIMITS;
