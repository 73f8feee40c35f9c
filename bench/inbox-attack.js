#!/usr/bin/env node
// Accord "inbox under attack" benchmark. Two real `accord serve` processes A and B that are
// peers; B sends signed notices to A at a steady rate while a stranger floods A's inbox with
// large junk batches from another address. Reported: B's created->receipted latency unloaded
// and under each attack, and the latency of A's /healthz meanwhile. See bench/README.md.
//
// Phases (each BENCH_DURATION s, B sending BENCH_FED_RATE msg/s to A throughout):
//   unloaded      nothing else
//   stranger      BENCH_ATTACK_PARALLEL loops posting a BENCH_ATTACK_MB MiB batch from an unknown node id
//   bad signature the same, with B's node id and B's key fingerprint but a signature that does not verify
//
// BENCH_TRACE=1 also logs, per phase, the worst latency of the messages created in each 250 ms.
// Run as `node bench/inbox-attack.js`; the attacker is this file run as a child process
// (`node bench/inbox-attack.js attacker <inbox url> <mode> <node id> <fingerprint>`).
// Progress and the table go to stderr; the JSON result goes to stdout and test-results/bench-inbox-attack.json.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertAlive, cpuSeconds, dialectsFromEnv, hasTaskset, log, nCpu, OUT_DIR, posInt, printTable, ROOT, round, runQueueSeconds, sleep } from './lib.js';
import { paced, percentiles, profDir, scalar, startPair } from './pair.js';

const DURATION = posInt(process.env.BENCH_DURATION, 10);
const RATE = posInt(process.env.BENCH_FED_RATE, 1000);
const ATTACK_MB = posInt(process.env.BENCH_ATTACK_MB, 30);
const PARALLEL = posInt(process.env.BENCH_ATTACK_PARALLEL, 4);
// The attackers' source addresses (stranger, bad signature): others than B's, so that the
// per-address inbox budget (ACCORD_INBOX_RATE_PER_MINUTE, left at its default) counts them
// apart from B, and each other's, so that each attack starts with a full budget.
const [FROM_STRANGER, FROM_BAD_SIGNATURE] = (process.env.BENCH_ATTACK_FROM ?? '127.0.0.2,127.0.0.3').split(',').map((s) => s.trim());
const ATTACK_FROM = process.env.BENCH_ATTACKER_ADDRESS ?? FROM_STRANGER;
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const TRACE = process.env.BENCH_TRACE === '1';
const STRICT = process.env.BENCH_STRICT === '1';
const PHASES = (process.env.BENCH_ATTACK_PHASES ?? 'unloaded,stranger,bad_signature').split(',').map((s) => s.trim());
const HEALTH_EVERY_MS = 20;
const LATENCY_CONNECTIONS = 64;
const A_ID = 'bench-a';
const B_ID = 'bench-b';
const TARGETS = { latency_p99_factor_max: 2, healthz_p99_ms_max: 100 };
// A, the node attacked, gets CPU 0 alone; B, the attacker and this process share the others.
const PIN = process.env.BENCH_FED_PIN !== '0' && hasTaskset && nCpu > 1;
const OTHERS = nCpu > 2 ? `1-${nCpu - 1}` : '1';

if (process.argv[2] === 'attacker') attacker(...process.argv.slice(3));
else main().catch((e) => {
  log(`bench failed: ${e.stack ?? e}`);
  process.exitCode = 1;
});

/**
 * A batch of about `mb` MiB in Accord's own wire form (canonical JSON: the body first, the
 * header members after it), from `from` and signed, so it claims, with key `key`; no signature
 * in it verifies.
 */
