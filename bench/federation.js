#!/usr/bin/env node
// Accord federation benchmark: signed messages from one node (A) to another (B), end to end
// (signed at enqueue, sent in signed batches, every signature verified by B, stored, receipted
// by one signed receipt per batch, marked delivered on A). Two real `accord serve` processes,
// on SQLite and on PostgreSQL. See bench/README.md.
//
//  1. throughput: N messages queued on A while B is suspended (so nothing moves), then B is
//     resumed and delivery kicked; messages/s until B has stored all N and until A holds a
//     receipt for all N. Once per batch size.
//  2. latency: POST /api/v1/peers/B/notices on A at a steady rate (default 1,000/s) for
//     BENCH_DURATION s; per message: inbox.received_at (B) - outbox.created_at (A), and
//     outbox.delivered_at (A, receipt processed) - outbox.created_at.
//
// Env: BENCH_DURATION (s of steady load, default 10), BENCH_DIALECTS (default "sqlite,postgres"),
//      BENCH_PG_URL, BENCH_ROOT, BENCH_STRICT=1, BENCH_CPU_PROF=1 (profiles of A and B in
//      test-results/bench-prof/), BENCH_FED_MESSAGES (default 20000), BENCH_FED_BATCH_SIZES
//      (default "500,2000"), BENCH_FED_RATE (messages/s for the latency run, default 1000),
//      BENCH_FED_RUNS (default "throughput,latency").
// Progress and the table go to stderr; the JSON result goes to stdout and test-results/bench-federation.json.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { assertAlive, benchHeader, cliRun, dialectsFromEnv, eachDialect, finishBench, hasTaskset, log, nCpu, posInt, printTable, ROOT, round, sleep } from './lib.js';
import { api, cpuCores, cpuOf, paced, percentiles, profDir, scalar, startPair as startNodes } from './pair.js';

const DURATION = posInt(process.env.BENCH_DURATION, 10);
const DIALECTS = dialectsFromEnv();
const N = posInt(process.env.BENCH_FED_MESSAGES, 20_000);
const BATCH_SIZES = (process.env.BENCH_FED_BATCH_SIZES ?? '500,2000').split(',').map((s) => posInt(s.trim(), NaN)).filter((n) => n > 0);
const RATE = posInt(process.env.BENCH_FED_RATE, 1000);
const RUNS = (process.env.BENCH_FED_RUNS ?? 'throughput,latency').split(',').map((s) => s.trim());
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const WARMUP_MESSAGES = 2000;
const WARMUP_S = 2;
const LATENCY_CONNECTIONS = 64;

const TARGETS = { throughput_msgs_per_s_min: 5000, latency_p99_ms_max: { sqlite: 50, postgres: 100 } };
const latencyOk = (r) => r.latency.to_receipt.p99_ms !== null && r.latency.to_receipt.p99_ms <= TARGETS.latency_p99_ms_max[r.dialect];
const A_ID = 'bench-a';
const B_ID = 'bench-b';
// A on CPU 0, B on CPU 1; with only one CPU both share it.
// BENCH_FED_PIN=0 lets the scheduler run both nodes (and B's verification threads) on every core.
const PIN = process.env.BENCH_FED_PIN !== '0' && hasTaskset;
const CPU_A = PIN ? '0' : null;
const CPU_B = PIN ? (nCpu > 1 ? '1' : '0') : null;
const LOAD_AT_START = loadavg().map((x) => round(x, 2));

/** Waits until A has no pending message for B (every one receipted or rejected). */
/** Two nodes that have added each other as peers, A pinned to CPU 0 and B to CPU 1. */
function startPair(dialect, label, env) {
  // The per-address inbox limit guards against strangers; both bench nodes share 127.0.0.1.
  return startNodes(dialect, label, {
    nodes: [{ id: A_ID, cpu: CPU_A }, { id: B_ID, cpu: CPU_B }],
    env: { ACCORD_INBOX_RATE_PER_MINUTE: '10000000', ...env },
    prof: CPU_PROF ? profDir : null,
  });
}

