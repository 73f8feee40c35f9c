import { createHmac, randomBytes } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Accord-Signature';

/** A new per-user webhook secret (shown once to the user). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the secret. */
export function signWebhookBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export interface WebhookResult {
  status: number;
}

/** A failed webhook attempt; `httpStatus` when the receiver answered. */
export class WebhookSendError extends Error {
  override name = 'WebhookSendError';
  constructor(message: string, readonly httpStatus?: number) {
    super(message);
  }
}

/**
 * POSTs `payload` as JSON, signed when a secret is given. Redirects are not followed (the
 * receiver is what the user configured); only 2xx counts as delivered.
 */
export async function postWebhook(url: string, payload: unknown, o: { secret?: string | null; id: string; kind: string; timeoutMs?: number }): Promise<WebhookResult> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Accord-Notifications/1',
    'x-accord-event': o.kind,
    'x-accord-delivery': o.id,
  };
  if (o.secret) headers[SIGNATURE_HEADER.toLowerCase()] = signWebhookBody(o.secret, body);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    throw new WebhookSendError(err.name === 'TimeoutError' ? 'the webhook did not answer in time' : `${err.message}${err.cause?.code ? ` (${err.cause.code})` : ''}`);
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new WebhookSendError(`HTTP ${res.status}`, res.status);
  return { status: res.status };
}
