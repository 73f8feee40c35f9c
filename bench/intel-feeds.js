// Accord TAXII feed bench: one node follows another's TAXII 2.1 collection, end to end over real
// HTTP on 127.0.0.1. The remote node holds N STIX objects (imported with `accord intel import`
// before the clock starts) and serves them under /taxii2/ to an analyst's API token; the local
// node has a feed on the remote's collection of everything (pages as large as a feed may ask,
// the API root's limit too) and is made to read it by `POST /api/v1/intel/feeds/:id/run` again
// and again until the walk is done: each page fetched, every object validated, given the feed's
// default marking when it carries no TLP and stored as received, in the transaction that moves
// the feed's cursor. Reports objects/s and pages/s from the first run to the end of the last, the
// duration of a run and of a page, and the CPU-seconds of the local node, the remote node and
// PostgreSQL per 10,000 objects, on SQLite and PostgreSQL. Then checks that the local store holds
// exactly the remote's objects, each once, from the feed, none refused, none unmarked.
//
//   BENCH_FEED_OBJECTS (50000)   objects the remote serves
//   BENCH_DIALECTS               sqlite,postgres (each node in its own schema on PostgreSQL)
//   BENCH_CPU_PROF=1             profiles of both nodes in test-results/bench-prof/
//
//   BENCH_DIALECTS=sqlite BENCH_FEED_OBJECTS=10000 node bench/intel-feeds.js   # quick

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from './intel-import.js';
import { api, openReader, percentiles } from './pair.js';
import { benchHeader, cli, cliRun, cpuSeconds, dialectsFromEnv, dropSchema, eachDialect, finishBench, log, nCpu, OUT_DIR, PG_URL, posInt, postgresCpuSeconds, printTable, ROOT, round, runMain, runQueueSeconds, startServer, stopServer } from './lib.js';

const N = posInt(process.env.BENCH_FEED_OBJECTS, 50_000);
const TARGET = 5_000; // objects/s, the bar of replication to a peer (bench/intel-replication.js)
const LOAD_AT_START = loadavg().map((x) => round(x, 2));
const PROF = process.env.BENCH_CPU_PROF === '1' ? join(OUT_DIR, 'bench-prof') : null;
/** FEED_LIMITS.pageSizeMax (src/intel/feeds/feeds.schemas.ts), and the TAXII server's largest page. */
const PAGE_SIZE = 1000;
/** A run reads at most this many pages (PAGES_PER_RUN in src/intel/feeds/feeds.jobs.ts). */
const PAGES_PER_RUN = 50;
/** ALL_COLLECTION_ID in src/intel/taxii/taxii.routes.ts: everything the reader may see. */
const ALL_COLLECTION = '3c1f7d0e-2b9a-4c55-8e61-5f0d6b7a9c21';
/** TLP 2.0 AMBER: the default marking, given to what arrives without a TLP (the domain names). */
const AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
const ANALYST = 'analyst@bench.test';
const COORDINATOR = 'coordinator@bench.test';

/** A node made with the CLI: a user of `role` and an API token of theirs. */
function makeNode(root, dialect, nodeId, email, role) {
  const dataDir = join(root, nodeId);
  const schema = dialect === 'postgres' ? `bench_${randomBytes(6).toString('hex')}` : null;
  const node = { id: nodeId, dataDir, schema, server: null, reader: null };
  cli(['init', '--data', dataDir, '--node-id', nodeId, '--country', 'UZ', '--name', `en=Accord ${nodeId}`, '--admin-email', `admin@${nodeId}.test`, '--no-require-admin-totp', ...(schema ? ['--db', PG_URL, '--db-schema', schema] : [])]);
  cli(['user', 'add', '--data', dataDir, '--email', email, '--name', `Bench ${role}`, '--role', role, '--password-stdin'], `bench-${randomBytes(9).toString('hex')}\n`);
  node.token = cli(['token', 'create', '--data', dataDir, '--user', email, '--name', 'bench']).token;
  return node;
}

/** CPU seconds so far of both nodes, all local postgres processes (on PostgreSQL only), and the nodes' run-queue waits. */
const cpuOf = (dialect, local, remote) => ({ local: cpuSeconds(local.pid), remote: cpuSeconds(remote.pid), pg: dialect === 'postgres' ? postgresCpuSeconds() : null, ql: runQueueSeconds(local.pid), qr: runQueueSeconds(remote.pid) });