async function drain(a, b, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    assertAlive(a.server.child, A_ID);
    assertAlive(b.server.child, B_ID);
    if (!(await anyPending(a))) return;
    if (Date.now() > until) throw new Error(`A still has pending messages after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

// The polls below are index lookups, not counts over the tables: a count every 20 ms would
// cost the database (and so the nodes sharing its cores) more than some of the work measured.
const anyPending = async (a) => (await scalar(a.reader, `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE peer_id = '${B_ID}' AND state = 'pending' LIMIT 1) p`)) > 0;
const lastSeqOnB = (b) => scalar(b.reader, `SELECT COALESCE(MAX(seq), 0) AS n FROM inbox WHERE from_node = '${A_ID}'`);
const countOnB = (b) => scalar(b.reader, `SELECT COUNT(*) AS n FROM inbox WHERE from_node = '${A_ID}'`);

async function throughput(dialect, batchSize) {
  const label = `${dialect} throughput batch ${batchSize}`;
  const pair = await startPair(dialect, label, { ACCORD_DELIVERY_BATCH_SIZE: String(batchSize) });
  const [a, b] = pair.nodes;
  try {
    // Warm-up (JIT, connections, caches): a few thousand messages delivered the normal way.
    cliRun(['notice', 'send', B_ID, '--data', a.dataDir, '--subject', 'warm-up', '--count', String(WARMUP_MESSAGES)]);
    await api(a, 'POST', `/api/v1/peers/${B_ID}/retry`);
    await drain(a, b);
    const base = await countOnB(b);
    const baseSeq = await lastSeqOnB(b);

    // Queue N while B is suspended on A, so that nothing moves until we say so.
    cliRun(['peer', 'suspend', B_ID, '--data', a.dataDir]);
    const e0 = performance.now();
    cliRun(['notice', 'send', B_ID, '--data', a.dataDir, '--subject', 'bench', '--text', 'throughput', '--count', String(N)]);
    const enqueueS = (performance.now() - e0) / 1000;
    const pending = await scalar(a.reader, `SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'`);
    if (pending !== N) throw new Error(`expected ${N} pending messages on A, found ${pending}`);
    log(`[${label}] queued ${N} signed messages in ${round(enqueueS, 2)} s (CLI process, incl. start-up: ${round(N / enqueueS)} msg/s)`);

    const c0 = cpuOf(pair.nodes);
    const t0Iso = new Date().toISOString();
    const t0 = performance.now();
    await api(a, 'POST', `/api/v1/peers/${B_ID}/resume`);
    await api(a, 'POST', `/api/v1/peers/${B_ID}/retry`); // kicks the delivery worker at once
    let storedS = null;
    let receiptedS = null;
    let progress = performance.now();
    const timeoutS = Math.max(120, N / 100);
    while (storedS === null || receiptedS === null) {
      assertAlive(a.server.child, A_ID);
      assertAlive(b.server.child, B_ID);
      const now = (performance.now() - t0) / 1000;
      // All N are stored once the last release number has arrived and nothing before it is missing
      // (batches in flight may land out of order, so the full count confirms it).
      if (storedS === null && (await lastSeqOnB(b)) >= baseSeq + N && (await countOnB(b)) >= base + N) storedS = (performance.now() - t0) / 1000;
      if (receiptedS === null && !(await anyPending(a))) receiptedS = (performance.now() - t0) / 1000;
      if (now > timeoutS) throw new Error(`not delivered after ${timeoutS} s`);
      if (performance.now() - progress > 5000) {
        progress = performance.now();
        log(`[${label}]   ... ${(await countOnB(b)) - base} of ${N} stored on B after ${round(now, 1)} s`);
      }
      await sleep(20);
    }
    const c1 = cpuOf(pair.nodes);
    const wall = receiptedS;
    const batches = await scalar(b.reader, `SELECT COUNT(DISTINCT batch_id) AS n FROM inbox WHERE received_at >= '${t0Iso}'`);
    const rejected = await scalar(a.reader, `SELECT COUNT(*) AS n FROM outbox WHERE state = 'rejected'`);
    const notices = await scalar(b.reader, `SELECT COUNT(*) AS n FROM notices`);
    const cpu = cpuCores(c0, c1, wall);
    const row = {
      batch_size: batchSize,
      messages: N,
      enqueue_s: round(enqueueS, 2),
      enqueue_msgs_per_s: round(N / enqueueS),
      stored_s: round(storedS, 3),
      receipted_s: round(receiptedS, 3),
      stored_msgs_per_s: round(N / storedS),
      msgs_per_s: round(N / receiptedS),
      batches,
      avg_batch: batches ? round(N / batches, 1) : null,
      rejected,
      notices_on_b: notices,
      cpu_cores: cpu,
      // messages per CPU-second of the busier node: what one core would do if nothing else ran on it.
      msgs_per_busier_node_cpu_s: round(N / (Math.max(cpu.a, cpu.b) * wall)),
      // CPU microseconds per message on each node: the figure to compare across runs on a busy machine.
      cpu_us_per_msg: { a: round((cpu.a * wall * 1e6) / N), b: round((cpu.b * wall * 1e6) / N) },
      loadavg_1m_after: round(loadavg()[0], 2),
    };
    log(`[${label}] ${row.msgs_per_s} msg/s end to end (all receipted in ${row.receipted_s} s; all stored on B after ${row.stored_s} s = ${row.stored_msgs_per_s} msg/s), ${batches} batches, CPU A ${cpu.a} B ${cpu.b} (run-queue wait A ${cpu.a_runq_wait} B ${cpu.b_runq_wait})${cpu.postgres !== null ? ` postgres ${cpu.postgres}` : ''}`);
    return row;
  } finally {
    await pair.cleanup();
  }
}

