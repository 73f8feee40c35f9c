import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client.js';
import { LIMITS, type FieldLimit, type LimitedOperation } from '../../api/limits.js';

/** One field at fault, as the server's invalid-input problems list them (README, "HTTP API"). */
export interface FieldError {
  pointer: string;
  code: string;
  limit?: number;
  allowed?: unknown[];
  format?: string;
  expected?: string;
  /** Already translated (a check the web app made itself). */
  text?: string;
}

/** A check the web app made before sending, already translated; `pointer` names the field it is about. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly pointer?: string,
  ) {
    super(message);
  }
}

/** The body field errors of a failed call or of a client-side check ([] for other errors). */
export function fieldErrorsOf(error: unknown): FieldError[] {
  if (error instanceof ValidationError) return error.pointer === undefined ? [] : [{ pointer: error.pointer, code: 'invalid', text: error.message }];
  if (!(error instanceof ApiError)) return [];
  const errors = (error.problem as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter((e): e is FieldError & { in?: string } => !!e && typeof e === 'object' && typeof e.pointer === 'string' && typeof e.code === 'string' && (e.in === undefined || e.in === 'body'));
}

/** Whether an error at `pointer` belongs to the field at `field`: the field itself or something inside it. */
export function belongsTo(pointer: string, field: string): boolean {
  return pointer === field || pointer.startsWith(`${field}/`);
}

/** The schema's limits for a field of an operation's body (`*` in the table matches any index or key). */
export function limitOf(operation: LimitedOperation | undefined, pointer: string | undefined): FieldLimit | undefined {
  if (!operation || pointer === undefined) return undefined;
  const table: Record<string, FieldLimit> = LIMITS[operation];
  if (table[pointer]) return table[pointer];
  const parts = pointer.split('/');
  for (const [key, limit] of Object.entries(table)) {
    const k = key.split('/');
    if (k.length === parts.length && k.every((s, i) => s === '*' || s === parts[i])) return limit;
  }
  return undefined;
}

/** The message for a field error in the user's language, with the code's parameters. */
export function fieldErrorText(t: TFunction, e: FieldError): string {
  if (e.text) return e.text;
  const params = { limit: e.limit, allowed: (e.allowed ?? []).map(String).join(', '), format: e.format ?? '', expected: e.expected ?? '' };
  if (e.code === 'format' && e.format) {
    const specific = `validation.format_${e.format.replace(/-/g, '_')}`;
    const text = t(specific, { ...params, defaultValue: '' });
    if (text) return text;
  }
  return t(`validation.${e.code}`, { ...params, defaultValue: t('validation.invalid') });
}

/** A pointer as a person reads it ("contacts › 1 › names › en"), for errors no field claims. */
export function readablePointer(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? String(Number(s) + 1) : s.replace(/~1/g, '/').replace(/~0/g, '~').replace(/_/g, ' ')))
    .join(' › ');
}