function junkBatch(mb, from, key, to) {
  const now = new Date().toISOString();
  const sig = () => ({ key, suite: 'ed25519', value: randomBytes(64).toString('base64url') });
  const envs = [];
  let size = 0;
  for (let i = 1; size < mb * 1024 * 1024; i++) {
    const e = JSON.stringify({ body: { subject: `junk ${i}`, text: 'x'.repeat(1800) }, from, id: randomUUID(), issued_at: now, seq: i, sig: sig(), to: [to], type: 'federation.notice/v1', v: 1 });
    envs.push(e);
    size += e.length + 1;
  }
  const header = JSON.stringify({ from, id: randomUUID(), issued_at: now, sig: sig(), to: [to], type: 'federation.batch/v1', v: 1 }).slice(1);
  return Buffer.from(`{"body":{"envelopes":[${envs.join(',')}]},${header}`);
}

/** The attacker process: posts the junk batch in PARALLEL loops until SIGTERM, then prints what it did. */
function attacker(url, mode, from, key) {
  const body = junkBatch(ATTACK_MB, from, key, A_ID);
  const agent = new http.Agent({ keepAlive: true, maxSockets: PARALLEL, localAddress: ATTACK_FROM });
  const statuses = {};
  let sent = 0;
  let bytes = 0;
  let stop = false;
  const t0 = performance.now();
  const post = () => new Promise((res) => {
    // It names the sender its batch claims, as a node does (accord-sender): the stranger its own
    // unknown id, the bad signatures B's. Naming none is answered as naming a stranger.
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length, 'accord-sender': from } }, (r) => {
      r.resume();
      r.on('end', () => res(String(r.statusCode)));
      r.on('error', () => res('error'));
    });
    req.on('error', (e) => res(e.code ?? 'error'));
    req.end(body);
  });
  const loop = async () => {
    while (!stop) {
      const s = await post();
      statuses[s] = (statuses[s] ?? 0) + 1;
      sent++;
      bytes += body.length;
      if (s === 'ECONNREFUSED') await sleep(50);
    }
  };
  const loops = Array.from({ length: PARALLEL }, loop);
  process.stderr.write(`attacker ready: ${mode}, ${round(body.length / 1048576, 1)} MiB per batch, ${PARALLEL} in parallel from ${ATTACK_FROM}\n`);
  process.once('SIGTERM', async () => {
    stop = true;
    const wall = (performance.now() - t0) / 1000;
    await Promise.race([Promise.all(loops), sleep(5000)]);
    process.stdout.write(JSON.stringify({ mode, batches: sent, batch_mib: round(body.length / 1048576, 1), mib_per_s: round(bytes / 1048576 / wall, 1), statuses }) + '\n');
    process.exit(0);
  });
}

function startAttacker(a, b, mode) {
  const [from, key] = mode === 'stranger' ? ['bench-x', randomBytes(32).toString('hex')] : [B_ID, b.fingerprint];
  const argv = [process.execPath, fileURLToPath(import.meta.url), 'attacker', `${a.url}/federation/v1/inbox`, mode, from, key];
  const [cmd, ...args] = PIN ? ['taskset', '-c', OTHERS, ...argv] : argv;
  const address = mode === 'stranger' ? FROM_STRANGER : (FROM_BAD_SIGNATURE ?? FROM_STRANGER);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BENCH_ATTACKER_ADDRESS: address } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const ready = new Promise((res, rej) => {
    child.stderr.on('data', (d) => {
      if (String(d).includes('attacker ready')) res();
      else log(`[attacker] ${String(d).trim()}`);
    });
    child.once('exit', (c) => rej(new Error(`the attacker exited (${c}) before it was ready`)));
  });
  return {
    ready,
    pid: child.pid,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      try {
        return JSON.parse(out.trim().split('\n').pop());
      } catch {
        return null;
      }
    },
  };
}

