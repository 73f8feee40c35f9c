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
