// Helpers shared by the Accord benchmarks (bench/run.js, bench/federation.js). Plain ESM, no build.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// BENCH_ROOT points at another checkout/build of Accord to compare (e.g. a worktree); default: this one.
export const ROOT = process.env.BENCH_ROOT ? resolve(process.env.BENCH_ROOT) : REPO;
export const CLI = join(ROOT, 'bin', 'accord.js');
export const OUT_DIR = join(REPO, 'test-results');
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function posInt(raw, dflt) {
  const n = Number(raw);
  return raw !== undefined && Number.isInteger(n) && n > 0 ? n : dflt;
}

export function dialectsFromEnv() {
  const ds = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);
  for (const d of ds) if (!['sqlite', 'postgres'].includes(d)) throw new Error(`unknown dialect in BENCH_DIALECTS: ${d}`);
  return ds;
}

export const log = (...a) => process.stderr.write(a.join(' ') + '\n');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const hasTaskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
export const nCpu = cpus().length;
export const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs the CLI to completion and parses its JSON output (`--json` is appended). */
export function cli(args, input, env = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--json'], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, ACCORD_LOG_LEVEL: 'warn', ...env } });
  if (r.status !== 0) throw new Error(`accord ${args.slice(0, 2).join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout);
}

/** Runs the CLI to completion for its side effect (commands without --json output). */
export function cliRun(args, env = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ACCORD_LOG_LEVEL: 'warn', ...env } });
  if (r.status !== 0) throw new Error(`accord ${args.slice(0, 2).join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

export function procStatus(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { rss_mb: round(kb('VmRSS') / 1024, 1), peak_rss_mb: round(kb('VmHWM') / 1024, 1) };
}

/** User+system CPU seconds of a process so far (all its threads). */
export function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/**
 * Seconds a process's threads spent runnable but waiting for a CPU (run-queue delay, from
 * /proc/PID/task/TID/schedstat), or null when the kernel does not expose it. High values mean
 * other processes took the process's core: its wall-clock figures are then understated.
 */
export function runQueueSeconds(pid) {
  try {
    let ns = 0;
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try { ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[1]); } catch { /* thread gone */ }
    }
    return ns / 1e9;
  } catch {
    return null;
  }
}

/** CPU seconds of every local `postgres` process (server and backends), or null when none is visible. */
export function postgresCpuSeconds() {
  let total = 0;
  let seen = false;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'postgres') continue;
      total += cpuSeconds(d);
      seen = true;
    } catch { /* gone meanwhile */ }
  }
  return seen ? total : null;
}

/**
 * Starts `accord serve` on `dataDir` (port 0 unless given), pinned to `cpu` when taskset exists.
 * `prof`: a directory for `node --cpu-prof` output, or null.
 */
export async function startServer(dataDir, { label, cpu = '0', env = {}, prof = null, port = 0 } = {}) {
  const nodeArgs = [];
  if (prof) {
    mkdirSync(prof, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${String(label).replace(/[^\w.-]+/g, '-')}-${Date.now()}.cpuprofile`);
  }
  const argv = [process.execPath, ...nodeArgs, CLI, 'serve', '--data', dataDir, '--port', String(port)];
  const [cmd, ...args] = hasTaskset && cpu !== null ? ['taskset', '-c', String(cpu), ...argv] : argv;
  const child = spawn(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ACCORD_LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; if (err.length > 20000) err = err.slice(-10000); });
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start in 30 s: ${out}${err}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); res(m[1]); }
    });
    child.once('exit', (code) => { clearTimeout(timer); rej(new Error(`server exited (${code}): ${out}${err}`)); });
  });
  child.stdout.resume();
  child.once('exit', (code, signal) => { child.exitInfo = { code, signal }; });
  return { child, url, stderr: () => err };
}

export async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

export function assertAlive(child, what = 'the server') {
  if (child.exitCode !== null || child.signalCode !== null) {
    throw new Error(`${what} exited during the bench (code ${child.exitCode}, signal ${child.signalCode})`);
  }
}

export async function dropSchema(schema, label = '') {
  const client = new pg.Client({ connectionString: PG_URL });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } catch (e) {
    log(`${label}could not drop schema ${schema}: ${e.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Prints a table to stderr: `rows` are [label, (result) => value], one column per result. */
export function printTable(columns, results, rows) {
  const cols = ['', ...columns];
  const cells = rows.map(([label, f]) => [label, ...results.map((r) => { try { return String(f(r) ?? '-'); } catch { return '-'; } })]);
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (vals) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  log('\n' + line(cols));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells) log(line(row));
}

/**
 * Runs every dialect's measurement, one failing (e.g. no PostgreSQL) not hiding the others'
 * figures: the results and the dialects that could not be measured.
 */
export async function eachDialect(dialects, measure) {
  const results = [];
  const failures = [];
  for (const d of dialects) {
    try {
      results.push(await measure(d));
    } catch (e) {
      log(`[${d}] FAILED: ${e.stack ?? e.message}`);
      failures.push({ dialect: d, error: e.message });
    }
  }
  return { results, failures };
}

/** What every bench's JSON result starts with: when, what and on which machine. */
export function benchHeader(loadAtStart) {
  return {
    date: new Date().toISOString(),
    root: ROOT,
    node: process.version,
    cpus: nCpu,
    cpu_model: cpus()[0]?.model ?? null,
    loadavg_at_start: loadAtStart,
  };
}

/**
 * Ends a bench: its JSON result to test-results/FILE and to stdout, what went wrong to stderr,
 * and the exit code (1 when requests failed or a dialect could not be measured, or when a target
 * was missed under BENCH_STRICT=1). Returns the code.
 */
export function finishBench(file, out, { failed, missed, failures, what = 'some requests failed (non-2xx or errors)' }) {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, file), JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  log(`\nwritten to ${join(OUT_DIR, file)}`);
  if (failed) log(`${what}: the figures are not trustworthy`);
  if (failures.length) log(`dialects that could not be measured: ${failures.map((f) => f.dialect).join(', ')}`);
  const code = failed || failures.length || (process.env.BENCH_STRICT === '1' && missed) ? 1 : 0;
  process.exitCode = code;
  return code;
}

/** Runs a bench's main, exiting 1 with the stack when it throws. */
export function runMain(main) {
  main().catch((e) => {
    log(e.stack ?? e.message);
    process.exit(1);
  });
}
