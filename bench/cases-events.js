#!/usr/bin/env node
// Case events end to end between two `accord serve` processes (issue 12: >= 2,000 events/s):
// node A opens many cases and takes many actions on them; node B applies every event (verifies
// the batch, stores the event in its case log, folds the case and rewrites its list row, in
// one transaction) and answers with a signed receipt. On SQLite and on PostgreSQL.
// See bench/README.md ("Case events").
//
// The events go through A's HTTP API (the bench process is the client, BENCH_CASES_CLIENTS at
// once), through the bulk routes (many cases per call) or one call per step (see generate): per
// case an opening, then BENCH_CASES_ACTIONS actions (messages, added information, and a closing). Each route checks
// the rules, signs the event, queues it in A's outbox, refreshes A's list row and wakes A's
// delivery. (A second process writing A's SQLite database while A runs would fail with
// SQLITE_BUSY on its transactions, so the API is also the only honest way in.) Two runs per database:
//  - live: B active while the generator runs; events/s from the first event queued on A to the
//    last one applied on B (the issue's figure; it includes A's own work creating them).
//  - backlog: B suspended on A while the generator runs, then resumed; events/s from the resume
//    to the last event applied on B (what B applies when events arrive faster than that).
//
// Env: BENCH_DIALECTS, BENCH_PG_URL, BENCH_ROOT, BENCH_STRICT=1, BENCH_CPU_PROF=1,
//      BENCH_CASES_EVENT_COUNT (events per run, default 10000), BENCH_CASES_ACTIONS (actions per
//      case after the opening, default 4), BENCH_CASES_CLIENTS (concurrent API clients, default
//      8), BENCH_CASES_PER_CALL (cases a client works at once through the bulk routes, default
//      20; 1: drafts and single actions, one call per step), BENCH_CASES_RUNS (default "live,backlog"),
//      BENCH_FED_PIN=0 (do not pin A to CPU 0, B and the clients to CPU 1), BENCH_CASES_WARMUP (events made and
//      applied before each run, not reported, default 5000; 0: none).
// Progress and the table go to stderr; the JSON result goes to stdout and test-results/bench-cases-events.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadCatalogue, requestContent, rng } from './cases-data.js';
import { assertAlive, cliRun, dialectsFromEnv, hasTaskset, log, nCpu, OUT_DIR, posInt, printTable, ROOT, round, sleep } from './lib.js';
import { api, cpuCores, cpuOf, profDir, scalar, startPair } from './pair.js';

// About five seconds on SQLite: the run's first calls and its last delivery weigh less than in two.
const EVENTS = posInt(process.env.BENCH_CASES_EVENT_COUNT, 10000);
// Events made and applied before the measured run, not reported: the nodes are new processes,
// and V8 compiles their hot paths while they run; a node in service is past that. Through the
// bulk routes 1,000 events are only 50 calls, and two seconds into a run after them V8's compiler
// and GC threads still took a sixth of A's core (perf, 2-core machine); after 5,000 they are idle.
const WARMUP = process.env.BENCH_CASES_WARMUP === '0' ? 0 : posInt(process.env.BENCH_CASES_WARMUP, 5000);
const ACTIONS = posInt(process.env.BENCH_CASES_ACTIONS, 4);
const CLIENTS = posInt(process.env.BENCH_CASES_CLIENTS, 8);
const PER_CALL = posInt(process.env.BENCH_CASES_PER_CALL, 20);
const RUNS = (process.env.BENCH_CASES_RUNS ?? 'live,backlog').split(',').map((s) => s.trim());
const STRICT = process.env.BENCH_STRICT === '1';
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const PIN = process.env.BENCH_FED_PIN !== '0' && hasTaskset;
const TARGET = 2000;
const A_ID = 'bench-a';
const B_ID = 'bench-b';
const LOAD_AT_START = loadavg().map((x) => round(x, 2));

/**
 * The generator: BENCH_CASES_CLIENTS clients of A's HTTP API at once, each opening cases and
 * taking their actions, then the next cases, until `count` events are queued. The routes do
 * what a user's requests do: check the rules, sign, queue in A's outbox, refresh A's list row and
 * wake A's delivery. With BENCH_CASES_PER_CALL n > 1 (the default, 20), a client works n cases
 * at once through the bulk routes, as a system feeding the node would: one call opens n cases
 * (`POST /api/v1/cases`), then one call per round of actions takes one action on each
 * (`POST /api/v1/cases/actions`). With 1, as a user in the web app does: per case a draft, its
 * sending, then each action, one call each, every one answered with the whole case.
 */
