#!/usr/bin/env node
// The case list with 100,000 cases: GET /api/v1/cases over HTTP to a real `accord serve`, one
// client, for a mix of filters and sorts; p50/p99 per query kind, on SQLite and PostgreSQL.
// Target (issue 12): p99 <= 50 ms for every kind. See bench/README.md ("Case list").
//
// The list's rows are seeded realistically through the server's own code (dist/server): each
// case is a random walk through the actions the rules allow (cases.rules foldCase), and its row
// is cases.repository projectionOf of the folded state, as a node writes it after each event.
//
// Env: BENCH_DURATION (s per query kind, default 8), BENCH_DIALECTS (default "sqlite,postgres"),
//      BENCH_PG_URL, BENCH_ROOT, BENCH_STRICT=1, BENCH_CPU_PROF=1, BENCH_CASES (100000),
//      BENCH_CASES_QUERIES (comma-separated kinds, default all), BENCH_CASES_KEEP=1 (keep the node
//      and its schema, to look at query plans).
// Progress and the table go to stderr; the JSON result goes to stdout and test-results/bench-cases-list.json.
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { actionInput, dist, loadCatalogue, PEERS, requestContent, rng } from './cases-data.js';
import { assertAlive, benchHeader, cli, cpuSeconds, dialectsFromEnv, dropSchema, eachDialect, finishBench, hasTaskset, log, nCpu, OUT_DIR, PG_URL, posInt, printTable, ROOT, round, runMain, runQueueSeconds, startServer, stopServer } from './lib.js';

const N = posInt(process.env.BENCH_CASES, 100_000);
const DURATION = posInt(process.env.BENCH_DURATION, 8);
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const TARGET_P99_MS = 50;
const WARMUP_S = 1;
const ME = 'bench';
const LOAD_AT_START = loadavg().map((x) => round(x, 2));
const DAY = 86_400_000;

/** The query kinds: a label and the query string (`next` is filled in from the first page). */
const KINDS = [
  ['default (sort updated)', ''],
  ['status filter', '?status=acknowledged,accepted,preserved'],
  ['peer + type', `?peer=${PEERS[7]}&type=mla-production`],
  ['overdue', '?overdue=true'],
  ['sort by due', '?sort=due'],
  ['offence', '?offence=un-cybercrime-12'],
  ['q latin', `?q=${encodeURIComponent('phishing hospital')}`],
  ['q cyrillic', `?q=${encodeURIComponent('вымогательство')}`],
  ['q rare (reference)', `?q=${encodeURIComponent('KZ-2026-000421')}`],
  ['second page (next)', null],
  ['second page, sort by due', null],
];
const KEEP = process.env.BENCH_CASES_KEEP === '1';
const ONLY = process.env.BENCH_CASES_QUERIES ? new Set(process.env.BENCH_CASES_QUERIES.split(',').map((s) => s.trim())) : null;

/** One case: opened some time in the last two years, then up to six actions the rules allow, alternating parties. */
function walk(r, i, catalogue, rules, nowMs) {
  const type = r.pick(catalogue.requestTypes);
  const peer = r.pick(PEERS);
  const outgoing = r.chance(0.5);
  const requesting = outgoing ? ME : peer;
  const requested = outgoing ? peer : ME;
  const openedMs = nowMs - Math.floor(r.next() ** 2 * 730 * DAY) - 60_000;
  const caseId = randomUUID();
  const events = [];
  let t = openedMs;
  const add = (author, body) => {
    const prev = events[events.length - 1];
    events.push(rules.caseLogEvent(author, { event_id: randomUUID(), case_id: caseId, created_at: new Date(t).toISOString(), seen: prev ? [{ author: prev.author, event_id: prev.id }] : [], ...body }));
  };
  add(requesting, { action: 'open', requested, request: requestContent(r, type, catalogue, i, openedMs) });
  let s = rules.foldCase(events, catalogue);
  const steps = r.int(7);
  for (let k = 0; k < steps; k++) {
    t = Math.min(nowMs - 1000, t + Math.floor(r.next() * 20 * DAY));
    const party = r.chance(0.6) ? 'requested' : 'requesting';
    const actions = rules.availableActions(s, party, catalogue).filter((a) => a !== 'message' || r.chance(0.2));
    if (!actions.length) continue;
    add(party === 'requesting' ? requesting : requested, actionInput(r, r.pick(actions), type, rules, t));
    s = rules.foldCase(events, catalogue);
  }
  return { caseId, state: s, events: events.length };
}

