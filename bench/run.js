#!/usr/bin/env node
// Accord benchmarks: throughput, latency and idle memory of one `accord serve` process,
// on SQLite and on PostgreSQL. See bench/README.md.
//
// Env: BENCH_DURATION (seconds per load run, default 10), BENCH_DIALECTS (default "sqlite,postgres"),
//      BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_IDLE_WAIT (s, default 5),
//      BENCH_CPU_PROF=1 (run the server under `node --cpu-prof`, profiles in test-results/bench-prof/),
//      BENCH_STRICT=1 (exit 1 when a target is missed, not only on errors),
//      BENCH_ROOT (another Accord checkout whose bin/ and dist/server to measure; default: this one),
//      BENCH_FEDERATION=0, BENCH_INBOX_ATTACK=0 (skip bench/federation.js, bench/inbox-attack.js, which this script runs afterwards as child processes).
// Progress and the table go to stderr; the JSON result goes to stdout and test-results/bench.json.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  assertAlive, cli, cpuSeconds, dialectsFromEnv, dropSchema, hasTaskset, log, nCpu, OUT_DIR, PG_URL, posInt,
  printTable as printRows, procStatus, REPO, ROOT, round, sleep, startServer as start, stopServer,
} from './lib.js';

const DURATION = posInt(process.env.BENCH_DURATION, 10);
const IDLE_WAIT = posInt(process.env.BENCH_IDLE_WAIT, 5);
const WARMUP = Math.min(3, Math.max(1, Math.floor(DURATION / 4)));
const DIALECTS = dialectsFromEnv();
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const STRICT = process.env.BENCH_STRICT === '1';

const TARGETS = { idle_rss_mb_max: 150, sqlite_read_rps_min: 5000 };
const PASSWORD = 'bench-password-' + randomBytes(6).toString('hex');
const ANALYST = 'analyst@bench.test';
const ADMIN = 'admin@bench.test';

const LOAD_AT_START = loadavg().map((x) => round(x, 2));

function startServer(dataDir, label) {
  // Every attempt is counted before it is judged (issue 10): ten parallel sign-ins of one account
  // would meet the lockout, which this bench does not measure.
  return start(dataDir, { label, cpu: '0', env: { ACCORD_LOGIN_RATE_PER_MINUTE: '100000', ACCORD_LOGIN_MAX_FAILURES: '100' }, prof: CPU_PROF ? join(OUT_DIR, 'bench-prof') : null });
}

function cannon(opts) {
  return new Promise((res, rej) => {
    autocannon({ ...opts, duration: opts.duration ?? DURATION }, (err, result) => (err ? rej(err) : res(result)));
  });
}

/** One load run; reports throughput, latency, failures and the server's CPU use. */
async function load(child, name, opts) {
  const pid = child.pid;
  assertAlive(child);
  const cpu0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  const r = await cannon(opts);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  assertAlive(child);
  const cpu = (cpuSeconds(pid) - cpu0) / wall;
  const row = {
    requests_per_s: round(r.requests.average),
    total_requests: r.requests.total,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    connections: opts.connections,
    duration_s: opts.duration ?? DURATION,
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    server_cpu_cores: round(cpu, 2),
    // Throughput per CPU-second of the server: steadier than req/s when other processes steal the core.
    requests_per_cpu_s: cpu > 0 ? round(r.requests.average / cpu) : null,
    loadavg_1m_after: round(loadavg()[0], 2),
  };
  if (cpu < 0.9 && name !== 'POST sign-in') log(`  warning: the server used only ${row.server_cpu_cores} of its core during ${name}; something else competes for CPU 0 (load ${row.loadavg_1m_after}), so req/s is understated`);
  log(`  ${name.padEnd(14)} ${String(row.requests_per_s).padStart(7)} req/s  (${row.requests_per_cpu_s} per CPU-s)  p50 ${row.p50_ms} ms  p99 ${row.p99_ms} ms  non-2xx ${row.non_2xx}  errors ${row.errors}  server CPU ${row.server_cpu_cores}`);
  return row;
}

