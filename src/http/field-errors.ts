import { jsonPointer, type FieldError } from '../errors.js';

/** One schema failure as the validator reports it (TypeBox and AJV share this shape). */
export interface SchemaError {
  keyword: string;
  instancePath?: string;
  schemaPath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

type Part = FieldError['in'];
const PARTS: readonly Part[] = ['body', 'querystring', 'params', 'headers'];

/** The validation context Fastify names ('body', 'querystring', …), 'body' when unknown. */
export function partOf(context: unknown): Part {
  return PARTS.includes(context as Part) ? (context as Part) : 'body';
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The stable code and parameters of one keyword (null: the keyword repeats another error). */
function codeOf(e: SchemaError): Pick<FieldError, 'code' | 'message' | 'limit' | 'pattern' | 'format' | 'expected'> | null {
  const p = e.params ?? {};
  const limit = num(p.limit);
  switch (e.keyword) {
    case 'maxLength':
      return { code: 'too_long', limit, message: `must be at most ${limit} characters` };
    case 'minLength':
      return limit === 1 ? { code: 'required', message: 'must not be empty' } : { code: 'too_short', limit, message: `must be at least ${limit} characters` };
    case 'maxItems':
    case 'maxProperties':
      return { code: 'too_many', limit, message: `must have at most ${limit} items` };
    case 'minItems':
    case 'minProperties':
      return limit === 1 ? { code: 'required', message: 'must not be empty' } : { code: 'too_few', limit, message: `must have at least ${limit} items` };
    case 'minimum':
    case 'exclusiveMinimum':
      return { code: 'min', limit, message: `must be ${String(p.comparison ?? '>=')} ${limit}` };
    case 'maximum':
    case 'exclusiveMaximum':
      return { code: 'max', limit, message: `must be ${String(p.comparison ?? '<=')} ${limit}` };
    case 'pattern':
      return { code: 'pattern', pattern: String(p.pattern ?? ''), message: 'has the wrong form' };
    case 'format':
      return { code: 'format', format: String(p.format ?? ''), message: `must be a valid ${String(p.format ?? 'value')}` };
    case 'type':
      return { code: 'type', expected: String(p.type ?? ''), message: `must be ${String(p.type ?? 'of another type')}` };
    case 'uniqueItems':
      return { code: 'duplicate', message: 'must not repeat an item' };
    case 'multipleOf':
      return { code: 'invalid', message: `must be a multiple of ${String(p.multipleOf ?? '')}` };
    // `additionalProperties: false` is also reported as the sub-schema `false` at the extra field.
    case 'boolean':
      return e.schemaPath?.endsWith('additionalProperties') ? null : { code: 'invalid', message: e.message ?? 'is not allowed' };
    default:
      return { code: 'invalid', message: e.message ?? 'is invalid' };
  }
}

/**
 * Field errors from a validator's report: one per field and reason, with a stable `code`.
 * A missing property or an unknown one points at that property; the alternatives of a union
 * of constants (`const` … `anyOf`) fold into one `enum` error listing the allowed values.
 */
export function fieldErrorsOf(errors: SchemaError[], context?: unknown): FieldError[] {
  const where = partOf(context);
  const out: FieldError[] = [];
  const enums = new Map<string, FieldError & { allowed: unknown[] }>();
  const seen = new Set<string>();
  const push = (f: Omit<FieldError, 'in'>) => {
    const key = `${f.pointer} ${f.code}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ in: where, ...f });
  };
  for (const e of errors) {
    const at = e.instancePath ?? '';
    const p = e.params ?? {};
    if (e.keyword === 'required') {
      const names = Array.isArray(p.requiredProperties) ? p.requiredProperties : [p.missingProperty];
      for (const n of names) if (n !== undefined) push({ pointer: at + jsonPointer(String(n)), code: 'required', message: 'is required' });
    } else if (e.keyword === 'additionalProperties') {
      const names = Array.isArray(p.additionalProperties) ? p.additionalProperties : [p.additionalProperty];
      for (const n of names) if (n !== undefined) push({ pointer: at + jsonPointer(String(n)), code: 'unknown_field', message: 'is not a known field' });
    } else if (e.keyword === 'const' || e.keyword === 'enum') {
      const values = e.keyword === 'const' ? [p.allowedValue] : Array.isArray(p.allowedValues) ? p.allowedValues : [];
      const known = enums.get(at);
      if (known) known.allowed.push(...values.filter((v) => !known.allowed.includes(v)));
      else {
        const f = { in: where, pointer: at, code: 'enum', message: 'must be one of the allowed values', allowed: [...values] };
        enums.set(at, f);
        seen.add(`${at} enum`);
        out.push(f);
      }
    } else if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      // The union's own summary: already said by its alternatives' errors at this pointer, or below it.
      if (!out.some((f) => f.pointer === at || f.pointer.startsWith(`${at}/`))) push({ pointer: at, code: 'invalid', message: 'matches none of the allowed forms' });
    } else {
      const c = codeOf(e);
      if (c) push({ pointer: at, ...c });
    }
  }
  return out.map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as unknown as FieldError);
}