async function seed(dataDir, dialect) {
  const catalogue = await loadCatalogue();
  const rules = await dist('cases/cases.rules.js');
  // searchTextOf: the search text in its own table (case_search); a build before it kept the text in the row.
  const { projectionOf, searchTextOf } = await dist('cases/cases.repository.js');
  const { resolveSettings } = await dist('config/settings.js');
  const { openStore } = await dist('store/db.js');
  const s = resolveSettings({ dataDir });
  const store = await openStore({ url: s.db, schema: s.dbSchema });
  const r = rng(12);
  const now = new Date();
  const t0 = performance.now();
  try {
    let batch = [];
    let texts = [];
    const flush = async (trx) => {
      await trx.insertInto('cases').values(batch).execute();
      if (texts.length) await trx.insertInto('case_search').values(texts).execute();
      batch = [];
      texts = [];
    };
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < N; i++) {
        const w = walk(r, i, catalogue, rules, now.getTime());
        const row = projectionOf(w.caseId, ME, w.state, w.events, now);
        if (!row) throw new Error('a seeded case did not open');
        batch.push(row);
        if (searchTextOf) texts.push({ case_id: w.caseId, search_text: searchTextOf(w.state) });
        if (batch.length === 500) await flush(trx);
      }
      if (batch.length) await flush(trx);
    });
    const textTable = searchTextOf ? 'case_search' : 'cases';
    // What autovacuum does on PostgreSQL soon after a bulk load; SQLite keeps no statistics unless asked.
    if (dialect === 'postgres') for (const t of new Set(['cases', textTable])) await sql`ANALYZE ${sql.id(t)}`.execute(store.db);
    const stats = await store.db.selectFrom(textTable).select((eb) => [eb.fn.countAll().as('n'), eb.fn.avg(eb.fn('length', ['search_text'])).as('avg_text')]).executeTakeFirstOrThrow();
    const byStatus = await store.db.selectFrom('cases').select(['status', (eb) => eb.fn.countAll().as('n')]).groupBy('status').orderBy('status').execute();
    return { seconds: round((performance.now() - t0) / 1000, 1), rows: Number(stats.n), avg_search_text_chars: round(Number(stats.avg_text)), by_status: Object.fromEntries(byStatus.map((x) => [x.status, Number(x.n)])) };
  } finally {
    await store.close();
  }
}

function percentile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null;
}

