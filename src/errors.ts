/**
 * Domain errors carry a stable problem type (RFC 9457). The HTTP layer maps them to
 * application/problem+json; the CLI prints their message.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(what: string) {
    super(404, 'not-found', 'Not found', `${what} does not exist`);
  }
}
export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(detail: string) {
    super(409, 'conflict', 'Conflict', detail);
  }
}
export class InvalidInputError extends AppError {
  override name = 'InvalidInputError';
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(400, 'invalid-input', 'Invalid input', detail, extra);
  }
}
export class UnauthenticatedError extends AppError {
  override name = 'UnauthenticatedError';
  constructor(detail = 'sign in first') {
    super(401, 'unauthenticated', 'Authentication required', detail);
  }
}
export class InvalidCredentialsError extends AppError {
  override name = 'InvalidCredentialsError';
  constructor() {
    super(401, 'invalid-credentials', 'Invalid credentials', 'the e-mail, password or code is wrong');
  }
}
export class AccountLockedError extends AppError {
  override name = 'AccountLockedError';
  constructor(until: string) {
    super(423, 'account-locked', 'Account locked', `too many failed sign-ins; try again after ${until}`, { locked_until: until });
  }
}
export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  constructor(detail = 'your role does not allow this') {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}
export class CsrfError extends AppError {
  override name = 'CsrfError';
  constructor() {
    super(403, 'csrf', 'CSRF check failed', 'send the X-CSRF-Token header from your session');
  }
}
export class StepRequiredError extends AppError {
  override name = 'StepRequiredError';
  constructor(stage: string) {
    super(403, 'sign-in-step-required', 'Sign-in not complete', `complete the sign-in step first: ${stage}`, { stage });
  }
}

/**
 * One field at fault, as problem responses carry it (RFC 9457 extension member `errors`):
 * `pointer` is an RFC 6901 JSON Pointer into the part named by `in` (`/languages/0`), `code`
 * a stable machine-readable reason the web app translates, `message` a short English text;
 * other members are the code's parameters (`limit`, `allowed`, `pattern`, `format`, `expected`).
 */
export interface FieldError {
  in: 'body' | 'querystring' | 'params' | 'headers';
  pointer: string;
  code: string;
  message: string;
  limit?: number;
  allowed?: unknown[];
  pattern?: string;
  format?: string;
  expected?: string;
}

/** An RFC 6901 pointer from path segments (`~` and `/` escaped). */
export function jsonPointer(...segments: (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * A 400 for field-level rules a service checks (beyond the schema), in the same shape as
 * schema failures, e.g. `throw invalidFields([{ pointer: '/time_zone', code: 'invalid_time_zone', message: 'unknown time zone' }])`.
 */
export function invalidFields(errors: (Omit<FieldError, 'in'> & { in?: FieldError['in'] })[], detail?: string): InvalidInputError {
  const full = errors.map((e) => ({ in: 'body' as const, ...e }));
  return new InvalidInputError(detail ?? full.map((e) => `${e.pointer || '/'}: ${e.message}`).join('; '), { errors: full });
}
