import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { secretPlace } from '../crypto/secret-box.js';
import { resolveWebhookTarget, WebhookTargetError, type WebhookAllowList } from './webhook-target.js';

export const SIGNATURE_HEADER = 'X-Accord-Signature';

/** A new per-user webhook secret (shown once to the user). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Where a webhook secret is sealed: the user's preferences row, or a direct notification's row. */
export function webhookSecretPlace(table: 'notification_preferences' | 'notifications', rowKey: string): string {
  return secretPlace(table, 'webhook_secret', rowKey);
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the secret. */
export function signWebhookBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export interface WebhookResult {
  status: number;
}

/**
 * A failed webhook attempt. `message` is what the user sees and never says more than the
 * receiver's HTTP status: how a connection failed would map the network for them. `detail`
 * is for the node's log. `permanent`: not worth trying again (a refused address).
 */
export class WebhookSendError extends Error {
  override name = 'WebhookSendError';
  constructor(message: string, readonly httpStatus?: number, readonly detail?: string, readonly permanent = false) {
    super(message);
  }
}

/**
 * POSTs `payload` as JSON, signed when a secret is given, to the address checked by
 * resolveWebhookTarget (the connection goes to that address, TLS still checks the name).
 * Redirects are not followed (the receiver is what the user configured); only 2xx counts.
 */
export async function postWebhook(url: string, payload: unknown, o: { secret?: string | null; id: string; kind: string; timeoutMs?: number; allow: WebhookAllowList }): Promise<WebhookResult> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'Accord-Notifications/1',
    'x-accord-event': o.kind,
    'x-accord-delivery': o.id,
  };
  if (o.secret) headers[SIGNATURE_HEADER.toLowerCase()] = signWebhookBody(o.secret, body);
  let target;
  try {
    target = await resolveWebhookTarget(url, o.allow);
  } catch (e) {
    if (e instanceof WebhookTargetError) throw new WebhookSendError(e.message, undefined, e.detail, true);
    throw new WebhookSendError('the webhook could not be reached', undefined, (e as Error).message);
  }
  const pinned: LookupFunction = (_host, opts, cb) => {
    if ((opts as { all?: boolean }).all) (cb as unknown as (err: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  };
  const timeoutMs = o.timeoutMs ?? 10_000;
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  let status: number;
  try {
    status = await new Promise<number>((resolve, reject) => {
      const req = send(u, { method: 'POST', headers, lookup: pinned, signal: AbortSignal.timeout(timeoutMs) }, (res: IncomingMessage) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    const detail = err.name === 'AbortError' || err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${err.message}${err.code ? ` (${err.code})` : ''}`;
    throw new WebhookSendError('the webhook could not be reached', undefined, `${target.host} (${target.address}): ${detail}`);
  }
  if (status < 200 || status >= 300) throw new WebhookSendError(`HTTP ${status}`, status);
  return { status };
}
