import type { FastifyRequest } from 'fastify';
import { invalidFields, jsonPointer } from '../errors.js';

// A lone UTF-16 surrogate or a NUL: not text. Canonical JSON (RFC 8785) refuses the first,
// PostgreSQL's text the second, so both are refused at the door rather than deep inside.
// eslint-disable-next-line no-control-regex
const ILL_FORMED = /[\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

interface Visit {
  v: unknown;
  key?: string;
  parent?: Visit;
}

function pointerOf(visit: Visit | undefined, key?: string): string {
  const keys: string[] = key === undefined ? [] : [key];
  for (let at = visit; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return jsonPointer(...keys.reverse());
}

/** The JSON Pointer of the first string (value or key) in `value` that is not well-formed text, or null. */
export function illFormedTextAt(value: unknown): string | null {
  const stack: Visit[] = [{ v: value }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const v = visit.v;
    if (typeof v === 'string') {
      if (ILL_FORMED.test(v)) return pointerOf(visit);
    } else if (v && typeof v === 'object') {
      for (const [k, c] of Object.entries(v)) {
        if (ILL_FORMED.test(k)) return pointerOf(visit, k);
        stack.push({ v: c, key: k, parent: visit });
      }
    }
  }
  return null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route judges text itself: the federation inbox refuses a message holding NUL alone, not its whole batch. */
    ownTextChecks?: boolean;
  }
}

/** A preValidation hook: a body, query or path parameter holding ill-formed text is a 400 naming the field. */
export async function refuseIllFormedText(req: FastifyRequest): Promise<void> {
  if (req.routeOptions.config.ownTextChecks) return;
  const parts = [
    ['body', req.body],
    ['querystring', req.query],
    ['params', req.params],
  ] as const;
  for (const [part, value] of parts) {
    const at = illFormedTextAt(value);
    if (at !== null) throw invalidFields([{ in: part, pointer: at, code: 'invalid_characters', message: 'must be well-formed text (no NUL, no lone surrogate)' }]);
  }
}