async function runDialect(dialect) {
  const root = mkdtempSync(join(tmpdir(), 'accord-bench-feeds-'));
  const nodes = [];
  try {
    // The remote: N objects in its store, served over TAXII to an analyst.
    const remote = makeNode(root, dialect, 'kz-cert', ANALYST, 'analyst');
    nodes.push(remote);
    const file = join(root, 'bundle.json');
    await writeBundle(file, N);
    const mib = round(statSync(file).size / 1024 / 1024, 1);
    const ti = performance.now();
    cliRun(['intel', 'import', file, '--data', remote.dataDir, '--no-progress']);
    log(`[${dialect}] ${N} objects (${mib} MiB) imported into the remote in ${round((performance.now() - ti) / 1000, 1)} s`);
    rmSync(file);
    // The local node follows it; a coordinator manages feeds (intel:release).
    const local = makeNode(root, dialect, 'uz-cert', COORDINATOR, 'coordinator');
    nodes.push(local);
    remote.server = await startServer(remote.dataDir, { label: `feeds-${dialect}-remote`, cpu: null, prof: PROF });
    local.server = await startServer(local.dataDir, { label: `feeds-${dialect}-local`, cpu: null, prof: PROF, env: { ACCORD_FEED_ALLOW: '127.0.0.1' } });
    for (const n of nodes) {
      n.pid = n.server.child.pid;
      n.url = n.server.url;
      n.reader = await openReader(dialect, n.dataDir, n.schema);
    }
    log(`[${dialect}] remote ${remote.id} pid ${remote.pid} at ${remote.url}, local ${local.id} pid ${local.pid} at ${local.url} (not pinned)`);

    // Made switched off, so that the job does not start reading it on its own: the bench runs it.
    const made = await api(local, 'POST', '/api/v1/intel/feeds', {
      title: `Bench ${remote.id}`, api_root: `${remote.url}/taxii2/api/`, collection_id: ALL_COLLECTION,
      auth: { kind: 'token', token: remote.token }, default_marking: AMBER, page_size: PAGE_SIZE, enabled: false,
    });
    if (made.page_size !== PAGE_SIZE) throw new Error(`feed made with page_size ${made.page_size}`);
    const maxRuns = Math.ceil(N / PAGE_SIZE / PAGES_PER_RUN) + 3;
    const runMs = [];
    let feed = made;
    const c0 = cpuOf(dialect, local, remote);
    const t0 = performance.now();
    for (;;) {
      const r0 = performance.now();
      feed = await api(local, 'POST', `/api/v1/intel/feeds/${made.id}/run`);
      runMs.push(round(performance.now() - r0, 1));
      if (process.env.BENCH_TRACE) log(`${round((performance.now() - t0) / 1000, 2)} s: run ${runMs.length} took ${runMs.at(-1)} ms; ${JSON.stringify({ state: feed.state, counts: feed.counts })}`);
      if (feed.state.last_error !== null) throw new Error(`run ${runMs.length}: ${feed.state.last_error}`);
      // Done: no walk part-way, and the cursor moved to the newest date_added seen.
      if (!feed.state.resuming && feed.state.added_after !== null) break;
      if (runMs.length >= maxRuns) throw new Error(`the walk was not done after ${runMs.length} runs: ${JSON.stringify(feed)}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const c1 = cpuOf(dialect, local, remote);
    const cpu = { local: c1.local - c0.local, remote: c1.remote - c0.remote, postgres: c0.pg === null || c1.pg === null ? null : c1.pg - c0.pg };
    const runq = { local: c0.ql === null || c1.ql === null ? null : round((c1.ql - c0.ql) / seconds, 2), remote: c0.qr === null || c1.qr === null ? null : round((c1.qr - c0.qr) / seconds, 2) };

    // What the local node holds: exactly the remote's objects, once each, from the feed, marked.
    const { counts } = feed;
    const unmarked = Math.floor(N / 4); // the bundle's domain names (bench/intel-import.js: every 4th object) carry no TLP
    const want = { objects: N, stored: N, duplicates: 0, refused: 0, marked: unmarked };
    for (const [k, v] of Object.entries(want)) if (counts[k] !== v) throw new Error(`feed counts: ${k} is ${counts[k]}, expected ${v} (${JSON.stringify(counts)})`);
    const ids = async (n) => new Set((await n.reader.all('select id from intel_objects')).map((r) => r.id));
    const held = await local.reader.all(`select count(*) as n, count(distinct id) as ids, sum(case when tlp is null then 1 else 0 end) as untagged from intel_objects where origin = 'received' and source = 'feed:${made.id}'`);
    const h = { n: Number(held[0].n), ids: Number(held[0].ids), untagged: Number(held[0].untagged) };
    if (h.n !== N || h.ids !== N || h.untagged !== 0) throw new Error(`the local store holds ${h.n} objects from the feed (${h.ids} ids, ${h.untagged} without a TLP), expected ${N}`);
    const [theirs, ours] = [await ids(remote), await ids(local)];
    const missing = [...theirs].filter((id) => !ours.has(id));
    if (ours.size !== N || theirs.size !== N || missing.length) throw new Error(`remote holds ${theirs.size} ids, local ${ours.size}; ${missing.length} of the remote's missing locally (e.g. ${missing[0]})`);
    // And through the local API: the export of what was received holds them all.
    const res = await fetch(`${local.url}/api/v1/intel/export?origin=received`, { headers: { authorization: `Bearer ${local.token}` } });
    if (!res.ok) throw new Error(`GET /api/v1/intel/export: ${res.status} ${(await res.text()).slice(0, 300)}`);
    const exported = (await res.json()).objects.filter((o) => o.type !== 'marking-definition').length;
    if (Number(res.headers.get('x-object-count')) !== N || exported !== N) throw new Error(`the local export of received objects holds ${exported} (X-Object-Count ${res.headers.get('x-object-count')}), expected ${N}`);

    const per10k = (s) => (s === null ? null : round((s / N) * 10_000, 3));
    const rate = round(N / seconds);
    const runs = percentiles(runMs);
    const out = {
      dialect, objects: N, page_size: PAGE_SIZE, bundle_mib: mib, seconds: round(seconds, 2), objects_per_s: rate, pages: counts.pages, pages_per_s: round(counts.pages / seconds, 1), ms_per_page: round((seconds * 1000) / counts.pages, 1),
      runs: { n: runMs.length, p50_ms: runs.p50_ms, p99_ms: runs.p99_ms, max_ms: runs.max_ms, each_ms: runMs },
      cpu_s_per_10k: { local: per10k(cpu.local), remote: per10k(cpu.remote), postgres: per10k(cpu.postgres) },
      cores: { local: round(cpu.local / seconds, 2), remote: round(cpu.remote / seconds, 2), postgres: cpu.postgres === null ? null : round(cpu.postgres / seconds, 2) },
      runq_wait: runq, counts, target: TARGET, pass: rate >= TARGET,
    };
    log(`[${dialect}] ${N} objects followed in ${out.seconds} s: ${rate} objects/s, ${out.pages} pages (${out.pages_per_s}/s, ${out.ms_per_page} ms each) in ${runMs.length} run(s) of ${runMs.join(', ')} ms; CPU-s per 10,000 objects: local ${out.cpu_s_per_10k.local}, remote ${out.cpu_s_per_10k.remote}, postgres ${out.cpu_s_per_10k.postgres}; run-queue wait local ${runq.local}, remote ${runq.remote}`);
    return out;
  } finally {
    for (const n of nodes) {
      if (n.server) {
        await stopServer(n.server.child);
        const tail = n.server.stderr().trim();
        if (tail) log(`[${dialect}] ${n.id} stderr (tail):\n${tail.slice(-1500)}`);
      }
      await n.reader?.close().catch(() => {});
    }
    rmSync(root, { recursive: true, force: true });
    for (const n of nodes) if (n.schema) await dropSchema(n.schema, `[${dialect}] `);
  }
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'cli', 'main.js'))) {
    log('dist/server is missing: run `npm run build:server` first');
    process.exit(2);
  }
  log(`Accord intel feeds bench: ${N} objects, pages of ${PAGE_SIZE}, dialects ${dialectsFromEnv().join(', ')}, ${nCpu} CPUs, load ${LOAD_AT_START.join(' ')}`);
  const { results, failures } = await eachDialect(dialectsFromEnv(), runDialect);
  if (results.length)
    printTable(results.map((r) => r.dialect), results, [
      ['objects/s (feed of a remote TAXII collection, end to end)', (r) => `${r.objects_per_s} ${r.pass ? 'PASS' : 'FAIL'} (>= ${r.target})`],
      ['seconds', (r) => r.seconds],
      [`pages/s (pages of ${PAGE_SIZE})`, (r) => r.pages_per_s],
      ['ms per page', (r) => r.ms_per_page],
      ['runs (p50 / max ms)', (r) => `${r.runs.n} (${r.runs.p50_ms} / ${r.runs.max_ms})`],
      ['CPU-s per 10,000 objects: local / remote / postgres', (r) => `${r.cpu_s_per_10k.local} / ${r.cpu_s_per_10k.remote} / ${r.cpu_s_per_10k.postgres ?? '-'}`],
      ['CPU cores: local / remote / postgres', (r) => `${r.cores.local} / ${r.cores.remote} / ${r.cores.postgres ?? '-'}`],
      ['run-queue wait: local / remote', (r) => `${r.runq_wait.local ?? '-'} / ${r.runq_wait.remote ?? '-'}`],
    ]);
  finishBench('bench-intel-feeds.json', { ...benchHeader(LOAD_AT_START), objects: N, page_size: PAGE_SIZE, results, failures }, { failed: false, missed: results.some((r) => !r.pass), failures });
}

runMain(main);
