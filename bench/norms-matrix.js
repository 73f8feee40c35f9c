#!/usr/bin/env node
// The norms comparison matrix: 193 states × 11 norms, 5 published versions of each state's
// report (965 versions), GET /api/v1/norms/matrix over HTTP to a real `accord serve`, one
// client; also one norm across states (/by-norm/g, which reads every latest report) and one
// state's versions over time. p50/p99 on SQLite and PostgreSQL. Target (issue 15): matrix p99 <= 50 ms.
//
// The versions are stored through the server's own code (dist/server norms.repository
// storeVersion), as a node stores what it receives: each state's statuses move forward from
// version to version, every report has text in each field and a link per norm.
//
// Env: BENCH_DURATION (s per query, default 8), BENCH_DIALECTS (default "sqlite,postgres"),
//      BENCH_PG_URL, BENCH_ROOT, BENCH_STRICT=1, BENCH_NORMS_STATES (193), BENCH_NORMS_VERSIONS (5).
// Progress and the table go to stderr; the JSON result goes to stdout and test-results/bench-norms-matrix.json.
import autocannon from 'autocannon';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dist, rng } from './cases-data.js';
import { assertAlive, benchHeader, cli, cpuSeconds, dialectsFromEnv, dropSchema, eachDialect, finishBench, hasTaskset, log, nCpu, PG_URL, posInt, printTable, ROOT, round, runMain, startServer, stopServer } from './lib.js';

const STATES = posInt(process.env.BENCH_NORMS_STATES, 193);
const VERSIONS = posInt(process.env.BENCH_NORMS_VERSIONS, 5);
const DURATION = posInt(process.env.BENCH_DURATION, 8);
const TARGET_P99_MS = 50;
const LOAD_AT_START = loadavg().map((x) => round(x, 2));
const NORMS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
const STATUSES = ['not_started', 'in_progress', 'implemented'];
const QUERIES = [
  ['matrix', '/api/v1/norms/matrix'],
  ['by norm (g)', '/api/v1/norms/by-norm/g'],
  ['one state over time', '/api/v1/norms/reports/state-097/versions'],
];

/** A two-letter code per state: AA, AB, … (not real countries: the matrix only sorts by them). */
const country = (i) => String.fromCharCode(65 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26));

async function seed(dataDir) {
  const { storeVersion } = await dist('norms/norms.repository.js');
  const { resolveSettings } = await dist('config/settings.js');
  const { openStore } = await dist('store/db.js');
  const s = resolveSettings({ dataDir });
  const store = await openStore({ url: s.db, schema: s.dbSchema });
  const r = rng(15);
  const t0 = performance.now();
  try {
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < STATES; i++) {
        const node = `state-${String(i).padStart(3, '0')}`;
        const level = NORMS.map(() => 0);
        for (let v = 1; v <= VERSIONS; v++) {
          for (let n = 0; n < NORMS.length; n++) if (level[n] < 2 && r.next() < 0.3) level[n]++;
          const norms = NORMS.map((norm, n) => ({
            norm,
            status: STATUSES[level[n]],
            measures: `Measures of ${node} on norm (${norm}), version ${v}. `.repeat(8),
            legislation: `Law ${i}-${n}-${v} on information security and its by-laws.`,
            institutions: 'National CERT; Ministry of Digital Technologies',
            contacts: `duty@${node}.example`,
            links: [{ url: `https://lex.${node}.example/${norm}/${v}`, title: 'Text of the law' }],
          }));
          const published = new Date(Date.now() - (VERSIONS - v + 1) * 30 * 86_400_000).toISOString();
          await storeVersion(trx, { node_id: node, country: country(i), version: v, published_at: published, groups: ['bench-group'], language: 'en', summary: `Report of ${node}, version ${v}`, norms }, { envelope: null, isOwn: false });
        }
      }
    });
    return { seconds: round((performance.now() - t0) / 1000, 1), versions: STATES * VERSIONS };
  } finally {
    await store.close();
  }
}

function percentile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null;
}

async function measure(server, token, kind, path) {
  const opts = { url: `${server.url}${path}`, connections: 1, headers: { authorization: `Bearer ${token}` } };
  await autocannon({ ...opts, duration: 1 });
  const pid = server.child.pid;
  const c0 = cpuSeconds(pid);
  const lat = [];
  const run = autocannon({ ...opts, duration: DURATION });
  run.on('response', (_client, _status, _bytes, ms) => lat.push(ms));
  const res = await run;
  assertAlive(server.child);
  lat.sort((x, y) => x - y);
  return {
    kind,
    path,
    requests: lat.length,
    p50_ms: round(percentile(lat, 0.5), 1),
    p99_ms: round(percentile(lat, 0.99), 1),
    max_ms: round(lat[lat.length - 1] ?? NaN, 1),
    server_cpu_ms_per_req: round(((cpuSeconds(pid) - c0) * 1000) / lat.length, 2),
    loadavg_1m_after: round(loadavg()[0], 2),
    non_2xx: res.non2xx,
    errors: res.errors,
  };
}

