import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveWebhookTarget, WebhookTargetError, type WebhookAllowList } from '../../notifications/webhook-target.js';

/** What TAXII 2.1 clients send and servers answer. */
export const TAXII_ACCEPT = 'application/taxii+json;version=2.1';

export type FeedAuth = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'basic'; username: string; password: string };

export interface TaxiiPage {
  objects: unknown[];
  more: boolean;
  next: string | null;
  dateAddedLast: string | null;
}

/**
 * A page could not be had. `message` is what the feed's managers see (stored as its last error).
 * `status`: the server's HTTP status, when it answered.
 */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export interface FetchOptions {
  auth: FeedAuth;
  /** Hosts and ranges allowed although internal (ACCORD_FEED_ALLOW). */
  allow: WebhookAllowList;
  timeoutMs: number;
  /** The largest body read; a larger one is stopped and the page refused. */
  maxBytes: number;
}

/**
 * GETs one page of a TAXII 2.1 collection's objects. The host is resolved and checked as
 * webhooks are (no loopback, private or link-local address unless allowed) and the connection
 * goes to the address checked; redirects are not followed; the whole exchange has a deadline,
 * and the body is read up to `maxBytes`.
 */
export async function fetchObjectsPage(url: string, o: FetchOptions): Promise<TaxiiPage> {
  let target;
  try {
    target = await resolveWebhookTarget(url, o.allow);
  } catch (e) {
    if (e instanceof WebhookTargetError) throw new FeedFetchError(`the feed's address is not allowed: ${e.detail} (an operator may allow it with ACCORD_FEED_ALLOW)`);
    throw new FeedFetchError(`the feed's host could not be resolved`);
  }
  const pinned: LookupFunction = (_host, opts, cb) => {
    if ((opts as { all?: boolean }).all) (cb as unknown as (err: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  };
  const headers: Record<string, string> = { accept: TAXII_ACCEPT, 'user-agent': 'Accord-TAXII-Client/1' };
  if (o.auth.kind === 'token') headers.authorization = `Bearer ${o.auth.token}`;
  if (o.auth.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`).toString('base64')}`;
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(o.timeoutMs);
  let res: { status: number; headers: IncomingMessage['headers']; body: Buffer };
  try {
    res = await new Promise((resolve, reject) => {
      const req = send(u, { method: 'GET', headers, lookup: pinned, signal }, (r: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let n = 0;
        r.on('data', (c: Buffer) => {
          n += c.length;
          if (n > o.maxBytes) {
            req.destroy();
            reject(new FeedFetchError(`the page is larger than ${o.maxBytes} bytes: ask for fewer objects per page`));
            return;
          }
          chunks.push(c);
        });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }));
        r.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  } catch (e) {
    if (e instanceof FeedFetchError) throw e;
    const err = e as Error & { code?: string };
    if (err.name === 'AbortError' || err.name === 'TimeoutError') throw new FeedFetchError(`no answer within ${o.timeoutMs} ms`);
    throw new FeedFetchError(`the feed could not be reached${err.code ? ` (${err.code})` : ''}`);
  }
  if (res.status < 200 || res.status >= 300) {
    throw new FeedFetchError(`HTTP ${res.status}${taxiiErrorTitle(res.body)}`, res.status);
  }
  const type = String(res.headers['content-type'] ?? '');
  if (!isTaxiiMediaType(type)) throw new FeedFetchError(`the answer is ${type ? type.slice(0, 100) : 'of no media type'}, not a TAXII 2.1 envelope (${TAXII_ACCEPT})`);
  const depth = nestingDepth(res.body, MAX_NESTING);
  if (depth > MAX_NESTING) throw new FeedFetchError(`the page nests deeper than ${MAX_NESTING} levels: refused whole, nothing of it stored`);
  let env: unknown;
  try {
    env = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new FeedFetchError('the answer is not JSON');
  }
  if (!env || typeof env !== 'object' || Array.isArray(env)) throw new FeedFetchError('the answer is not a TAXII envelope');
  const e = env as { objects?: unknown; more?: unknown; next?: unknown };
  if (e.objects !== undefined && !Array.isArray(e.objects)) throw new FeedFetchError('the envelope\u2019s objects is not a list');
  const last = res.headers['x-taxii-date-added-last'];
  return {
    objects: (e.objects as unknown[] | undefined) ?? [],
    more: e.more === true,
    next: typeof e.next === 'string' && e.next.length > 0 && e.next.length <= 1000 ? e.next : null,
    dateAddedLast: typeof last === 'string' && last.length <= 64 ? last : null,
  };
}

/**
 * The deepest nesting a page may have: the envelope and its list, then a STIX object, which the
 * validator refuses past 32 levels anyway. A deeper page is refused before it is parsed, so
 * that no parser, validator or canonical form ever recurses that deep.
 */
export const MAX_NESTING = 40;

/** A TAXII 2.1 media type (a version, when given, must be 2.1). */
function isTaxiiMediaType(contentType: string): boolean {
  const [type, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/taxii+json') return false;
  const version = params.find((p) => p.startsWith('version='));
  return !version || version === 'version=2.1';
}

/**
 * How deep the JSON text nests arrays and objects (brackets inside strings do not count), up to
 * just past `max`: one pass over the bytes, no recursion.
 */
export function nestingDepth(body: Uint8Array, max: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > max) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** `: <title>` of a TAXII error message, short, when the body is one. */
function taxiiErrorTitle(body: Buffer): string {
  try {
    const t = (JSON.parse(body.subarray(0, 4096).toString('utf8')) as { title?: unknown }).title;
    return typeof t === 'string' ? `: ${t.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}
