import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { describe, expect, it } from 'vitest';
import { fieldErrorsOf, type SchemaError } from './field-errors.js';

/** The errors Fastify's validator (TypeBox) reports for `value` against `schema`. */
function validate(schema: TSchema, value: unknown): SchemaError[] {
  const check = TypeBoxValidatorCompiler({ schema, method: 'POST', url: '/x', httpPart: 'body' }) as (v: unknown) => { error?: SchemaError[] };
  return check(value).error ?? [];
}

const Body = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 5 }),
    code: Type.String({ minLength: 3, maxLength: 10, pattern: '^[a-z]+$' }),
    languages: Type.Array(Type.String({ pattern: '^[a-z]{2}$' }), { minItems: 1, maxItems: 2 }),
    role: Type.Union([Type.Literal('admin'), Type.Literal('analyst')]),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
    'a/b': Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

describe('fieldErrorsOf', () => {
  it('maps each keyword to a stable code with its parameters and an RFC 6901 pointer', () => {
    const errors = fieldErrorsOf(validate(Body, { name: 'toolong', code: 'AB', languages: ['en', 'EN'], role: 'emperor', days: 91, 'a/b': 'yes', extra: 1 }), 'body');
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'body', pointer: '/name', code: 'too_long', limit: 5 }),
        expect.objectContaining({ pointer: '/code', code: 'too_short', limit: 3 }),
        expect.objectContaining({ pointer: '/code', code: 'pattern' }),
        expect.objectContaining({ pointer: '/languages/1', code: 'pattern' }),
        expect.objectContaining({ pointer: '/role', code: 'enum', allowed: ['admin', 'analyst'] }),
        expect.objectContaining({ pointer: '/extra', code: 'unknown_field' }),
      ]),
    );
    // One error per field and reason: the union's summary and the `false` schema of the extra field do not repeat.
    expect(errors.filter((e) => e.pointer === '/role')).toHaveLength(1);
    expect(errors.filter((e) => e.pointer === '/extra')).toHaveLength(1);
  });

  it('gives numeric bounds and types, escaping the pointer', () => {
    expect(fieldErrorsOf(validate(Body, { name: 'a', code: 'abc', languages: ['en'], role: 'admin', days: 91, 'a/b': 'yes' }))).toEqual([
      expect.objectContaining({ pointer: '/days', code: 'max', limit: 90 }),
      expect.objectContaining({ pointer: '/a~1b', code: 'type', expected: 'boolean' }),
    ]);
  });

  it('points at each missing property, and calls an empty string or list required', () => {
    expect(fieldErrorsOf(validate(Body, { code: 'abc', languages: [] }))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/name', code: 'required' }),
        expect.objectContaining({ pointer: '/role', code: 'required' }),
        expect.objectContaining({ pointer: '/languages', code: 'required' }),
      ]),
    );
    expect(fieldErrorsOf(validate(Body, { name: '', code: 'abc', languages: ['en'], role: 'admin' }))).toEqual([expect.objectContaining({ pointer: '/name', code: 'required' })]);
  });

  it('names the part of the request, and the whole part with an empty pointer', () => {
    expect(fieldErrorsOf(validate(Body, 'text'), 'querystring')).toEqual([expect.objectContaining({ in: 'querystring', pointer: '', code: 'type', expected: 'object' })]);
  });
});
