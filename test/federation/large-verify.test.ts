import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedBuffer } from '../../src/federation/inbox-body.js';
import { LargeVerifier } from '../../src/federation/large-verify.js';
import { WORKER_NICE } from '../../src/federation/large-verify.worker.js';

/** The worker as built (`npm test` builds first). */
const WORKER = new URL('../../dist/server/federation/large-verify.worker.js', import.meta.url);

/**
 * A large batch's signature is checked on a worker thread, over the shared memory the inbox
 * joined it into, so that the inbox's event loop neither checks nor copies 30 MiB. The answer
 * must be the same as checking it in place, whatever the text, key or signature.
 */
describe('checking large signatures off the event loop', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519').publicKey;
  let verifier: LargeVerifier;
  beforeAll(() => {
    if (!existsSync(fileURLToPath(WORKER))) throw new Error('dist/server is missing: run `npm run build:server` first');
    verifier = new LargeVerifier(WORKER);
  });
  afterAll(() => verifier.close());

  const sharedText = (bytes: number, offset = 0) => {
    const b = sharedBuffer(bytes + offset).subarray(offset);
    for (let i = 0; i < b.length; i += 4096) b[i] = i % 251;
    return b;
  };

  it('verifies a good signature over a view into shared memory, and refuses a wrong key, signature or text', async () => {
    const text = sharedText(3 * 1024 * 1024, 17);
    const sig = sign(null, text, privateKey);
    const checks = await Promise.all([
      verifier.verify(text, publicKey, sig),
      verifier.verify(text, other, sig),
      verifier.verify(text, publicKey, Buffer.from(sig).fill(1, 0, 8)),
      verifier.verify(text.subarray(0, text.length - 1), publicKey, sig),
    ]);
    expect(checks).toEqual([true, false, false, false]);
  });

  it.runIf(process.platform === 'linux')('checks at a lower priority than the event loop: its own thread is niced, the process is not', async () => {
    // The nice value of each of this process's threads (field 19 of /proc/self/task/TID/stat).
    const niceOfThreads = () =>
      readdirSync('/proc/self/task').map((tid) => {
        try {
          const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        } catch {
          return null; // the thread ended meanwhile
        }
      });
    const text = sharedText(1024 * 1024);
    expect(await verifier.verify(text, publicKey, sign(null, text, privateKey))).toBe(true);
    expect(WORKER_NICE).toBeGreaterThan(0);
    expect(niceOfThreads().filter((n) => n === WORKER_NICE)).toHaveLength(1);
    expect(getPriority()).toBe(0);
  });

  it('reads the text where it is: the worker sees what the memory holds when it checks', async () => {
    const text = sharedText(2 * 1024 * 1024);
    const sig = sign(null, text, privateKey);
    text[5] ^= 1;
    expect(await verifier.verify(text, publicKey, sig)).toBe(false);
    text[5] ^= 1;
    expect(await verifier.verify(text, publicKey, sig)).toBe(true);
  });

  it('checks in place when the text is not shared, or when there is no worker', async () => {
    const plain = Buffer.from('a small batch');
    const sig = sign(null, plain, privateKey);
    expect(await verifier.verify(plain, publicKey, sig)).toBe(true);
    const none = new LargeVerifier(null);
    const text = sharedText(1024);
    expect(await none.verify(text, publicKey, sign(null, text, privateKey))).toBe(true);
    expect(await none.verify(text, other, sign(null, text, privateKey))).toBe(false);
  });

  it('answers every check a lost worker held by checking it in place, and starts another for the next', async () => {
    const broken = new LargeVerifier(new URL('data:text/javascript,process.exit(3)'));
    const text = sharedText(1024 * 1024);
    const sig = sign(null, text, privateKey);
    expect(await Promise.all([broken.verify(text, publicKey, sig), broken.verify(text, other, sig)])).toEqual([true, false]);
    expect(await broken.verify(text, publicKey, sig)).toBe(true);
    await broken.close();
  });
});