async function fetchJson(server, token, path) {
  const res = await fetch(`${server.url}/api/v1/cases${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /api/v1/cases${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return { body: JSON.parse(text), bytes: text.length };
}

/** One client sending the next request when the previous answer arrived, for DURATION s after a warm-up. */
async function measure(server, token, kind, path) {
  const opts = { url: `${server.url}/api/v1/cases${path}`, connections: 1, headers: { authorization: `Bearer ${token}` } };
  await autocannon({ ...opts, duration: WARMUP_S });
  const pid = server.child.pid;
  const c0 = { cpu: cpuSeconds(pid), q: runQueueSeconds(pid), t: performance.now() };
  const lat = [];
  const run = autocannon({ ...opts, duration: DURATION });
  run.on('response', (_client, _status, _bytes, ms) => lat.push(ms));
  const res = await run;
  const c1 = { cpu: cpuSeconds(pid), q: runQueueSeconds(pid), t: performance.now() };
  assertAlive(server.child);
  const wall = (c1.t - c0.t) / 1000;
  lat.sort((x, y) => x - y);
  return {
    kind,
    path,
    requests: lat.length,
    p50_ms: round(percentile(lat, 0.5), 1),
    p90_ms: round(percentile(lat, 0.9), 1),
    p99_ms: round(percentile(lat, 0.99), 1),
    max_ms: round(lat[lat.length - 1] ?? NaN, 1),
    server_cpu_ms_per_req: round(((c1.cpu - c0.cpu) * 1000) / lat.length, 2),
    server_runq_wait: c0.q === null || c1.q === null ? null : round((c1.q - c0.q) / wall, 2),
    loadavg_1m_after: round(loadavg()[0], 2),
    non_2xx: res.non2xx,
    errors: res.errors,
  };
}

async function runDialect(dialect) {
  const root = mkdtempSync(join(tmpdir(), 'accord-bench-cases-'));
  const dataDir = join(root, 'node');
  const schema = dialect === 'postgres' ? `bench_${Math.random().toString(36).slice(2, 10)}` : null;
  try {
    const init = cli(['init', '--data', dataDir, '--node-id', ME, '--country', 'UZ', '--name', 'Bench', ...(schema ? ['--db', PG_URL, '--db-schema', schema] : [])]);
    const { token } = cli(['token', 'create', '--data', dataDir, '--user', init.admin_email, '--name', 'bench']);
    log(`[${dialect}] seeding ${N} cases ...`);
    const seeded = await seed(dataDir, dialect);
    log(`[${dialect}] seeded ${seeded.rows} cases in ${seeded.seconds} s (search text ${seeded.avg_search_text_chars} chars on average); by status ${JSON.stringify(seeded.by_status)}`);
    const server = await startServer(dataDir, { label: `cases-list-${dialect}`, prof: CPU_PROF ? join(OUT_DIR, 'bench-prof') : null });
    try {
      const first = await fetchJson(server, token, '');
      const firstDue = await fetchJson(server, token, '?sort=due');
      const paths = KINDS.map(([kind, path]) => [kind, path ?? (kind.includes('due') ? `?sort=due&after=${firstDue.body.next}` : `?after=${first.body.next}`)]);
      const runs = [];
      for (const [kind, path] of paths) {
        if (ONLY && !ONLY.has(kind)) continue;
        const { body, bytes } = await fetchJson(server, token, path);
        const m = await measure(server, token, kind, path);
        m.answer = { cases: body.cases.length, has_next: body.next !== null, bytes };
        log(`[${dialect}] ${kind.padEnd(26)} p50 ${m.p50_ms}  p99 ${m.p99_ms}  max ${m.max_ms} ms  (${m.requests} requests, server CPU ${m.server_cpu_ms_per_req} ms/req, run-queue wait ${m.server_runq_wait}, load ${m.loadavg_1m_after}; ${body.cases.length} cases${body.next ? ' + next' : ''})${m.non_2xx + m.errors ? `  NON-2XX ${m.non_2xx} ERRORS ${m.errors}` : ''}`);
        runs.push(m);
      }
      const verdicts = runs.map((m) => ({ kind: m.kind, p99_ms: m.p99_ms, ok: m.p99_ms <= TARGET_P99_MS }));
      return { dialect, cases: N, seeded, runs, verdicts };
    } finally {
      await stopServer(server.child);
    }
  } finally {
    if (KEEP) log(`[${dialect}] kept ${dataDir}${schema ? ` and schema ${schema}` : ''} (BENCH_CASES_KEEP=1)`);
    else {
      rmSync(root, { recursive: true, force: true });
      if (schema) await dropSchema(schema, `[${dialect}] `);
    }
  }
}

function report(results) {
  const kinds = [...new Set(results.flatMap((r) => r.runs.map((m) => m.kind)))];
  const cell = (k, f) => (r) => { const m = r.runs.find((x) => x.kind === k); return m ? f(m) : '-'; };
  const rows = [];
  for (const k of kinds) {
    rows.push(
      [`${k}: p50 / p99 ms`, cell(k, (m) => `${m.p50_ms} / ${m.p99_ms} ${m.p99_ms <= TARGET_P99_MS ? 'PASS' : 'FAIL'}`)],
      ['    server CPU ms/req, answer', cell(k, (m) => `${m.server_cpu_ms_per_req}, ${m.answer.cases}${m.answer.has_next ? '+' : ''}`)],
    );
  }
  rows.push(['server run-queue wait, worst (s/s)', (r) => Math.max(...r.runs.map((m) => m.server_runq_wait ?? 0))]);
  printTable(results.map((r) => r.dialect), results, rows);
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'cli', 'main.js'))) {
    log('dist/server is missing: run `npm run build:server` first');
    process.exit(2);
  }
  log(`Accord case list bench: ${N} cases, ${DURATION} s per query kind, one client, dialects ${dialectsFromEnv().join(', ')}, ${nCpu} CPUs, node ${process.version}, load ${LOAD_AT_START.join(' ')}${hasTaskset ? '' : ' (no taskset: server not pinned)'}`);
  const { results, failures } = await eachDialect(dialectsFromEnv(), runDialect);
  if (results.length) report(results);
  for (const r of results) {
    const missed = r.verdicts.filter((v) => !v.ok);
    log(`[${r.dialect}] case list over ${r.cases} cases: worst p99 ${Math.max(...r.verdicts.map((v) => v.p99_ms))} ms (target <= ${TARGET_P99_MS} ms) ${missed.length ? `FAIL (${missed.map((v) => v.kind).join(', ')})` : 'PASS'}`);
  }
  const out = {
    ...benchHeader(LOAD_AT_START),
    loadavg_at_end: loadavg().map((x) => round(x, 2)),
    duration_s: DURATION,
    target_p99_ms: TARGET_P99_MS,
    results,
    failures,
  };
  finishBench('bench-cases-list.json', out, {
    failures,
    failed: results.some((r) => r.runs.some((m) => m.non_2xx + m.errors > 0)),
    missed: results.some((r) => r.verdicts.some((v) => !v.ok)),
  });
}

runMain(main);
