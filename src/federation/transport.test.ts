import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerRow } from './peers.repository.js';
import { fetchNodeDescription, PeerUnreachableError } from './peers.service.js';
import { SENDER_HEADER } from './inbox.service.js';
import { MAX_RECEIPT_BYTES, postBatchText } from './transport.js';

/** Finding 17 of issue 10: requests to peers follow no redirect and read no endless body. */
describe('requests to a peer', () => {
  let server: Server;
  let base = '';
  let hits: string[] = [];
  let senders: (string | undefined)[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      senders.push(req.headers[SENDER_HEADER] as string | undefined);
      if (req.url?.startsWith('/moved')) {
        res.writeHead(307, { location: `${base}/target${req.url.slice('/moved'.length)}` });
        return res.end();
      }
      if (req.url?.startsWith('/target')) return res.end('{}');
      // /huge: an answer that never ends (no content-length), in 1 MiB chunks.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
        res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const peerAt = (path: string) => ({ node_id: 'kz-cert', base_url: `${base}${path}`, public_key: 'A'.repeat(43) }) as PeerRow;

  it('do not follow a redirect when delivering a batch', async () => {
    hits = [];
    const r = await postBatchText(peerAt('/moved'), { id: 'b', text: '{}' });
    expect(r.receipt).toBeNull();
    expect(r.error).toMatch(/redirect/);
    expect(hits.some((h) => h.startsWith('/target'))).toBe(false);
  });

  it('name the sender of a batch before its body (the inbox reads a large body of an unproven address only then)', async () => {
    senders = [];
    await postBatchText(peerAt('/target'), { id: 'b', text: '{}', from: 'uz-cert' });
    await postBatchText(peerAt('/target'), { id: 'b', text: '{}' });
    expect(senders).toEqual(['uz-cert', undefined]);
  });

  it('stop reading a receipt that grows past the cap', async () => {
    const r = await postBatchText(peerAt('/huge'), { id: 'b', text: '{}' });
    expect(r.receipt).toBeNull();
    expect(r.error).toMatch(new RegExp(`larger than ${MAX_RECEIPT_BYTES} bytes`));
  }, 30_000);

  it('do not follow a redirect nor read an endless body when fetching a node description', async () => {
    hits = [];
    await expect(fetchNodeDescription(`${base}/moved`)).rejects.toThrow(PeerUnreachableError);
    expect(hits.some((h) => h.startsWith('/target'))).toBe(false);
    await expect(fetchNodeDescription(`${base}/huge`)).rejects.toThrow(/larger than/);
  }, 30_000);
});