async function latency(dialect) {
  const label = `${dialect} latency ${RATE}/s`;
  const pair = await startPair(dialect, label, {});
  const [a, b] = pair.nodes;
  try {
    // A steady RATE: one request due every 1/RATE s, over up to 64 kept-alive connections.
    const opts = (duration) => ({
      url: `${a.url}/api/v1/peers/${B_ID}/notices`, method: 'POST', connections: LATENCY_CONNECTIONS, rate: RATE, duration,
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'latency', text: 'one signed notice, end to end' }),
    });
    await paced(opts(WARMUP_S)); // warm-up, not reported
    await drain(a, b);

    const startIso = new Date().toISOString();
    const c0 = cpuOf(pair.nodes);
    const self0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await paced(opts(DURATION));
    const wall = (performance.now() - t0) / 1000;
    const c1 = cpuOf(pair.nodes);
    const self = process.cpuUsage(self0);
    await drain(a, b);

    const sent = await a.reader.all(`SELECT id, created_at, delivered_at, state FROM outbox WHERE created_at >= '${startIso}'`);
    const got = new Map((await b.reader.all(`SELECT id, received_at, batch_id FROM inbox WHERE received_at >= '${startIso}'`)).map((x) => [x.id, x]));
    const toB = [];
    const toReceipt = [];
    let missing = 0;
    const batchIds = new Set();
    for (const m of sent) {
      const created = Date.parse(m.created_at);
      const inb = got.get(m.id);
      if (!inb) { missing++; continue; }
      batchIds.add(inb.batch_id);
      toB.push(Date.parse(inb.received_at) - created);
      if (m.delivered_at) toReceipt.push(Date.parse(m.delivered_at) - created);
    }
    const row = {
      target_rate: RATE,
      duration_s: DURATION,
      http_requests_per_s: round(r.requests.average),
      http_total: r.requests.total,
      http_non_2xx: r.non2xx,
      http_errors: r.errors,
      http_p50_ms: r.latency.p50,
      http_p99_ms: r.latency.p99,
      messages: sent.length,
      achieved_msgs_per_s: round(sent.length / wall),
      missing_on_b: missing,
      batches: batchIds.size,
      avg_batch: batchIds.size ? round(toB.length / batchIds.size, 1) : null,
      to_b_received: percentiles(toB),
      to_receipt: percentiles(toReceipt),
      cpu_cores: { ...cpuCores(c0, c1, wall), load_generator: round((self.user + self.system) / 1e6 / wall, 2) },
      loadavg_1m_after: round(loadavg()[0], 2),
    };
    const l = row.to_b_received;
    const q = row.to_receipt;
    log(`[${label}] ${row.achieved_msgs_per_s} msg/s queued (HTTP p50 ${row.http_p50_ms} ms, non-2xx ${row.http_non_2xx}), ${row.batches} batches of ~${row.avg_batch}; created->received by B p50 ${l.p50_ms} p90 ${l.p90_ms} p99 ${l.p99_ms} max ${l.max_ms} ms; created->receipted p50 ${q.p50_ms} p99 ${q.p99_ms} ms; CPU A ${row.cpu_cores.a} B ${row.cpu_cores.b}`);
    return row;
  } finally {
    await pair.cleanup();
  }
}

async function benchDialect(dialect) {
  const out = { dialect, throughput: [], latency: null };
  if (RUNS.includes('throughput')) for (const bs of BATCH_SIZES) out.throughput.push(await throughput(dialect, bs));
  if (RUNS.includes('latency')) out.latency = await latency(dialect);
  return out;
}

