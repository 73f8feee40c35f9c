// Accord threat-intelligence import bench: `accord intel import FILE` of a generated STIX 2.1
// bundle (indicators with patterns, malware, relationships, domain names), streamed into the
// node's store, on SQLite and PostgreSQL. Reports objects/s end to end (read, parse, validate,
// store, in one process pinned to CPUs 0 and 1: the import reads and validates in a worker
// thread while its main thread stores), the CPU-seconds of that process per 100,000 objects
// (steadier than objects/s on a loaded machine), its peak memory, and the fixed cost of a run
// (the same command on an empty bundle: start, open the node, finish).
//
//   BENCH_INTEL_OBJECTS (200000)  objects in the bundle
//   BENCH_DIALECTS                sqlite,postgres

import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchHeader, cli, CLI, dialectsFromEnv, dropSchema, eachDialect, finishBench, hasTaskset, log, nCpu, PG_URL, posInt, printTable, ROOT, round, runMain } from './lib.js';

const N = posInt(process.env.BENCH_INTEL_OBJECTS, 200_000);
const TARGETS = { sqlite: 50_000, postgres: 20_000 };
const LOAD_AT_START = loadavg().map((x) => round(x, 2));
const T = '2026-11-30T08:00:00.000Z';
const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';

/** The i-th object: a mix of what CERTs exchange. */
export function object(i) {
  const id = (type) => `${type}--${randomUUID()}`;
  switch (i % 4) {
    case 0:
      return { type: 'indicator', spec_version: '2.1', id: id('indicator'), created: T, modified: T, name: `Phishing domain ${i}`, description: 'Domain seen delivering credential-harvesting pages to government mailboxes.', indicator_types: ['malicious-activity'], pattern: `[domain-name:value = 'login-${i}.example.net'] OR [url:value = 'https://login-${i}.example.net/owa/']`, pattern_type: 'stix', valid_from: T, object_marking_refs: [GREEN] };
    case 1:
      return { type: 'malware', spec_version: '2.1', id: id('malware'), created: T, modified: T, name: `Loader variant ${i}`, is_family: false, malware_types: ['dropper'], object_marking_refs: [GREEN] };
    case 2:
      return { type: 'relationship', spec_version: '2.1', id: id('relationship'), created: T, modified: T, relationship_type: 'indicates', source_ref: id('indicator'), target_ref: id('malware'), object_marking_refs: [GREEN] };
    default:
      return { type: 'domain-name', spec_version: '2.1', id: id('domain-name'), value: `c2-${i}.example.org` };
  }
}

export async function writeBundle(file, n = N) {
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? null : new Promise((r) => out.once('drain', r)));
  await write(`{"type":"bundle","id":"bundle--${randomUUID()}","objects":[`);
  for (let i = 0; i < n; i++) await write((i ? ',' : '') + JSON.stringify(object(i)));
  await write(']}');
  await new Promise((r) => out.end(r));
}

/** User + system CPU seconds of a running process (from /proc; 0 when gone). */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

function vmHwmMb(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Seconds of `accord intel import` of an empty bundle into this node: what every run costs besides its objects. */
function fixedCost(dataDir, root) {
  const file = join(root, 'empty.json');
  writeFileSync(file, `{"type":"bundle","id":"bundle--${randomUUID()}","objects":[]}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'intel', 'import', file, '--data', dataDir, '--json', '--no-progress'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ACCORD_LOG_LEVEL: 'warn' } });
  if (r.status !== 0) throw new Error(`accord intel import of an empty bundle failed: ${r.stderr}`);
  return round((performance.now() - t0) / 1000, 2);
}

async function runDialect(dialect) {
  const root = mkdtempSync(join(tmpdir(), 'accord-bench-intel-'));
  const dataDir = join(root, 'node');
  const schema = dialect === 'postgres' ? `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}` : null;
  try {
    cli(['init', '--data', dataDir, '--node-id', 'uz-cert', '--country', 'UZ', '--name', 'Bench', ...(schema ? ['--db', PG_URL, '--db-schema', schema] : [])]);
    const file = join(root, 'bundle.json');
    await writeBundle(file);
    const bytes = statSync(file).size;
    log(`[${dialect}] bundle of ${N} objects, ${round(bytes / 1024 / 1024, 1)} MiB; importing`);
    const argv = [process.execPath, CLI, 'intel', 'import', file, '--data', dataDir, '--json', '--no-progress'];
    const [cmd, ...args] = hasTaskset ? ['taskset', '-c', nCpu > 1 ? '0,1' : '0', ...argv] : argv;
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ACCORD_LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let peak = 0;
    let cpu = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, vmHwmMb(child.pid));
      cpu = Math.max(cpu, cpuSeconds(child.pid));
    }, 50);
    const code = await new Promise((r) => child.on('exit', r));
    clearInterval(sampler);
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`accord intel import failed (${code}): ${stderr}`);
    const s = JSON.parse(stdout);
    if (s.stored !== N || s.refused !== 0) throw new Error(`expected ${N} stored and none refused, got ${JSON.stringify({ stored: s.stored, refused: s.refused, first: s.refusals[0] })}`);
    const fixed = fixedCost(dataDir, root);
    const rate = round(N / seconds);
    const cpuPer100k = round((cpu / N) * 100_000, 2);
    log(`[${dialect}] ${N} objects in ${round(seconds, 2)} s: ${rate} objects/s, ${round(bytes / 1024 / 1024 / seconds, 1)} MiB/s, import CPU ${round(cpu, 2)} s (${cpuPer100k} s per 100,000), peak RSS ${round(peak)} MB`);
    log(`[${dialect}] the same command on an empty bundle: ${fixed} s`);
    return { dialect, objects: N, bytes, seconds: round(seconds, 2), fixed_cost_s: fixed, objects_per_s: rate, import_cpu_s: round(cpu, 2), import_cpu_s_per_100k: cpuPer100k, mib_per_s: round(bytes / 1024 / 1024 / seconds, 1), peak_rss_mb: round(peak), target: TARGETS[dialect], pass: rate >= TARGETS[dialect] };
  } finally {
    rmSync(root, { recursive: true, force: true });
    if (schema) await dropSchema(schema, `[${dialect}] `);
  }
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'cli', 'main.js'))) {
    log('dist/server is missing: run `npm run build:server` first');
    process.exit(2);
  }
  log(`Accord intel import bench: ${N} objects, dialects ${dialectsFromEnv().join(', ')}, ${nCpu} CPUs, load ${LOAD_AT_START.join(' ')}`);
  const { results, failures } = await eachDialect(dialectsFromEnv(), runDialect);
  if (results.length)
    printTable(results.map((r) => r.dialect), results, [
      ['objects/s (end to end, one process)', (r) => `${r.objects_per_s} ${r.pass ? 'PASS' : 'FAIL'} (>= ${r.target})`],
      ['MiB/s', (r) => r.mib_per_s],
      ['seconds', (r) => r.seconds],
      ['of which the fixed cost of a run (an empty bundle), s', (r) => r.fixed_cost_s],
      ['CPU-s of the import process per 100,000 objects (the database server not counted)', (r) => r.import_cpu_s_per_100k],
      ['peak RSS of the import, MB', (r) => r.peak_rss_mb],
    ]);
  finishBench('bench-intel-import.json', { ...benchHeader(LOAD_AT_START), objects: N, results, failures }, { failed: false, missed: results.some((r) => !r.pass), failures });
}

// Run as a script, not when another bench borrows its bundle writer.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runMain(main);
