import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { fieldErrorsOf, type SchemaError } from './field-errors.js';

/** Stable, absolute problem type URIs (RFC 9457 §3.1.1). */
export function problemType(slug: string): string {
  return `urn:accord:problem:${slug}`;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extra: string]: unknown;
}

const BY_STATUS: Record<number, [string, string]> = {
  400: ['invalid-input', 'Invalid input'],
  401: ['unauthenticated', 'Authentication required'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  429: ['rate-limited', 'Too many requests'],
};

/** Maps any error to a problem. Never leaks internals: a 5xx says only that it failed. */
export function toProblem(err: unknown, instance?: string): Problem {
  if (err instanceof AppError) {
    return { type: problemType(err.type), title: err.title, status: err.status, detail: err.message, instance, ...err.extra };
  }
  const fe = err as Partial<FastifyError> & { validation?: unknown[]; validationContext?: string };
  if (fe.validation) {
    const errors = fieldErrorsOf(fe.validation as SchemaError[], fe.validationContext);
    const first = errors[0];
    return {
      type: problemType('invalid-input'),
      title: 'Invalid input',
      status: 400,
      detail: first ? `${first.pointer || '/'}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}` : 'the request does not match the schema',
      instance,
      errors,
    };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const [slug, title] = BY_STATUS[status] ?? ['client-error', 'Bad request'];
    return { type: problemType(slug), title, status, detail: fe.message, instance };
  }
  return { type: problemType('internal'), title: 'Internal error', status: 500, detail: 'the server could not complete the request; it has been logged', instance };
}

/**
 * A bug (an unexpected error) is logged at error level with its stack. A foreseen failure
 * (an AppError: its message says what happened) is one line without a stack: at warn level
 * when another server failed us (502-504, e.g. a peer that does not resolve or answer).
 */
function logServerProblem(req: FastifyRequest, err: unknown, problem: Problem): void {
  if (!(err instanceof AppError)) {
    req.log.error({ err }, 'request failed');
    return;
  }
  const line = { problem: problem.type, status: problem.status, detail: problem.detail };
  if (problem.status >= 502 && problem.status <= 504) req.log.warn(line, `request failed: ${problem.detail}`);
  else req.log.error(line, `request failed: ${problem.detail}`);
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const problem = toProblem(err, req.url.split('?')[0]);
  if (problem.status >= 500) logServerProblem(req, err, problem);
  return reply.status(problem.status).type('application/problem+json').send(problem);
}
