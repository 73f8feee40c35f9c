// Helpers shared by the evidence benches (bench/evidence-*.js). Plain ESM, no build.

import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';

/** One random MiB: the evidence benches send and hash it over and over. */
export const BLOCK = randomBytes(1 << 20);

/**
 * This machine's own speed over `mib` MiB in this process, in MiB/s: SHA-256 and
 * AES-256-GCM (node:crypto, OpenSSL), the two things evidence storage does to every byte.
 */
export function machineSpeeds(mib) {
  const rate = (t0) => Math.round(mib / ((performance.now() - t0) / 1000));
  let t0 = performance.now();
  const h = createHash('sha256');
  for (let i = 0; i < mib; i++) h.update(BLOCK);
  h.digest();
  const sha256 = rate(t0);
  t0 = performance.now();
  const c = createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12));
  for (let i = 0; i < mib; i++) c.update(BLOCK);
  c.final();
  return { sha256, aes_256_gcm: rate(t0) };
}

/**
 * Uploads `mib` MiB to a case over the node's tus routes in one streamed PATCH (the body
 * written as fast as the socket drains): the new attachment's id.
 */
export async function tusUpload(baseUrl, token, caseId, mib) {
  const size = mib * (1 << 20);
  const headers = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' };
  const created = await fetch(`${baseUrl}/api/v1/cases/${caseId}/attachments/uploads`, { method: 'POST', headers: { ...headers, 'upload-length': String(size), 'upload-metadata': `filename ${Buffer.from('bench.bin').toString('base64')}` } });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${created.headers.get('location')}`, { method: 'PATCH', headers: { ...headers, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(size) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 204 ? resolve(res.headers['accord-attachment-id']) : reject(new Error(`PATCH answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    let i = 0;
    const pump = () => {
      while (i < mib) {
        i++;
        if (!req.write(BLOCK)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