async function generate(a, catalogue, count = EVENTS, firstCase = 0) {
  const r = rng(7 + firstCase);
  let made = 0;
  let cases = firstCase;
  let calls = 0;
  const t0 = performance.now();
  const actionOf = (k, reference) => (k === ACTIONS - 1 ? { action: 'close', note: 'Closed by the requesting side.' } : k % 2 ? { action: 'add_information', text: 'All times in the logs are UTC+5.' } : { action: 'message', text: `Status enquiry ${k + 1} on ${reference}.` });
  const oneAtATime = async () => {
    while (made < count) {
      const i = cases++;
      made++;
      const draft = await api(a, 'POST', '/api/v1/cases/drafts', { requested: B_ID, content: requestContent(r, r.pick(catalogue.requestTypes), catalogue, i) });
      const c = await api(a, 'POST', `/api/v1/cases/drafts/${draft.id}/send`);
      calls += 2;
      for (let k = 0; k < ACTIONS && made < count; k++) {
        made++;
        calls++;
        await api(a, 'POST', `/api/v1/cases/${c.id}/actions`, actionOf(k, c.request.reference));
      }
    }
  };
  const inBulk = async () => {
    while (made < count) {
      const n = Math.min(PER_CALL, Math.ceil((count - made) / (ACTIONS + 1)));
      const requests = Array.from({ length: n }, () => ({ requested: B_ID, content: requestContent(r, r.pick(catalogue.requestTypes), catalogue, cases++) }));
      made += n * (ACTIONS + 1);
      const opened = (await api(a, 'POST', '/api/v1/cases', { requests })).cases;
      calls++;
      for (let k = 0; k < ACTIONS; k++) {
        await api(a, 'POST', '/api/v1/cases/actions', { actions: opened.map((c, j) => ({ case_id: c.id, ...actionOf(k, requests[j].content.reference) })) });
        calls++;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, PER_CALL > 1 ? inBulk : oneAtATime));
  return { events: made, cases: cases - firstCase, calls, seconds: (performance.now() - t0) / 1000 };
}

/**
 * PostgreSQL: what the database's busy sessions are doing, sampled with each poll (every 20 ms):
 * running ("CPU"), or waiting and for what (a row lock held by another transaction shows as
 * Lock:transactionid). Where the time goes when the nodes are not using their cores.
 */
function waitSampler(reader) {
  const counts = new Map();
  let samples = 0;
  return {
    async sample() {
      const rows = await reader.all(`SELECT COALESCE(wait_event_type, 'CPU') || ':' || COALESCE(wait_event, '-') AS w, COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND pid <> pg_backend_pid() AND backend_type = 'client backend' GROUP BY 1`);
      samples++;
      for (const r of rows) counts.set(r.w, (counts.get(r.w) ?? 0) + Number(r.n));
    },
    /** The most frequent states: busy sessions in that state, on average over the samples. */
    top(n = 5) {
      return Object.fromEntries([...counts].sort((x, y) => y[1] - x[1]).slice(0, n).map(([w, c]) => [w, round(c / Math.max(1, samples), 2)]));
    },
  };
}

const appliedOnB = (b) => scalar(b.reader, `SELECT COUNT(*) AS n FROM case_events WHERE author = '${A_ID}'`);
/**
 * The last of A's releases that B stored, by the inbox's (from_node, seq) index: B stores a
 * batch's messages and applies them in one transaction. What the bench polls while the nodes
 * run: counting B's case events scans them all (about 4 ms at 45,000 on PostgreSQL, every 20 ms:
 * a sixth of a core the nodes share); appliedOnB confirms the count once this says all arrived.
 */
const lastSeqOnB = (b) => scalar(b.reader, `SELECT COALESCE(MAX(seq), 0) AS n FROM inbox WHERE from_node = '${A_ID}'`);
const lastSeqOnA = (a) => scalar(a.reader, `SELECT COALESCE(MAX(seq), 0) AS n FROM outbox WHERE peer_id = '${B_ID}'`);
const pendingOnA = async (a) => (await scalar(a.reader, `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE peer_id = '${B_ID}' AND state = 'pending' LIMIT 1) p`)) > 0;

async function run(dialect, mode, catalogue) {
  const label = `${dialect} ${mode}`;
  const pair = await startPair(dialect, label, {
    nodes: [{ id: A_ID, cpu: PIN ? '0' : null }, { id: B_ID, cpu: PIN ? (nCpu > 1 ? '1' : '0') : null }],
    env: { ACCORD_INBOX_RATE_PER_MINUTE: '10000000' },
    prof: CPU_PROF ? profDir : null,
  });
  const [a, b] = pair.nodes;
  // The servers' error log lines (pino, level 50 and up), shown when a run fails.
  const errors = [];
  for (const n of pair.nodes) n.server.child.stdout.on('data', (d) => { for (const line of String(d).split('\n')) if (/"level":(5|6)\d/.test(line) && errors.length < 5) errors.push(`${n.id}: ${line.slice(0, 1500)}`); });
  try {
    // The warm-up: made, applied on B and receipted, before anything is measured.
    const warm = WARMUP ? await generate(a, catalogue, WARMUP, 1_000_000) : { events: 0, cases: 0 };
    if (WARMUP) {
      const until = performance.now() + Math.max(120_000, WARMUP * 20);
      while ((await appliedOnB(b)) < warm.events || (await pendingOnA(a))) {
        if (performance.now() > until) throw new Error(`the warm-up's ${warm.events} events were not applied on B in time`);
        await sleep(50);
      }
    }
    if (mode === 'backlog') cliRun(['peer', 'suspend', B_ID, '--data', a.dataDir]);
    const seq0 = await lastSeqOnB(b);
    const c0 = cpuOf(pair.nodes);
    const client0 = process.cpuUsage();
    const w0 = performance.now();
    const startedAt = new Date().toISOString();
    let generated = null;
    let genError = null;
    const gen = generate(a, catalogue).then((g) => { generated = g; }, (e) => { genError = e; });
    let t0 = w0;
    let generation = null;
    if (mode === 'backlog') {
      await gen;
      if (genError) throw genError;
      // A on its own: what its side uses while B is suspended (and its delivery idle).
      generation = coresSince(pair, c0, client0, w0);
      log(`[${label}] queued ${generated.events} events on ${generated.cases} cases in ${round(generated.seconds, 1)} s (${round(generated.events / generated.seconds)} events/s on A, B suspended); CPU A ${generation.a}${generation.postgres !== null ? ` postgres ${generation.postgres}` : ''} client ${generation.client}, run-queue wait A ${generation.a_runq_wait}`);
      t0 = performance.now();
      await api(a, 'POST', `/api/v1/peers/${B_ID}/resume`);
      await api(a, 'POST', `/api/v1/peers/${B_ID}/retry`);
    }
    let progress = performance.now();
    const timeoutMs = Math.max(240_000, EVENTS * 20);
    let applied = 0;
    let lastSeq = null;
    const waits = dialect === 'postgres' ? waitSampler(a.reader) : null;
    for (;;) {
      assertAlive(a.server.child, A_ID);
      assertAlive(b.server.child, B_ID);
      if (genError) throw genError;
      // Once the clients are done, A's last release to B is known; B has them all when it stored it.
      lastSeq ??= generated ? await lastSeqOnA(a) : null;
      const seqOnB = await lastSeqOnB(b);
      applied = seqOnB - seq0;
      if (lastSeq !== null && seqOnB >= lastSeq) {
        applied = (await appliedOnB(b)) - warm.events;
        if (applied >= generated.events) break;
      }
      if (performance.now() - t0 > timeoutMs) throw new Error(`only ${applied} events applied on B after ${timeoutMs / 1000} s`);
      if (performance.now() - progress > 5000) {
        progress = performance.now();
        log(`[${label}]   ... ${applied} events applied on B after ${round((performance.now() - t0) / 1000, 1)} s`);
      }
      await waits?.sample();
      await sleep(20);
    }
    const tEnd = performance.now();
    const c1 = cpuOf(pair.nodes);
    const client = process.cpuUsage(client0);
    if (mode === 'live') log(`[${label}] the generator queued ${generated.events} events on ${generated.cases} cases in ${round(generated.seconds, 1)} s (${round(generated.events / generated.seconds)} events/s on A)`);
    // In the live run the clock starts with the first event queued on A (outbox.created_at).
    let wallS = (tEnd - t0) / 1000;
    if (mode === 'live') {
      const first = (await a.reader.all(`SELECT MIN(created_at) AS t FROM outbox WHERE peer_id = '${B_ID}' AND created_at >= '${startedAt}'`))[0].t;
      wallS = (Date.now() - (performance.now() - tEnd) - Date.parse(first)) / 1000;
    }
    // Correct as well as fast: B holds every case in its list, in the state A folded it to.
    const listOf = async (n) => new Map((await n.reader.all(`SELECT case_id, status, events, ignored_events FROM cases`)).map((x) => [x.case_id, `${x.status}/${x.events}/${x.ignored_events}`]));
    const [onA, onB] = [await listOf(a), await listOf(b)];
    const differ = [...onA].filter(([id, v]) => onB.get(id) !== v);
    const closedOnB = [...onB.values()].filter((v) => v.startsWith('closed/')).length;
    const rejected = await scalar(a.reader, `SELECT COUNT(*) AS n FROM outbox WHERE state = 'rejected'`);
    const cases = warm.cases + generated.cases;
    if (onA.size !== cases || onB.size !== cases || differ.length || rejected) {
      for (const [id, v] of differ.slice(0, 5)) log(`[${label}] case ${id}: on A ${v}, on B ${onB.get(id) ?? 'missing'} (status/events/ignored)`);
      throw new Error(`A lists ${onA.size} and B ${onB.size} cases of ${cases}; ${differ.length} differ; ${rejected} events rejected`);
    }
    while (await pendingOnA(a)) await sleep(50); // receipts of the last batches, before the nodes stop
    // The bench process itself (the API clients): on this machine it shares the nodes' cores.
    const cpu = coresSince(pair, c0, client0, w0, c1, client, tEnd);
    const cpuWall = (tEnd - w0) / 1000;
    const row = {
      mode,
      warmup_events: warm.events,
      events: generated.events,
      cases: generated.cases,
      api_calls: generated.calls,
      generator_s: round(generated.seconds, 2),
      generator_events_per_s: round(generated.events / generated.seconds),
      wall_s: round(wallS, 2),
      events_per_s: round(generated.events / wallS),
      cases_on_b: onB.size,
      closed_on_b: closedOnB,
      rejected,
      cpu_cores: cpu,
      ...(generation ? { cpu_cores_generating: generation } : {}),
      ...(waits ? { postgres_sessions: waits.top() } : {}),
      cpu_us_per_event: usPerEvent(cpu, cpuWall, generated.events),
      // What the machine's cores allow at that cost, were every process busy all the time.
      cpu_ceiling_events_per_s: null,
      loadavg_1m_after: round(loadavg()[0], 2),
    };
    row.cpu_ceiling_events_per_s = round((nCpu * 1e6) / row.cpu_us_per_event.all);
    log(`[${label}] ${row.events_per_s} events/s (${row.events} events in ${row.wall_s} s${mode === 'live' ? ', first queued on A to last applied on B' : ', resume to last applied on B'}); CPU A ${cpu.a} B ${cpu.b}${cpu.postgres !== null ? ` postgres ${cpu.postgres}` : ''} client ${cpu.client}, us/event A ${row.cpu_us_per_event.a} B ${row.cpu_us_per_event.b}${cpu.postgres !== null ? ` postgres ${row.cpu_us_per_event.postgres}` : ''} client ${row.cpu_us_per_event.client} (all ${row.cpu_us_per_event.all}: ${nCpu} cores allow ${row.cpu_ceiling_events_per_s}/s); run-queue wait A ${cpu.a_runq_wait} B ${cpu.b_runq_wait}; load ${row.loadavg_1m_after}${waits ? `; PostgreSQL sessions ${Object.entries(row.postgres_sessions).map(([w, n]) => `${w} ${n}`).join(', ')}` : ''}`);
    return row;
  } catch (e) {
    for (const line of errors) log(`[${label}] ${line}`);
    throw e;
  } finally {
    await pair.cleanup();
  }
}

/** Cores used by A, B, PostgreSQL and the bench process (the clients) since `c0`, `client0` and `w0` (until now, or the readings given). */
function coresSince(pair, c0, client0, w0, c1 = cpuOf(pair.nodes), client = process.cpuUsage(client0), tEnd = performance.now()) {
  const wallS = (tEnd - w0) / 1000;
  return { ...cpuCores(c0, c1, wallS), client: round((client.user + client.system) / 1e6 / wallS, 2) };
}

/**
 * CPU per event of each process that takes part (A, B, the PostgreSQL server's processes, the
 * bench's API clients) and of all of them: on a machine where they share the cores, the sum
 * bounds the rate (cores / all).
 */
function usPerEvent(cpu, wallS, events) {
  const us = (cores) => (cores === null || cores === undefined ? null : round((cores * wallS * 1e6) / events));
  const out = { a: us(cpu.a), b: us(cpu.b), postgres: us(cpu.postgres), client: us(cpu.client) };
  out.all = out.a + out.b + (out.postgres ?? 0) + out.client;
  return out;
}

function report(results) {
  const cell = (mode, f) => (r) => { const x = r.runs.find((m) => m.mode === mode); return x ? f(x) : '-'; };
  const rows = [];
  for (const mode of RUNS) {
    rows.push(
      [`${mode}: events/s end to end`, cell(mode, (x) => `${x.events_per_s} ${x.events_per_s >= TARGET ? 'PASS' : 'FAIL'}`)],
      ['  events (cases), seconds', cell(mode, (x) => `${x.events} (${x.cases}), ${x.wall_s}`)],
      ['  API calls on A', cell(mode, (x) => x.api_calls)],
      ['  generator on A, events/s', cell(mode, (x) => x.generator_events_per_s)],
      ...(mode === 'backlog' ? [['  generating (B suspended): cores A / postgres / clients; A waits', cell(mode, (x) => `${x.cpu_cores_generating.a} / ${x.cpu_cores_generating.postgres ?? '-'} / ${x.cpu_cores_generating.client}; ${x.cpu_cores_generating.a_runq_wait}`)]] : []),
      ['  CPU cores A / B / postgres / clients', cell(mode, (x) => `${x.cpu_cores.a} / ${x.cpu_cores.b} / ${x.cpu_cores.postgres ?? '-'} / ${x.cpu_cores.client}`)],
      ['  CPU us per event A / B / postgres / clients', cell(mode, (x) => `${x.cpu_us_per_event.a} / ${x.cpu_us_per_event.b} / ${x.cpu_us_per_event.postgres ?? '-'} / ${x.cpu_us_per_event.client}`)],
      [`  all of them; ${nCpu} cores allow, events/s`, cell(mode, (x) => `${x.cpu_us_per_event.all}; ${x.cpu_ceiling_events_per_s}`)],
      ['  run-queue wait A / B', cell(mode, (x) => `${x.cpu_cores.a_runq_wait} / ${x.cpu_cores.b_runq_wait}`)],
      ['  PostgreSQL sessions, top state', cell(mode, (x) => (x.postgres_sessions ? Object.entries(x.postgres_sessions).slice(0, 2).map(([w, n]) => `${w} ${n}`).join(', ') : '-'))],
    );
  }
  printTable(results.map((r) => r.dialect), results, rows);
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'cli', 'main.js'))) {
    log('dist/server is missing: run `npm run build:server` first');
    process.exit(2);
  }
  // The clients stand for other machines calling A: on a small machine they run beside B, whose
  // core has room (it applies in about half of it), rather than take turns with A on A's core.
  const clientsBesideB = PIN && nCpu > 1 && spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' }).status === 0;
  log(`Accord case events bench: ${EVENTS} events per run after ${WARMUP} not reported (an opening and ${ACTIONS} actions per case, ${PER_CALL > 1 ? `${PER_CALL} cases per call through the bulk routes` : 'one call per step'}), runs ${RUNS.join(', ')}, dialects ${dialectsFromEnv().join(', ')}, ${nCpu} CPUs, node ${process.version}, load ${LOAD_AT_START.join(' ')}${PIN ? '' : ' (nodes not pinned)'}${clientsBesideB ? ', clients on CPU 1 beside B' : ''}`);
  const catalogue = await loadCatalogue();
  const results = [];
  const failures = [];
  for (const d of dialectsFromEnv()) {
    try {
      const runs = [];
      for (const mode of RUNS) runs.push(await run(d, mode, catalogue));
      results.push({ dialect: d, runs });
    } catch (e) {
      log(`[${d}] FAILED: ${e.stack ?? e.message}`);
      failures.push({ dialect: d, error: e.message });
    }
  }
  if (results.length) report(results);
  const out = {
    date: new Date().toISOString(),
    root: ROOT,
    node: process.version,
    cpus: nCpu,
    cpu_model: cpus()[0]?.model ?? null,
    loadavg_at_start: LOAD_AT_START,
    loadavg_at_end: loadavg().map((x) => round(x, 2)),
    events: EVENTS,
    actions_per_case: ACTIONS,
    target_events_per_s: TARGET,
    results,
    failures,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'bench-cases-events.json'), JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  const missed = results.some((r) => r.runs.some((x) => x.mode === 'live' && x.events_per_s < TARGET));
  if (failures.length) log(`dialects that could not be measured: ${failures.map((f) => f.dialect).join(', ')}`);
  process.exitCode = failures.length || (STRICT && missed) ? 1 : 0;
}

main().catch((e) => {
  log(e.stack ?? e.message);
  process.exit(1);
});
