import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Kept-alive connections to peers, reused batch after batch. */
const agents: Record<string, HttpAgent> = {
  'http:': new HttpAgent({ keepAlive: true }),
  'https:': new HttpsAgent({ keepAlive: true }),
};

export interface TextAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export class AnswerTooLargeError extends Error {
  override name = 'AnswerTooLargeError';
}

/**
 * POSTs JSON text and reads the answer as text, at most `limit` bytes, within `timeoutMs`.
 * node:http rather than fetch: the answer is read in the socket's own events, so a receipt
 * does not wait for several turns of a busy event loop on its way to the delivery worker.
 * Redirects are not followed (a peer is its pinned address); errors carry Node's `code`.
 */
export function postText(url: string, body: string, o: { timeoutMs: number; limit: number; headers?: Record<string, string> }): Promise<TextAnswer> {
  const u = new URL(url);
  const agent = agents[u.protocol];
  if (!agent) return Promise.reject(new Error(`unsupported protocol ${u.protocol}`));
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const payload = Buffer.from(body, 'utf8');
  let timer: NodeJS.Timeout | undefined;
  return new Promise<TextAnswer>((resolve, reject) => {
    const req = send(u, { method: 'POST', agent, headers: { ...o.headers, 'content-type': 'application/json', 'content-length': payload.length } }, (res) => {
      const tooLarge = () => {
        res.destroy();
        reject(new AnswerTooLargeError(`the answer is larger than ${o.limit} bytes`));
      };
      if (Number(res.headers['content-length']) > o.limit) return tooLarge();
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (c: Buffer) => {
        total += c.length;
        if (total > o.limit) tooLarge();
        else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer in ${o.timeoutMs} ms`), { code: 'ETIMEDOUT' })), o.timeoutMs);
    req.on('error', reject);
    req.end(payload);
  }).finally(() => clearTimeout(timer));
}
