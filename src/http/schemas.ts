import { Type } from 'typebox';

/** One field at fault (src/errors.ts FieldError): where, a stable code, and the code's parameters. */
export const FieldErrorSchema = Type.Object(
  {
    in: Type.Union([Type.Literal('body'), Type.Literal('querystring'), Type.Literal('params'), Type.Literal('headers')], { description: 'the part of the request' }),
    pointer: Type.String({ description: 'RFC 6901 JSON Pointer into that part, e.g. /languages/0 ("" for the whole part)' }),
    code: Type.String({
      description:
        'stable reason: required, too_long, too_short, too_many, too_few, min, max (with limit), pattern (with pattern), format (with format), enum (with allowed), type (with expected), duplicate, unknown_field, invalid_time_zone, invalid',
    }),
    message: Type.String({ description: 'a short English text, for logs and scripts; clients translate the code' }),
    limit: Type.Optional(Type.Number()),
    allowed: Type.Optional(Type.Array(Type.Unknown())),
    pattern: Type.Optional(Type.String()),
    format: Type.Optional(Type.String()),
    expected: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldErrorSchema, { description: 'invalid-input problems: the fields at fault (RFC 9457 extension member)' })),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

/** A problem response; the schema itself is registered once (components.schemas.Problem in the OpenAPI document). */
export const ProblemRef = Type.Ref('Problem');

/** The error responses every authenticated route can give. */
export const problemResponses = {
  400: ProblemRef,
  401: ProblemRef,
  403: ProblemRef,
  404: ProblemRef,
  409: ProblemRef,
};

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
