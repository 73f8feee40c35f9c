#!/usr/bin/env node
// Accord evidence upload benchmark: one file uploaded through HTTP with the tus routes
// (POST, then one streamed PATCH) into a real node on SQLite: parsing, SHA-256, chunked
// AES-256-GCM encryption, the part file written, the move into the store and the custody
// entry. The node runs in this process, pinned to CPU 0 (every thread, with taskset); the
// client runs in a process of its own on CPU 1 (bench/evidence-upload-client.js). Reported
// with the node's CPU seconds per GiB, beside this machine's own SHA-256 and AES-256-GCM
// speed measured in the same run. BENCH_UPLOAD_PIN=0: nothing pinned.
// Run `npm run build:server` first. BENCH_EVIDENCE_UPLOAD_MB sets the size (default 512).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { machineSpeeds } from './evidence-lib.js';
import { hasTaskset, nCpu } from './lib.js';

const ROOT = join(import.meta.dirname, '..');
const MB = Number(process.env.BENCH_EVIDENCE_UPLOAD_MB ?? 512);
const TARGET_MB_S = 200;
const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', 'server', p)).href);
const { initNode } = await dist('app/init-node.js');
const { buildApp } = await dist('app/build-app.js');
const { createUser } = await dist('auth/users.service.js');
const { createToken } = await dist('auth/tokens.service.js');
const { CaseEventType } = await dist('cases/cases.messages.js');
const { newId } = await dist('util/ids.js');

const PIN = process.env.BENCH_UPLOAD_PIN !== '0' && hasTaskset && nCpu > 1;
if (PIN) spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });

/** Runs the client in its own process (on CPU 1 when pinned); its elapsed ms. */
function uploadFromClient(base, token, caseId) {
  const args = [join(ROOT, 'bench', 'evidence-upload-client.js'), base, token, caseId, String(MB)];
  const child = PIN ? spawn('taskset', ['-c', '1', process.execPath, ...args]) : spawn(process.execPath, args);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out).ms) : reject(new Error(`upload client exited ${code}: ${err}`)))));
}
const { sha256, aes_256_gcm: aesGcm } = machineSpeeds(MB);

const root = mkdtempSync(join(tmpdir(), 'accord-bench-upload-'));
const { ctx } = await initNode({ dataDir: join(root, 'node'), nodeId: 'uz-cert', country: 'UZ', names: { en: 'Bench' }, settings: { logLevel: 'silent', requireAdminTotp: false } });
try {
  const peerRow = { node_id: 'kz-cert', base_url: 'http://127.0.0.1:9', country: 'KZ', names: '{"en":"kz"}', authority_kinds: '[]', key_suite: 'ed25519', public_key: 'x', fingerprint: 'f'.repeat(64), status: 'active', added_at: new Date().toISOString(), updated_at: new Date().toISOString(), last_contact_at: null, last_error: null, last_error_at: null, failures: 0, next_attempt_at: null, next_seq: 1, lease_owner: null, lease_until: null, retired_keys: '[]' };
  await ctx.store.db.insertInto('peers').values(peerRow).execute();
  const caseId = newId();
  const now = new Date().toISOString();
  const request_ = { type: 'cert-assistance', priority: 'routine', subject: 'Bench', legal_basis: { instrument: 'gge-2015' }, language: 'en', fields: {}, translations: [], handling: { do_not_notify: false, use_limited_to_proceedings: true, onward: 'none' } };
  const open = { v: 1, id: newId(), from: 'kz-cert', to: ['uz-cert'], type: 'cases.event/v1', issued_at: now, body: { event_id: newId(), created_at: now, seen: [], case_id: caseId, action: 'open', requested: 'uz-cert', request: request_ }, sig: { suite: 'ed25519', key: 'k', value: 'v' } };
  await ctx.store.db.transaction().execute((trx) => CaseEventType.handleMany(trx, [open], ctx));
  const { user } = await createUser(ctx, { ref: 'bench' }, { email: 'officer@example.org', display_name: 'Officer', role: 'officer', password: 'correct horse battery staple' });
  const { token } = await createToken(ctx, { ref: 'bench' }, user.id, { name: 'bench' });
  const app = await buildApp(ctx, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${app.server.address().port}`;
  const cpu0 = process.cpuUsage();
  const ms = await uploadFromClient(base, token, caseId);
  const cpu = process.cpuUsage(cpu0);
  const upload = Math.round(MB / (ms / 1000));
  // The node's CPU per GiB stays steadier than MiB/s when other processes share the machine.
  const cpuSPerGib = Math.round(((cpu.user + cpu.system) / 1e6 / MB) * 1024 * 100) / 100;
  await app.close();
  const rows = [
    ['machine sha256', `${sha256} MiB/s`],
    ['machine aes-256-gcm', `${aesGcm} MiB/s`],
    ['upload through HTTP (tus PATCH, sha256 + encrypt + write)', `${upload} MiB/s`],
    ['  node CPU seconds per GiB uploaded', `${cpuSPerGib} s`],
  ];
  process.stderr.write(`evidence upload, ${MB} MiB over HTTP on 127.0.0.1, the node ${PIN ? 'pinned to CPU 0, the client on CPU 1' : 'and the client unpinned'}, SQLite, load ${loadavg()[0].toFixed(1)}\n`);
  for (const [what, v] of rows) process.stderr.write(`  ${what.padEnd(58)} ${String(v).padStart(10)}\n`);
  process.stderr.write(`  target ≥ ${TARGET_MB_S} MiB/s for the upload: ${upload >= TARGET_MB_S ? 'PASS' : 'FAIL'}\n`);
  process.stdout.write(JSON.stringify({ mib: MB, sha256, aes_256_gcm: aesGcm, upload, node_cpu_s_per_gib: cpuSPerGib, pinned: PIN, load: loadavg()[0] }) + '\n');
} finally {
  await ctx.store.close();
  rmSync(root, { recursive: true, force: true });
}
