#!/usr/bin/env node
// Accord evidence encryption benchmark: the chunked AES-256-GCM format of
// src/evidence/storage/chunked-cipher.ts (encrypt + SHA-256 of the plaintext, and verify:
// every tag plus the hash), on one core, beside this machine's own SHA-256 and AES-256-GCM
// speed measured in the same run. Data is in memory: this measures the CPU path only.
// Run `npm run build:server` first. BENCH_EVIDENCE_MB sets the amount (default 512).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { BLOCK as block, machineSpeeds } from './evidence-lib.js';

const ROOT = join(import.meta.dirname, '..');
const MB = Number(process.env.BENCH_EVIDENCE_MB ?? 512);
const { encryptEvidence, newFileKey, verifyEvidence } = await import(pathToFileURL(join(ROOT, 'dist', 'server', 'evidence', 'storage', 'chunked-cipher.js')).href);
const TARGET_MB_S = 200;

async function* plaintext() {
  for (let i = 0; i < MB; i++) yield block;
}
const rate = (t0) => Math.round(MB / ((performance.now() - t0) / 1000));
const { sha256, aes_256_gcm: aesGcm } = machineSpeeds(MB);
let t0;

const key = newFileKey();
// Timed: the output is counted and dropped, as a file write would take it.
let bytes = 0;
t0 = performance.now();
for await (const b of encryptEvidence(plaintext(), key, {})) bytes += b.length;
const encrypt = rate(t0);
// Untimed: kept, for the verify run.
const result = {};
const stored = [];
for await (const b of encryptEvidence(plaintext(), key, result)) stored.push(b);

async function* storedChunks() {
  for (const b of stored) yield b;
}
t0 = performance.now();
const report = await verifyEvidence(storedChunks(), key, result.value.sha256);
const verify = rate(t0);
if (!report.ok) throw new Error('verification failed');

const rows = [
  ['machine sha256', sha256],
  ['machine aes-256-gcm', aesGcm],
  ['evidence encrypt + sha256', encrypt],
  ['evidence verify (tags + sha256)', verify],
];
process.stderr.write(`evidence crypto, ${MB} MiB in memory, one core, load ${loadavg()[0].toFixed(1)}\n`);
for (const [name, v] of rows) process.stderr.write(`  ${name.padEnd(34)} ${String(v).padStart(6)} MiB/s\n`);
process.stderr.write(`  target ≥ ${TARGET_MB_S} MiB/s for encrypt and verify: ${encrypt >= TARGET_MB_S && verify >= TARGET_MB_S ? 'PASS' : 'FAIL'}\n`);
process.stdout.write(JSON.stringify({ mib: MB, sha256, aes_256_gcm: aesGcm, encrypt, verify, load: loadavg()[0] }) + '\n');