async function check(url, init, want) {
  const res = await fetch(url, init);
  const body = await res.text();
  if (res.status !== want) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

async function benchDialect(dialect) {
  const dataDir = mkdtempSync(join(tmpdir(), `accord-bench-${dialect}-`));
  const schema = dialect === 'postgres' ? `bench_${randomBytes(6).toString('hex')}` : undefined;
  let server;
  try {
    log(`\n[${dialect}] creating node in ${dataDir}${schema ? ` (schema ${schema})` : ''}`);
    cli([
      'init', '--data', dataDir, '--node-id', `bench-${dialect}`, '--country', 'UZ', '--name', 'en=Accord bench',
      '--admin-email', ADMIN, '--no-require-admin-totp',
      ...(schema ? ['--db', PG_URL, '--db-schema', schema] : []),
    ]);
    cli(['user', 'add', '--data', dataDir, '--email', ANALYST, '--name', 'Bench analyst', '--role', 'analyst', '--password-stdin'], PASSWORD + '\n');
    const analystToken = cli(['token', 'create', '--data', dataDir, '--user', ANALYST, '--name', 'bench']).token;
    const adminToken = cli(['token', 'create', '--data', dataDir, '--user', ADMIN, '--name', 'bench-admin']).token;

    server = await startServer(dataDir, dialect);
    const pid = server.child.pid;
    log(`[${dialect}] server pid ${pid} at ${server.url}${hasTaskset ? ' (pinned to CPU 0)' : ''}`);

    // Sanity: every route answers as expected before we measure it.
    const auth = (t) => ({ headers: { authorization: `Bearer ${t}` } });
    await check(`${server.url}/api/v1/node`, auth(analystToken), 200);
    const users = await check(`${server.url}/api/v1/users`, auth(adminToken), 200);
    const signInBody = JSON.stringify({ email: ANALYST, password: PASSWORD });
    const signInInit = { method: 'POST', headers: { 'content-type': 'application/json' }, body: signInBody };
    const s = await check(`${server.url}/api/v1/auth/sign-in`, signInInit, 200);
    if (s.stage !== 'full') throw new Error(`sign-in reached stage ${s.stage}, expected full`);

    await sleep(IDLE_WAIT * 1000);
    const idleStart = procStatus(pid);
    log(`[${dialect}] idle RSS after start: ${idleStart.rss_mb} MB`);

    const readOpts = (path, token) => ({ url: server.url + path, connections: 50, headers: { authorization: `Bearer ${token}` } });
    await cannon({ ...readOpts('/api/v1/node', analystToken), duration: WARMUP }); // JIT warm-up, not reported
    const node = await load(server.child, 'GET /node', readOpts('/api/v1/node', analystToken));
    const usersRow = await load(server.child, `GET /users(${users.length})`, readOpts('/api/v1/users', adminToken));
    const signIn = await load(server.child, 'POST sign-in', {
      url: `${server.url}/api/v1/auth/sign-in`, method: 'POST', connections: 10,
      headers: { 'content-type': 'application/json' }, body: signInBody,
    });

    await sleep(IDLE_WAIT * 1000);
    const idleAfter = procStatus(pid);
    log(`[${dialect}] idle RSS after load: ${idleAfter.rss_mb} MB (peak ${idleAfter.peak_rss_mb} MB)`);

    return {
      dialect,
      read_node: node,
      read_users: usersRow,
      sign_in: signIn,
      idle_rss_mb_after_start: idleStart.rss_mb,
      idle_rss_mb_after_load: idleAfter.rss_mb,
      peak_rss_mb: idleAfter.peak_rss_mb,
    };
  } finally {
    if (server) {
      await stopServer(server.child);
      const tail = server.stderr().trim();
      if (tail) log(`[${dialect}] server stderr (tail):\n${tail.slice(-2000)}`);
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) await dropSchema(schema, `[${dialect}] `);
  }
}

function verdicts(r) {
  const out = [];
  const rssOk = Math.max(r.idle_rss_mb_after_start, r.idle_rss_mb_after_load) <= TARGETS.idle_rss_mb_max;
  out.push({ target: `idle RSS <= ${TARGETS.idle_rss_mb_max} MB`, ok: rssOk });
  if (r.dialect === 'sqlite') out.push({ target: `GET /node >= ${TARGETS.sqlite_read_rps_min} req/s`, ok: r.read_node.requests_per_s >= TARGETS.sqlite_read_rps_min });
  return out;
}

function printTable(results) {
  const rows = [
    ['GET /api/v1/node  req/s (50 conn)', (r) => r.read_node.requests_per_s],
    ['  per server CPU-second', (r) => r.read_node.requests_per_cpu_s],
    ['  p50 / p99 ms', (r) => `${r.read_node.p50_ms} / ${r.read_node.p99_ms}`],
    ['GET /api/v1/users req/s (50 conn)', (r) => r.read_users.requests_per_s],
    ['  per server CPU-second', (r) => r.read_users.requests_per_cpu_s],
    ['  p50 / p99 ms', (r) => `${r.read_users.p50_ms} / ${r.read_users.p99_ms}`],
    ['POST sign-in      req/s (10 conn)', (r) => r.sign_in.requests_per_s],
    ['  p50 / p99 ms', (r) => `${r.sign_in.p50_ms} / ${r.sign_in.p99_ms}`],
    ['non-2xx / errors (all runs)', (r) => `${r.read_node.non_2xx + r.read_users.non_2xx + r.sign_in.non_2xx} / ${r.read_node.errors + r.read_users.errors + r.sign_in.errors}`],
    ['server CPU, cores (node/users/sign-in)', (r) => `${r.read_node.server_cpu_cores}/${r.read_users.server_cpu_cores}/${r.sign_in.server_cpu_cores}`],
    ['idle RSS MB after start', (r) => r.idle_rss_mb_after_start],
    ['idle RSS MB after load', (r) => r.idle_rss_mb_after_load],
    ['peak RSS MB', (r) => r.peak_rss_mb],
    ...['idle RSS', 'GET /node'].map((t) => [`target: ${t}`, (r) => { const v = r.verdicts.find((x) => x.target.startsWith(t)); return v ? (v.ok ? 'PASS' : 'FAIL') + ` (${v.target})` : '-'; }]),
  ];
  printRows(results.map((r) => r.dialect), results, rows);
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'cli', 'main.js'))) {
    log('dist/server is missing: run `npm run build:server` first');
    process.exit(2);
  }
  // The server gets CPU 0; this process (autocannon) the others, so that the two do not compete.
  if (hasTaskset && nCpu > 1) spawnSync('taskset', ['-a', '-cp', `1-${nCpu - 1}`, String(process.pid)], { stdio: 'ignore' });
  log(`Accord bench: ${DURATION} s per run, dialects ${DIALECTS.join(', ')}, ${nCpu} CPUs, node ${process.version}${hasTaskset ? '' : ' (no taskset: server not pinned)'}`);

  const results = [];
  const failures = [];
  for (const d of DIALECTS) {
    try {
      const r = await benchDialect(d);
      r.verdicts = verdicts(r);
      results.push(r);
    } catch (e) {
      // One dialect failing (e.g. no PostgreSQL) must not hide the other's figures.
      log(`[${d}] FAILED: ${e.message}`);
      failures.push({ dialect: d, error: e.message });
    }
  }
  if (results.length) printTable(results);

  const report = {
    date: new Date().toISOString(),
    root: ROOT,
    node: process.version,
    cpus: nCpu,
    cpu_model: cpus()[0]?.model ?? null,
    loadavg_at_start: LOAD_AT_START,
    server_pinned_to_one_cpu: hasTaskset,
    duration_s: DURATION,
    targets: TARGETS,
    results,
    failures,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'bench.json'), JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  log(`\nwritten to ${join(OUT_DIR, 'bench.json')}`);

  const failed = results.some((r) => r.read_node.non_2xx + r.read_users.non_2xx + r.sign_in.non_2xx + r.read_node.errors + r.read_users.errors + r.sign_in.errors > 0);
  const missed = results.some((r) => r.verdicts.some((v) => !v.ok));
  if (failed) log('some requests failed (non-2xx or errors): the figures are not trustworthy');
  if (failures.length) log(`dialects that could not be measured: ${failures.map((f) => f.dialect).join(', ')}`);
  let code = failed || failures.length || (STRICT && missed) ? 1 : 0;

  // Then the two-node benchmarks, each in its own process: federation (throughput and latency,
  // test-results/bench-federation.json) and the inbox under attack
  // (test-results/bench-inbox-attack.json), case events between two nodes
  // (test-results/bench-cases-events.json), the case list with 100,000 cases
  // (test-results/bench-cases-list.json) and the evidence benches (encryption, upload, transfer
  // between two nodes, bundle verification; BENCH_EVIDENCE=0 skips them), intel import and TAXII
  // paging (BENCH_INTEL=0 skips them), the norms comparison matrix (BENCH_NORMS=0 skips it), the plan fold and reports (BENCH_PLANS=0 skips them), the statement fold and
  // verification (BENCH_STATEMENTS=0 skips them); their progress and
  // tables go to our stderr.
  for (const [script, skip] of [['federation.js', 'BENCH_FEDERATION'], ['inbox-attack.js', 'BENCH_INBOX_ATTACK'], ['cases-events.js', 'BENCH_CASES_EVENTS'], ['cases-list.js', 'BENCH_CASES_LIST'], ['evidence-crypto.js', 'BENCH_EVIDENCE'], ['evidence-upload.js', 'BENCH_EVIDENCE'], ['evidence-transfer.js', 'BENCH_EVIDENCE'], ['evidence-bundle.js', 'BENCH_EVIDENCE'], ['intel-import.js', 'BENCH_INTEL'], ['intel-taxii.js', 'BENCH_INTEL'], ['norms-matrix.js', 'BENCH_NORMS'], ['intel-replication.js', 'BENCH_INTEL'], ['plans-fold.js', 'BENCH_PLANS'], ['statements-fold.js', 'BENCH_STATEMENTS']]) {
    if (process.env[skip] === '0') continue;
    log(`\n=== bench/${script} ===`);
    const childCode = await new Promise((res) => {
      const child = spawn(process.execPath, [join(REPO, 'bench', script)], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.once('exit', (c) => res(c ?? 1));
      child.once('error', (e) => { log(`could not run bench/${script}: ${e.message}`); res(1); });
    });
    if (childCode !== 0) code = 1;
  }
  process.exitCode = code;
}

main().catch((e) => {
  log(`bench failed: ${e.stack ?? e}`);
  process.exitCode = 1;
});
