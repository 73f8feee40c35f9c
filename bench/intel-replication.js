// Accord threat-intelligence replication bench: two `accord serve` processes that are peers; A
// holds N STIX objects (imported before the clock starts) and releases them to B. Reports
// objects replicated per second end to end: from the POST of the release until B's store holds
// every object (A's release job reads the store and queues signed messages of 500 objects, the
// delivery worker sends batches, B verifies, validates each object, applies the release policy
// again and stores it), on SQLite and PostgreSQL, with the CPU each process used.
//
//   BENCH_INTEL_REPL_OBJECTS (50000)  objects released
//   BENCH_DIALECTS                    sqlite,postgres
//   BENCH_CPU_PROF=1                  profiles of A and B in test-results/bench-prof/
//
//   BENCH_DIALECTS=sqlite BENCH_INTEL_REPL_OBJECTS=10000 node bench/intel-replication.js   # quick

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from './intel-import.js';
import { api, cpuCores, cpuOf, profDir, scalar, startPair } from './pair.js';
import { benchHeader, cli, dialectsFromEnv, eachDialect, finishBench, log, nCpu, posInt, printTable, ROOT, round, runMain, sleep } from './lib.js';

const N = posInt(process.env.BENCH_INTEL_REPL_OBJECTS, 50_000);
const TARGET = 5_000;
const LOAD_AT_START = loadavg().map((x) => round(x, 2));
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const TYPES = ['indicator', 'malware', 'relationship', 'domain-name'];

async function runDialect(dialect) {
  const pair = await startPair(dialect, `intel-repl-${dialect}`, { nodes: [{ id: 'uz-cert', cpu: null }, { id: 'kz-cert', cpu: null }], prof: CPU_PROF ? profDir : null });
  const root = mkdtempSync(join(tmpdir(), 'accord-bench-intel-repl-'));
  try {
    const [a, b] = pair.nodes;
    const file = join(root, 'bundle.json');
    await writeBundle(file, N);
    log(`[${dialect}] importing ${N} objects (${round(statSync(file).size / 1024 / 1024, 1)} MiB) into ${a.id}`);
    const imported = cli(['intel', 'import', file, '--data', a.dataDir, '--no-progress']);
    if (imported.stored !== N) throw new Error(`import stored ${imported.stored} of ${N}`);
    const c0 = cpuOf(pair.nodes);
    const t0 = performance.now();
    const rel = await api(a, 'POST', '/api/v1/intel/releases', { title: 'Bench', audience: { kind: 'peer', node_id: b.id }, filter: { types: TYPES } });
    let held = 0;
    let firstAt = null;
    for (;;) {
      held = await scalar(b.reader, 'select count(*) from intel_objects');
      if (held > 0 && firstAt === null) firstAt = performance.now();
      if (process.env.BENCH_TRACE) log(`${round((performance.now() - t0) / 1000, 2)} s: B holds ${held}; A outbox ${JSON.stringify(await a.reader.all("select state, count(*) n from outbox where type = 'intel.objects/v1' group by state"))}; B held ${await scalar(b.reader, 'select count(*) from intel_held_messages')}`);
      if (held >= N) break;
      if (performance.now() - t0 > 600_000) throw new Error(`only ${held} of ${N} objects replicated in 10 minutes`);
      await sleep(50);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cores = cpuCores(c0, cpuOf(pair.nodes), seconds);
    const shown = await api(a, 'GET', `/api/v1/intel/releases/${rel.id}`);
    const received = await api(b, 'GET', '/api/v1/intel/received-releases');
    const r = received.received.find((x) => x.release_id === rel.id);
    if (!r || r.refused !== 0 || r.stored !== N) throw new Error(`receiver: ${JSON.stringify(r)}`);
    const rate = round(N / seconds);
    // CPU-seconds the two nodes (and PostgreSQL) spent: the figure that holds on a loaded machine.
    const cpu = (cores.a + cores.b + (cores.postgres ?? 0)) * seconds;
    const perCpu = round(N / cpu);
    // CPU µs each process spent per object replicated.
    const usPer = (c) => (c === null || c === undefined ? null : round((c * seconds * 1e6) / N, 1));
    const cpu_us_per_object = { a: usPer(cores.a), b: usPer(cores.b), postgres: usPer(cores.postgres) };
    log(`[${dialect}] ${N} objects replicated in ${round(seconds, 2)} s: ${rate} objects/s (first object after ${round((firstAt - t0) / 1000, 2)} s; ${shown.peers[0].messages} messages); CPU cores A ${cores.a}, B ${cores.b}, postgres ${cores.postgres}; ${perCpu} objects per CPU-second; CPU µs per object A ${cpu_us_per_object.a}, B ${cpu_us_per_object.b}, postgres ${cpu_us_per_object.postgres}`);
    return { dialect, objects: N, seconds: round(seconds, 2), objects_per_s: rate, first_object_s: round((firstAt - t0) / 1000, 2), messages: shown.peers[0].messages, cores, cpu_us_per_object, objects_per_cpu_s: perCpu, target: TARGET, pass: rate >= TARGET };
  } finally {
    rmSync(root, { recursive: true, force: true });
    await pair.cleanup();
  }
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'cli', 'main.js'))) {
    log('dist/server is missing: run `npm run build:server` first');
    process.exit(2);
  }
  log(`Accord intel replication bench: ${N} objects, dialects ${dialectsFromEnv().join(', ')}, ${nCpu} CPUs, load ${LOAD_AT_START.join(' ')}`);
  const { results, failures } = await eachDialect(dialectsFromEnv(), runDialect);
  if (results.length)
    printTable(results.map((r) => r.dialect), results, [
      ['objects/s (release to peer, end to end)', (r) => `${r.objects_per_s} ${r.pass ? 'PASS' : 'FAIL'} (>= ${r.target})`],
      ['seconds', (r) => r.seconds],
      ['first object after, s', (r) => r.first_object_s],
      ['messages (500 objects each)', (r) => r.messages],
      ['objects per CPU-second (both nodes + postgres)', (r) => r.objects_per_cpu_s],
      ['CPU cores: sender / receiver / postgres', (r) => `${r.cores.a} / ${r.cores.b} / ${r.cores.postgres ?? '-'}`],
      ['CPU µs per object: sender / receiver / postgres', (r) => `${r.cpu_us_per_object.a} / ${r.cpu_us_per_object.b} / ${r.cpu_us_per_object.postgres ?? '-'}`],
    ]);
  finishBench('bench-intel-replication.json', { ...benchHeader(LOAD_AT_START), objects: N, results, failures }, { failed: false, missed: results.some((r) => !r.pass), failures });
}

runMain(main);