async function runDialect(dialect) {
  const root = mkdtempSync(join(tmpdir(), 'accord-bench-norms-'));
  const dataDir = join(root, 'node');
  const schema = dialect === 'postgres' ? `bench_${Math.random().toString(36).slice(2, 10)}` : null;
  try {
    const init = cli(['init', '--data', dataDir, '--node-id', 'bench', '--country', 'UZ', '--name', 'Bench', ...(schema ? ['--db', PG_URL, '--db-schema', schema] : [])]);
    const { token } = cli(['token', 'create', '--data', dataDir, '--user', init.admin_email, '--name', 'bench']);
    const seeded = await seed(dataDir);
    log(`[${dialect}] stored ${seeded.versions} report versions (${STATES} states × ${VERSIONS}) in ${seeded.seconds} s`);
    const server = await startServer(dataDir, { label: `norms-matrix-${dialect}` });
    try {
      const check = await (await fetch(`${server.url}/api/v1/norms/matrix`, { headers: { authorization: `Bearer ${token}` } })).json();
      if (check.rows?.length !== STATES) throw new Error(`the matrix has ${check.rows?.length} rows, not ${STATES}`);
      const runs = [];
      for (const [kind, path] of QUERIES) {
        const m = await measure(server, token, kind, path);
        log(`[${dialect}] ${kind.padEnd(20)} p50 ${m.p50_ms}  p99 ${m.p99_ms}  max ${m.max_ms} ms  (${m.requests} requests, server CPU ${m.server_cpu_ms_per_req} ms/req, load ${m.loadavg_1m_after})${m.non_2xx + m.errors ? `  NON-2XX ${m.non_2xx} ERRORS ${m.errors}` : ''}`);
        runs.push(m);
      }
      const matrix = runs.find((m) => m.kind === 'matrix');
      return { dialect, states: STATES, versions_each: VERSIONS, seeded, runs, verdict: { p99_ms: matrix.p99_ms, ok: matrix.p99_ms <= TARGET_P99_MS } };
    } finally {
      await stopServer(server.child);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    if (schema) await dropSchema(schema, `[${dialect}] `);
  }
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'norms', 'norms.repository.js'))) {
    log('dist/server is missing or has no norms: run `npm run build:server` first');
    process.exit(2);
  }
  log(`Accord norms matrix bench: ${STATES} states × 11 norms × ${VERSIONS} versions, ${DURATION} s per query, one client, dialects ${dialectsFromEnv().join(', ')}, ${nCpu} CPUs, node ${process.version}, load ${LOAD_AT_START.join(' ')}${hasTaskset ? '' : ' (no taskset: server not pinned)'}`);
  const { results, failures } = await eachDialect(dialectsFromEnv(), runDialect);
  if (results.length) {
    const kinds = QUERIES.map(([k]) => k);
    printTable(
      results.map((r) => r.dialect),
      results,
      kinds.flatMap((k) => [
        [`${k}: p50 / p99 ms`, (r) => { const m = r.runs.find((x) => x.kind === k); return `${m.p50_ms} / ${m.p99_ms}${k === 'matrix' ? (m.p99_ms <= TARGET_P99_MS ? ' PASS' : ' FAIL') : ''}`; }],
        ['    server CPU ms/req', (r) => r.runs.find((x) => x.kind === k).server_cpu_ms_per_req],
      ]),
    );
  }
  for (const r of results) log(`[${r.dialect}] matrix of ${r.states} states: p99 ${r.verdict.p99_ms} ms (target <= ${TARGET_P99_MS} ms) ${r.verdict.ok ? 'PASS' : 'FAIL'}`);
  const out = { ...benchHeader(LOAD_AT_START), loadavg_at_end: loadavg().map((x) => round(x, 2)), duration_s: DURATION, target_p99_ms: TARGET_P99_MS, results, failures };
  finishBench('bench-norms-matrix.json', out, { failures, failed: results.some((r) => r.runs.some((m) => m.non_2xx + m.errors > 0)), missed: results.some((r) => !r.verdict.ok) });
}

runMain(main);
