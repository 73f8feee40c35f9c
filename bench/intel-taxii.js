// Accord TAXII 2.1 read bench: a node whose store holds BENCH_TAXII_OBJECTS objects (all
// imported in one go, so thousands share each date_added), one `accord serve` pinned to CPU 0,
// one client asking for pages of 100 objects: the first page, pages deep in the paging (next
// cursors taken from the middle and the end of the store), and a type filter. Reports p50/p99
// latency and requests/s per kind, on SQLite and PostgreSQL.
//
//   BENCH_TAXII_OBJECTS (1000000)   objects in the store
//   BENCH_DURATION (10)             seconds per kind
//   BENCH_DIALECTS                  sqlite,postgres
//   BENCH_CPU_PROF=1                CPU profile of the server under test-results/bench-prof/

import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from './intel-import.js';
import { benchHeader, cli, cliRun, cpuSeconds, dialectsFromEnv, dropSchema, eachDialect, finishBench, log, nCpu, OUT_DIR, PG_URL, posInt, printTable, ROOT, round, runMain, startServer, stopServer } from './lib.js';

const N = posInt(process.env.BENCH_TAXII_OBJECTS, 1_000_000);
const DURATION = posInt(process.env.BENCH_DURATION, 10);
const CONNECTIONS = 8;
const PROF = process.env.BENCH_CPU_PROF === '1' ? join(OUT_DIR, 'bench-prof') : null;
const TARGET = { p99_ms: 25, rps: 2000 };
const LOAD_AT_START = loadavg().map((x) => round(x, 2));
const COLLECTION = '3c1f7d0e-2b9a-4c55-8e61-5f0d6b7a9c21';
const ACCEPT = 'application/taxii+json;version=2.1';

const cursor = (seq) => Buffer.from(String(seq)).toString('base64url');

async function measure(server, token, kind, path) {
  const opts = { url: `${server.url}${path}`, connections: CONNECTIONS, headers: { authorization: `Bearer ${token}`, accept: ACCEPT } };
  const probe = await fetch(opts.url, { headers: opts.headers });
  const body = await probe.json();
  if (probe.status !== 200 || !Array.isArray(body.objects) || body.objects.length !== 100) throw new Error(`${kind}: HTTP ${probe.status}, ${body.objects?.length} objects`);
  await autocannon({ ...opts, duration: 2 });
  const pid = server.child.pid;
  const c0 = cpuSeconds(pid);
  const r = await autocannon({ ...opts, duration: DURATION });
  const cpu = cpuSeconds(pid) - c0;
  if (r.non2xx || r.errors) throw new Error(`${kind}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { kind, rps: round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, server_cpu_ms_per_req: round((cpu * 1000) / r.requests.total, 2), pass: r.latency.p99 <= TARGET.p99_ms && r.requests.average >= TARGET.rps };
}

async function runDialect(dialect) {
  const root = mkdtempSync(join(tmpdir(), 'accord-bench-taxii-'));
  const dataDir = join(root, 'node');
  const schema = dialect === 'postgres' ? `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}` : null;
  let server = null;
  try {
    const init = cli(['init', '--data', dataDir, '--node-id', 'uz-cert', '--country', 'UZ', '--name', 'Bench', ...(schema ? ['--db', PG_URL, '--db-schema', schema] : [])]);
    const { token } = cli(['token', 'create', '--data', dataDir, '--user', init.admin_email, '--name', 'bench']);
    const file = join(root, 'bundle.json');
    await writeBundle(file, N);
    const t0 = performance.now();
    cliRun(['intel', 'import', file, '--data', dataDir, '--no-progress']);
    log(`[${dialect}] ${N} objects imported in ${round((performance.now() - t0) / 1000, 1)} s`);
    rmSync(file);
    server = await startServer(dataDir, { label: `taxii-${dialect}`, prof: PROF });
    const base = `/taxii2/api/collections/${COLLECTION}/objects/?limit=100`;
    const runs = [];
    runs.push(await measure(server, token, 'first page', base));
    runs.push(await measure(server, token, 'page in the middle', `${base}&next=${cursor(Math.floor(N / 2))}`));
    runs.push(await measure(server, token, 'page near the end', `${base}&next=${cursor(N - 150)}`));
    runs.push(await measure(server, token, 'match[type]=indicator, middle', `${base}&match[type]=indicator&next=${cursor(Math.floor(N / 2))}`));
    for (const m of runs) log(`[${dialect}] ${m.kind}: ${m.rps} req/s, p50 ${m.p50_ms} ms, p99 ${m.p99_ms} ms, ${m.server_cpu_ms_per_req} ms CPU/req`);
    return { dialect, objects: N, runs };
  } finally {
    if (server) await stopServer(server.child);
    rmSync(root, { recursive: true, force: true });
    if (schema) await dropSchema(schema, `[${dialect}] `);
  }
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'cli', 'main.js'))) {
    log('dist/server is missing: run `npm run build:server` first');
    process.exit(2);
  }
  log(`Accord TAXII bench: ${N} objects, pages of 100, ${CONNECTIONS} connections, ${DURATION} s per kind, dialects ${dialectsFromEnv().join(', ')}, ${nCpu} CPUs, load ${LOAD_AT_START.join(' ')}`);
  const { results, failures } = await eachDialect(dialectsFromEnv(), runDialect);
  if (results.length) {
    const kinds = results[0].runs.map((m) => m.kind);
    printTable(
      results.map((r) => r.dialect),
      results,
      kinds.map((k) => [`${k}: req/s, p50/p99 ms`, (r) => { const m = r.runs.find((x) => x.kind === k); return `${m.rps}, ${m.p50_ms}/${m.p99_ms} ${m.pass ? 'PASS' : 'FAIL'}`; }]),
    );
  }
  finishBench('bench-intel-taxii.json', { ...benchHeader(LOAD_AT_START), objects: N, targets: TARGET, results, failures }, { failed: false, missed: results.some((r) => r.runs.some((m) => !m.pass)), failures });
}

runMain(main);