/** GET /healthz on A one after another, every HEALTH_EVERY_MS, until stopped: latencies in ms (a failure counts as its time and is counted). */
function probeHealth(a) {
  const times = [];
  let failures = 0;
  let stop = false;
  const done = (async () => {
    while (!stop) {
      const t = performance.now();
      try {
        const r = await fetch(`${a.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        await r.text();
        if (!r.ok) failures++;
      } catch {
        failures++;
      }
      const ms = performance.now() - t;
      times.push(round(ms, 1));
      if (ms < HEALTH_EVERY_MS) await sleep(HEALTH_EVERY_MS - ms);
    }
  })();
  return async () => {
    stop = true;
    await done;
    return { ...percentiles(times), failures };
  };
}

/** When in the phase the slow messages were created: the worst latency per 250 ms, as "start:worst" pairs. */
function worstByQuarterSecond(sent, t0) {
  const worst = new Map();
  for (const m of sent) {
    if (!m.delivered_at) continue;
    const k = Math.floor((Date.parse(m.created_at) - t0) / 250) * 250;
    worst.set(k, Math.max(worst.get(k) ?? 0, Date.parse(m.delivered_at) - Date.parse(m.created_at)));
  }
  return [...worst].sort((x, y) => x[0] - y[0]).map(([k, v]) => `${k}:${v}`).join(' ');
}

async function drain(b, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while ((await scalar(b.reader, `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE peer_id = '${A_ID}' AND state = 'pending' LIMIT 1) p`)) > 0) {
    if (Date.now() > until) throw new Error(`B still has pending messages after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

async function phase(dialect, pair, mode, unloaded) {
  const [a, b] = pair.nodes;
  const label = `${dialect} ${mode}`;
  const attack = mode === 'unloaded' ? null : startAttacker(a, b, mode);
  if (attack) await attack.ready;
  const startIso = new Date().toISOString();
  const a0 = { cpu: cpuSeconds(a.pid), q: runQueueSeconds(a.pid) };
  const b0 = { cpu: cpuSeconds(b.pid), q: runQueueSeconds(b.pid), attacker: attack ? cpuSeconds(attack.pid) : null };
  const stopProbe = probeHealth(a);
  const t0 = performance.now();
  const r = await paced({
    url: `${b.url}/api/v1/peers/${A_ID}/notices`, method: 'POST', connections: LATENCY_CONNECTIONS, rate: RATE, duration: DURATION,
    headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject: 'attack bench', text: 'one signed notice, end to end' }),
  });
  const wall = (performance.now() - t0) / 1000;
  const endIso = new Date().toISOString();
  const health = await stopProbe();
  const a1 = { cpu: cpuSeconds(a.pid), q: runQueueSeconds(a.pid) };
  const b1 = { cpu: cpuSeconds(b.pid), q: runQueueSeconds(b.pid), attacker: attack ? cpuSeconds(attack.pid) : null };
  const attacked = attack ? await attack.stop() : null;
  assertAlive(a.server.child, A_ID);
  assertAlive(b.server.child, B_ID);
  await drain(b);
  const sent = await b.reader.all(`SELECT created_at, delivered_at, state FROM outbox WHERE peer_id = '${A_ID}' AND created_at >= '${startIso}' AND created_at < '${endIso}'`);
  const toReceipt = sent.filter((m) => m.delivered_at).map((m) => Date.parse(m.delivered_at) - Date.parse(m.created_at));
  if (TRACE) log(`[${label}] worst created->receipted per 250 ms of the phase (start ms: worst ms): ${worstByQuarterSecond(sent, Date.parse(startIso))}`);
  const failedAttempts = await scalar(b.reader, `SELECT failures AS n FROM peers WHERE node_id = '${A_ID}'`);
  const row = {
    mode,
    messages: sent.length,
    achieved_msgs_per_s: round(sent.length / wall),
    rejected: sent.filter((m) => m.state === 'rejected').length,
    http_non_2xx: r.non2xx,
    http_errors: r.errors,
    to_receipt: percentiles(toReceipt),
    healthz: health,
    attack: attacked,
    a_cpu_cores: round((a1.cpu - a0.cpu) / wall, 2),
    a_runq_wait: a0.q === null || a1.q === null ? null : round((a1.q - a0.q) / wall, 2),
    b_cpu_cores: round((b1.cpu - b0.cpu) / wall, 2),
    b_runq_wait: b0.q === null || b1.q === null ? null : round((b1.q - b0.q) / wall, 2),
    attacker_cpu_cores: b0.attacker === null || b1.attacker === null ? null : round((b1.attacker - b0.attacker) / wall, 2),
    // A's CPU time per junk batch beyond what B's messages cost it unloaded: the steadiest figure on a busy machine.
    a_cpu_ms_per_attack_batch: attacked?.batches && unloaded ? round(((a1.cpu - a0.cpu) - unloaded.a_cpu_cores * wall) * 1000 / attacked.batches, 1) : null,
    b_peer_failures_after: failedAttempts,
    loadavg_1m_after: round(loadavg()[0], 2),
  };
  const q = row.to_receipt;
  log(`[${label}] ${row.achieved_msgs_per_s} msg/s from B; created->receipted p50 ${q.p50_ms} p99 ${q.p99_ms} max ${q.max_ms} ms; /healthz on A p50 ${health.p50_ms} p99 ${health.p99_ms} max ${health.max_ms} ms (${health.n} probes, ${health.failures} failed); A CPU ${row.a_cpu_cores} (run-queue wait ${row.a_runq_wait}), B CPU ${row.b_cpu_cores} (run-queue wait ${row.b_runq_wait})${attacked ? `, attacker CPU ${row.attacker_cpu_cores}` : ''}${attacked ? `; A CPU ms per junk batch ${row.a_cpu_ms_per_attack_batch}; attacker: ${attacked.batches} batches of ${attacked.batch_mib} MiB (${attacked.mib_per_s} MiB/s), answers ${JSON.stringify(attacked.statuses)}` : ''}`);
  return row;
}

async function benchDialect(dialect) {
  const label = `${dialect} inbox attack`;
  const pair = await startPair(dialect, label, {
    nodes: [{ id: A_ID, cpu: PIN ? '0' : null }, { id: B_ID, cpu: PIN ? OTHERS : null }],
    prof: CPU_PROF ? profDir : null,
  });
  const [a, b] = pair.nodes;
  try {
    // Warm-up (JIT, connections), not reported.
    await paced({
      url: `${b.url}/api/v1/peers/${A_ID}/notices`, method: 'POST', connections: LATENCY_CONNECTIONS, rate: RATE, duration: 2,
      headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'warm-up', text: 'x' }),
    });
    await drain(b);
    const phases = [];
    for (const mode of PHASES) phases.push(await phase(dialect, pair, mode, phases.find((p) => p.mode === 'unloaded')));
    // Every message B holds a receipt for is stored on A.
    const delivered = await scalar(b.reader, `SELECT COUNT(*) AS n FROM outbox WHERE peer_id = '${A_ID}' AND state = 'delivered'`);
    const stored = await scalar(a.reader, `SELECT COUNT(*) AS n FROM inbox WHERE from_node = '${B_ID}'`);
    return { dialect, phases, missing_on_a: Math.max(0, delivered - stored) };
  } finally {
    await pair.cleanup();
  }
}

function verdicts(r) {
  const base = r.phases.find((p) => p.mode === 'unloaded');
  return r.phases.filter((p) => p.mode !== 'unloaded').map((p) => ({
    mode: p.mode,
    latency_ok: base && base.to_receipt.p99_ms !== null && p.to_receipt.p99_ms !== null ? p.to_receipt.p99_ms <= TARGETS.latency_p99_factor_max * base.to_receipt.p99_ms : false,
    healthz_ok: p.healthz.p99_ms !== null && p.healthz.p99_ms < TARGETS.healthz_p99_ms_max,
  }));
}

function report(results) {
  const ph = (mode, f) => (r) => { const p = r.phases.find((x) => x.mode === mode); return p ? f(p) : '-'; };
  const rows = [];
  for (const mode of PHASES) {
    rows.push(
      [`${mode}: B msg/s to A`, ph(mode, (p) => p.achieved_msgs_per_s)],
      ['  B created->receipted p50/p99/max', ph(mode, (p) => `${p.to_receipt.p50_ms} / ${p.to_receipt.p99_ms} / ${p.to_receipt.max_ms}`)],
      ['  A /healthz p50/p99/max ms', ph(mode, (p) => `${p.healthz.p50_ms} / ${p.healthz.p99_ms} / ${p.healthz.max_ms}`)],
      ['  A CPU cores (run-queue wait)', ph(mode, (p) => `${p.a_cpu_cores} (${p.a_runq_wait})`)],
      ['  B CPU cores (run-queue wait); attacker', ph(mode, (p) => `${p.b_cpu_cores} (${p.b_runq_wait})${p.attacker_cpu_cores === null ? '' : `; ${p.attacker_cpu_cores}`}`)],
    );
    if (mode !== 'unloaded') {
      rows.push(
        ['  attack batches (MiB/s), answers', ph(mode, (p) => (p.attack ? `${p.attack.batches} (${p.attack.mib_per_s}) ${Object.entries(p.attack.statuses).map(([k, v]) => `${k}x${v}`).join(' ')}` : '-'))],
        ['  A CPU ms per junk batch', ph(mode, (p) => p.a_cpu_ms_per_attack_batch)],
        [`  target: p99 <= ${TARGETS.latency_p99_factor_max}x unloaded`, (r) => { const v = verdicts(r).find((x) => x.mode === mode); return v ? (v.latency_ok ? 'PASS' : 'FAIL') : '-'; }],
        [`  target: /healthz p99 < ${TARGETS.healthz_p99_ms_max} ms`, (r) => { const v = verdicts(r).find((x) => x.mode === mode); return v ? (v.healthz_ok ? 'PASS' : 'FAIL') : '-'; }],
      );
    }
  }
  rows.push(['messages missing on A', (r) => r.missing_on_a]);
  printTable(results.map((r) => r.dialect), results, rows);
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'cli', 'main.js'))) {
    log('dist/server is missing: run `npm run build:server` first');
    process.exit(2);
  }
  if (PIN) spawnSync('taskset', ['-a', '-cp', OTHERS, String(process.pid)], { stdio: 'ignore' });
  const dialects = dialectsFromEnv();
  const loadAtStart = loadavg().map((x) => round(x, 2));
  log(`Accord inbox-attack bench: B sends ${RATE} msg/s to A for ${DURATION} s per phase (${PHASES.join(', ')}); attack ${PARALLEL} x ${ATTACK_MB} MiB from ${FROM_STRANGER} (stranger) and ${FROM_BAD_SIGNATURE} (bad signature); dialects ${dialects.join(', ')}; ${nCpu} CPUs, load ${loadAtStart.join(' ')}${PIN ? `; A pinned to CPU 0, B, the attacker and the bench to ${OTHERS}` : ''}`);
  const results = [];
  const failures = [];
  for (const d of dialects) {
    try {
      const r = await benchDialect(d);
      r.verdicts = verdicts(r);
      results.push(r);
    } catch (e) {
      log(`[${d}] FAILED: ${e.stack ?? e.message}`);
      failures.push({ dialect: d, error: e.message });
    }
  }
  if (results.length) report(results);
  const out = { date: new Date().toISOString(), root: ROOT, node: process.version, cpus: nCpu, cpu_model: cpus()[0]?.model ?? null, loadavg_at_start: loadAtStart, rate: RATE, duration_s: DURATION, attack: { mib: ATTACK_MB, parallel: PARALLEL, from: { stranger: FROM_STRANGER, bad_signature: FROM_BAD_SIGNATURE } }, targets: TARGETS, results, failures };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'bench-inbox-attack.json'), JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  log(`\nwritten to ${join(OUT_DIR, 'bench-inbox-attack.json')}`);
  const failed = results.some((r) => r.missing_on_a !== 0 || r.phases.some((p) => p.http_non_2xx + p.http_errors + p.rejected > 0));
  const missed = results.some((r) => r.verdicts.some((v) => !v.latency_ok || !v.healthz_ok));
  if (failed) log('some of B\'s messages failed (non-2xx, rejected or missing on A): the figures are not trustworthy');
  process.exitCode = failed || failures.length || (STRICT && missed) ? 1 : 0;
}
