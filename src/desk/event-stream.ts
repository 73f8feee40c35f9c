import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { NodeContext } from '../context.js';
import { AppError } from '../errors.js';

export interface EventStreamOptions {
  /** A comment line this often keeps proxies and browsers from closing a quiet stream. */
  heartbeatMs?: number;
  /** A stream ends after this long; EventSource reconnects, and is authenticated again. */
  maxAgeMs?: number;
  /** Changes within this time go out as one event (a batch of 100 messages is one reload). */
  coalesceMs?: number;
  /** Open streams per process; more are refused with 503. */
  maxStreams?: number;
}

export class TooManyStreamsError extends AppError {
  override name = 'TooManyStreamsError';
  constructor() {
    super(503, 'too-many-streams', 'Too many event streams', 'this node has as many live event streams open as it serves; retry later');
  }
}

/**
 * Server-sent event streams (GET /api/v1/events) fed by the node's event bus. Each stream
 * sends `event: desk` when the desk may have changed, a comment as a heartbeat, and is
 * closed when the client goes, when it has lived `maxAgeMs`, or when the node stops.
 */
export function createEventStreams(ctx: NodeContext, opts: EventStreamOptions = {}) {
  const heartbeatMs = opts.heartbeatMs ?? 20_000;
  const maxAgeMs = opts.maxAgeMs ?? 15 * 60_000;
  const coalesceMs = opts.coalesceMs ?? 200;
  const maxStreams = opts.maxStreams ?? 1000;
  const live = new Set<() => void>();

  function open(reply: FastifyReply): void {
    if (live.size >= maxStreams) throw new TooManyStreamsError();
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    const write = (chunk: string) => {
      if (!res.writableEnded && !res.destroyed) res.write(chunk);
    };
    write('retry: 3000\n: connected\n\n');
    let pending: NodeJS.Timeout | null = null;
    const unsubscribe = ctx.events.subscribe((e) => {
      if (e.type !== 'desk.changed' || pending) return;
      pending = setTimeout(() => {
        pending = null;
        write('event: desk\ndata: changed\n\n');
      }, coalesceMs);
    });
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    const maxAge = setTimeout(() => close(), maxAgeMs);
    const close = () => {
      if (!live.delete(close)) return;
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(maxAge);
      if (pending) clearTimeout(pending);
      if (!res.writableEnded) res.end();
    };
    live.add(close);
    // 'close' comes when the response ends or the connection drops (the socket itself may be kept for the next request).
    res.on('close', close);
    res.on('error', close);
  }

  return {
    open,
    /** Ends every open stream (the node is stopping: an open stream would hold the server open). */
    closeAll(): void {
      for (const close of [...live]) close();
    },
    get count(): number {
      return live.size;
    },
  };
}
