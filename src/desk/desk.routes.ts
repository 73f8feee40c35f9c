import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { principalOf } from '../auth/access.js';
import { ProblemRef, problemResponses } from '../http/schemas.js';
import { AppError } from '../errors.js';
import { readDesk } from './desk.service.js';
import { DeskViewSchema } from './desk.schemas.js';
import { createEventStreams, type EventStreamOptions } from './event-stream.js';
import { pgEventsBridge } from './pg-events-bridge.js';

export class NotAnEventStreamClientError extends AppError {
  override name = 'NotAnEventStreamClientError';
  constructor() {
    super(406, 'not-acceptable', 'Not acceptable', 'this route answers only text/event-stream: send Accept: text/event-stream');
  }
}

const CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Changes that concern only the user who makes them (signing in and out, their tokens): no desk changes. */
const PERSONAL = /^\/api\/v1\/(auth|tokens)(\/|\?|$)/;

export function registerDeskRoutes(app: TypedApp, ctx: NodeContext, streamOptions: EventStreamOptions = {}): void {
  const streams = createEventStreams(ctx, streamOptions);
  // On PostgreSQL several processes may serve the node: their events meet on LISTEN/NOTIFY.
  if (ctx.store.dialect === 'postgres') {
    const bridge = pgEventsBridge(ctx, app.log);
    app.addHook('onReady', () => bridge.start());
    app.addHook('onClose', () => bridge.stop());
  }
  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', (done) => {
    streams.closeAll();
    done();
  });
  const read = { access: { permission: 'desk:read' as const } };

  app.get(
    '/api/v1/desk',
    { config: read, schema: { tags: ['desk'], summary: 'The duty desk: what waits for the signed-in user, the peers in trouble, the own directory entry', response: { 200: DeskViewSchema, ...problemResponses } } },
    async (req) => {
      const { user } = principalOf(req);
      return readDesk(ctx, { userId: user.id, role: user.role }, req.log);
    },
  );

  app.get(
    '/api/v1/events',
    {
      config: read,
      schema: {
        tags: ['desk'],
        summary: 'Live changes as server-sent events (text/event-stream): `desk` when the duty desk may have changed; a comment every 20 s',
        description: 'Events carry no data beyond their name: read what changed through its own route. The stream ends after 15 minutes; EventSource reconnects by itself.',
        response: { 200: { content: { 'text/event-stream': { schema: { type: 'string' } } } }, 406: ProblemRef, ...problemResponses },
      },
    },
    async (req, reply) => {
      // Only EventSource-like clients: anything else (a script, a test's inject) would wait forever.
      if (!(req.headers.accept ?? '').includes('text/event-stream')) throw new NotAnEventStreamClientError();
      streams.open(reply);
      return reply;
    },
  );

  // A successful change made through the API may change someone's desk: a local action
  // (confirming a ping test, answering a proposal) shows on every open desk at once.
  app.addHook('onResponse', async (req, reply) => {
    if (CHANGING.has(req.method) && reply.statusCode < 400 && req.url.startsWith('/api/v1/') && !PERSONAL.test(req.url)) ctx.events.publish({ type: 'desk.changed', source: 'api' });
  });
}