function report(results) {
  const tp = (bs, f) => (r) => { const x = r.throughput.find((t) => t.batch_size === bs); return x ? f(x) : '-'; };
  const lat = (f) => (r) => (r.latency ? f(r.latency) : '-');
  const rows = [];
  for (const bs of BATCH_SIZES) {
    rows.push(
      [`throughput, batch ${bs}: msg/s end to end`, tp(bs, (x) => x.msgs_per_s)],
      ['  msg/s stored on B', tp(bs, (x) => x.stored_msgs_per_s)],
      ['  batches (avg size)', tp(bs, (x) => `${x.batches} (${x.avg_batch})`)],
      ['  CPU cores A / B / postgres', tp(bs, (x) => `${x.cpu_cores.a} / ${x.cpu_cores.b} / ${x.cpu_cores.postgres ?? '-'}`)],
      ['  msg per CPU-s of busier node', tp(bs, (x) => x.msgs_per_busier_node_cpu_s)],
      ['  CPU us per message A / B', tp(bs, (x) => `${x.cpu_us_per_msg.a} / ${x.cpu_us_per_msg.b}`)],
      ['  run-queue wait A / B (0-1)', tp(bs, (x) => `${x.cpu_cores.a_runq_wait} / ${x.cpu_cores.b_runq_wait}`)],
      ['  enqueue (CLI, signing) msg/s', tp(bs, (x) => x.enqueue_msgs_per_s)],
      [`  target >= ${TARGETS.throughput_msgs_per_s_min} msg/s`, tp(bs, (x) => (x.msgs_per_s >= TARGETS.throughput_msgs_per_s_min ? 'PASS' : 'FAIL'))],
    );
  }
  rows.push(
    [`latency at ${RATE}/s: achieved msg/s`, lat((x) => x.achieved_msgs_per_s)],
    ['  HTTP enqueue p50 / p99 ms', lat((x) => `${x.http_p50_ms} / ${x.http_p99_ms}`)],
    ['  created->stored on B p50/p90/p99/max', lat((x) => `${x.to_b_received.p50_ms} / ${x.to_b_received.p90_ms} / ${x.to_b_received.p99_ms} / ${x.to_b_received.max_ms}`)],
    ['  created->receipted p50/p90/p99/max', lat((x) => `${x.to_receipt.p50_ms} / ${x.to_receipt.p90_ms} / ${x.to_receipt.p99_ms} / ${x.to_receipt.max_ms}`)],
    ['  target p99 created->receipted', (r) => (r.latency ? `${latencyOk(r) ? 'PASS' : 'FAIL'} (<= ${TARGETS.latency_p99_ms_max[r.dialect]} ms)` : '-')],
    ['  batches (avg size)', lat((x) => `${x.batches} (${x.avg_batch})`)],
    ['  CPU cores A / B / postgres / bench', lat((x) => `${x.cpu_cores.a} / ${x.cpu_cores.b} / ${x.cpu_cores.postgres ?? '-'} / ${x.cpu_cores.load_generator}`)],
    ['  run-queue wait A / B (0-1)', lat((x) => `${x.cpu_cores.a_runq_wait} / ${x.cpu_cores.b_runq_wait}`)],
    ['  non-2xx / errors / missing on B', lat((x) => `${x.http_non_2xx} / ${x.http_errors} / ${x.missing_on_b}`)],
  );
  printTable(results.map((r) => r.dialect), results, rows);
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'cli', 'main.js'))) {
    log('dist/server is missing: run `npm run build:server` first');
    process.exit(2);
  }
  // A and B get CPUs 0 and 1; this process (load generator, polling) the others when there are any.
  if (hasTaskset && nCpu > 2) spawnSync('taskset', ['-a', '-cp', `2-${nCpu - 1}`, String(process.pid)], { stdio: 'ignore' });
  log(`Accord federation bench: ${N} messages, batch sizes ${BATCH_SIZES.join(', ')}, ${RATE} msg/s for ${DURATION} s, dialects ${DIALECTS.join(', ')}, ${nCpu} CPUs, node ${process.version}${hasTaskset ? '' : ' (no taskset: nodes not pinned)'}`);
  if (nCpu < 3) log('note: fewer than 3 CPUs, so the bench process (and PostgreSQL) share the cores of A and B');

  const { results, failures } = await eachDialect(DIALECTS, benchDialect);
  if (results.length) report(results);

  const out = {
    ...benchHeader(LOAD_AT_START),
    nodes_pinned: PIN ? { a: CPU_A, b: CPU_B } : null,
    messages: N,
    batch_sizes: BATCH_SIZES,
    rate: RATE,
    duration_s: DURATION,
    targets: TARGETS,
    results,
    failures,
  };
  finishBench('bench-federation.json', out, {
    failures,
    what: 'some messages failed (non-2xx, rejected or missing)',
    failed: results.some((r) => (r.latency && r.latency.http_non_2xx + r.latency.http_errors + r.latency.missing_on_b > 0) || r.throughput.some((t) => t.rejected > 0)),
    missed: results.some((r) => r.throughput.some((t) => t.msgs_per_s < TARGETS.throughput_msgs_per_s_min) || (r.latency && !latencyOk(r))),
  });
}

main().catch((e) => {
  log(`bench failed: ${e.stack ?? e}`);
  process.exitCode = 1;
});
