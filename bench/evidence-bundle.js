#!/usr/bin/env node
// Accord case bundle benchmark: writes a bundle holding one attachment of BENCH_BUNDLE_MB MiB
// (default 1024) plus a few signed events, receipts and custody entries to a temporary file,
// then verifies it with `verifyBundleFile` (node:crypto: what `accord bundle verify` uses) and,
// on a slice of BENCH_BUNDLE_NOBLE_MB MiB (default 64), with the pure-JavaScript primitives a
// browser uses; beside this machine's own SHA-256 speed measured in the same run.
// Run `npm run build:server` first. Target: verification ≥ 200 MiB/s (node:crypto path).
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
const MB = Number(process.env.BENCH_BUNDLE_MB ?? 1024);
const NOBLE_MB = Number(process.env.BENCH_BUNDLE_NOBLE_MB ?? 64);
const TARGET_MB_S = 200;
const mod = (p) => import(pathToFileURL(join(ROOT, 'dist', 'server', ...p.split('/'))).href);
const { writeBundle, manifestSigner, keysWithValidity } = await mod('evidence/bundle/bundle.export.js');
const { verifyBundleFile } = await mod('evidence/bundle/bundle.node.js');
const { verifyBundle, nobleCrypto } = await mod('evidence/bundle/bundle.verify.js');
const { signEnvelope } = await mod('federation/protocol/envelope.js');
const { fingerprintOf, rawPublicKey } = await mod('node/identity.js');
const { canonicalJson } = await mod('crypto/canonical.js');

function identity(nodeId) {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  return { node_id: nodeId, privateKey, publicKey, publicKeyRaw: rawPublicKey(publicKey).toString('base64url'), fingerprint: fingerprintOf(publicKey) };
}
const sha = (x) => createHash('sha256').update(x).digest('hex');

const block = randomBytes(1 << 20);
const fileHash = createHash('sha256');
for (let i = 0; i < MB; i++) fileHash.update(block);
const sha256 = fileHash.digest('hex');
const a = identity('uz-cert');
const b = identity('kz-cert');
const caseId = randomUUID();
const at = new Date().toISOString();
const event = (id, to, body) => signEnvelope(id, { v: 1, id: randomUUID(), from: id.node_id, to: [to], type: 'cases.event/v1', issued_at: at, body: { event_id: randomUUID(), case_id: caseId, created_at: at, seen: [], ...body } });
const open = event(a, b.node_id, { action: 'open', requested: b.node_id, request: {} });
const events = [open, ...Array.from({ length: 50 }, () => event(a, b.node_id, { action: 'message', text: 'x'.repeat(2000) }))];
const { signReceipt } = await mod('federation/protocol/receipt.js');
const receipts = [signReceipt(b, { batch_id: randomUUID(), received_at: at, items: events.map((e) => ({ message_id: e.id, digest: sha(canonicalJson(e)), status: 'accepted' })) })];
const custody = [];
for (let i = 0; i < 100; i++) {
  custody.push(signEnvelope(a, { v: 1, id: randomUUID(), from: a.node_id, to: [a.node_id], type: 'evidence.custody/v1', issued_at: at, body: { case_id: caseId, seq: i + 1, prev: i ? sha(canonicalJson(custody[i - 1])) : null, at, actor: 'user:1', from: null, action: 'view', attachment_id: 'f', sha256 } }));
}
const dir = mkdtempSync(join(tmpdir(), 'accord-bench-bundle-'));
const file = join(dir, `${caseId}.accord-bundle`);
try {
  await writeBundle(createWriteStream(file), {
    caseId, exportedBy: a.node_id, createdAt: at, parties: [a.node_id, b.node_id],
    keys: [...keysWithValidity(a.node_id, { public_key: a.publicKeyRaw, fingerprint: a.fingerprint }, []), ...keysWithValidity(b.node_id, { public_key: b.publicKeyRaw, fingerprint: b.fingerprint }, [])],
    attachmentsIncluded: true,
    attachments: [{ id: 'f', sha256, name: 'disk.img', media_type: 'application/octet-stream', size: MB << 20, included: true }],
    events, receipts, custody,
    openAttachment: async () => (await import('node:stream')).Readable.from((function* () { for (let i = 0; i < MB; i++) yield block; })()),
  }, manifestSigner(a));
  const size = statSync(file).size;

  // The machine's own SHA-256 over the same amount, from the same file (page cache warm).
  let t0 = performance.now();
  const h = createHash('sha256');
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(c);
  h.digest();
  const machine = Math.round(size / 2 ** 20 / ((performance.now() - t0) / 1000));

  t0 = performance.now();
  const r = await verifyBundleFile(file);
  const verify = Math.round(size / 2 ** 20 / ((performance.now() - t0) / 1000));
  if (!r.ok) throw new Error(`verification failed: ${JSON.stringify(r.problems.slice(0, 3))}`);

  // The browser's path (noble): hashing a slice as the verifier does.
  const slice = Array.from({ length: NOBLE_MB }, () => block);
  t0 = performance.now();
  const nh = nobleCrypto.sha256();
  for (const c of slice) nh.update(c);
  nh.digestHex();
  const noble = Math.round(NOBLE_MB / ((performance.now() - t0) / 1000));
  void verifyBundle;

  process.stderr.write(`case bundle, ${(size / 2 ** 20).toFixed(0)} MiB (${r.checked.members} members, ${r.checked.signatures} signatures), one process, load ${loadavg()[0].toFixed(1)}\n`);
  for (const [name, v] of [['machine sha256 (same file)', machine], ['accord bundle verify (node:crypto)', verify], ['verifier hashing in the browser (noble)', noble]]) process.stderr.write(`  ${name.padEnd(42)} ${String(v).padStart(6)} MiB/s\n`);
  process.stderr.write(`  target ≥ ${TARGET_MB_S} MiB/s for bundle verification: ${verify >= TARGET_MB_S ? 'PASS' : 'FAIL'}\n`);
  process.stdout.write(JSON.stringify({ mib: Math.round(size / 2 ** 20), sha256: machine, verify, noble_sha256: noble, load: loadavg()[0] }) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
