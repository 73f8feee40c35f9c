// Two `accord serve` processes that are peers of each other, for the federation benches
// (bench/federation.js, bench/inbox-attack.js). Plain ESM, no build.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { cli, cpuSeconds, dropSchema, log, OUT_DIR, PG_URL, postgresCpuSeconds, round, runQueueSeconds, startServer, stopServer } from './lib.js';

export const ADMIN = 'admin@bench.test';

/** Read-only access to a node's tables from the bench process. */
export async function openReader(dialect, dataDir, schema) {
  if (dialect === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dataDir, 'accord.db'), { readonly: true, fileMustExist: true });
    return { all: async (sql) => db.prepare(sql).all(), close: async () => db.close() };
  }
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`SET search_path TO ${schema}`);
  return { all: async (sql) => (await client.query(sql)).rows, close: () => client.end() };
}

export const scalar = async (reader, sql) => Number(Object.values((await reader.all(sql))[0])[0]);

/**
 * Two fresh nodes (on PostgreSQL each in a new schema, dropped by cleanup) that have added each
 * other as peers, each with an API token of its administrator. `nodes`: [{ id, cpu }] (cpu
 * null: not pinned); `env`: for both servers; `prof`: a folder for --cpu-prof output, or null.
 */
export async function startPair(dialect, label, { nodes: specs, env = {}, prof = null }) {
  const nodes = [];
  const pair = {
    nodes,
    async cleanup() {
      for (const n of nodes) {
        if (n.server) {
          await stopServer(n.server.child);
          const tail = n.server.stderr().trim();
          if (tail) log(`[${label}] ${n.id} stderr (tail):\n${tail.slice(-1500)}`);
        }
        await n.reader?.close().catch(() => {});
        rmSync(n.dataDir, { recursive: true, force: true });
        if (n.schema) await dropSchema(n.schema, `[${label}] `);
      }
    },
  };
  try {
    for (const { id, cpu } of specs) {
      const dataDir = mkdtempSync(join(tmpdir(), `accord-fedbench-${dialect}-${id}-`));
      const schema = dialect === 'postgres' ? `bench_${randomBytes(6).toString('hex')}` : undefined;
      const n = { id, cpu, dataDir, schema };
      nodes.push(n);
      const init = cli([
        'init', '--data', dataDir, '--node-id', id, '--country', 'UZ', '--name', `en=Accord ${id}`,
        '--admin-email', ADMIN, '--no-require-admin-totp',
        ...(schema ? ['--db', PG_URL, '--db-schema', schema] : []),
      ]);
      n.fingerprint = init.fingerprint;
      n.token = cli(['token', 'create', '--data', dataDir, '--user', ADMIN, '--name', 'bench']).token;
    }
    for (const n of nodes) {
      n.server = await startServer(n.dataDir, {
        label: `${label}-${n.id}`, cpu: n.cpu, prof,
        env: { ACCORD_RETRY_BASE_MS: '100', ACCORD_RETRY_CAP_MS: '1000', ...env },
      });
      n.pid = n.server.child.pid;
      n.url = n.server.url;
    }
    const [a, b] = nodes;
    cli(['peer', 'add', b.url, '--data', a.dataDir, '--fingerprint', b.fingerprint]);
    cli(['peer', 'add', a.url, '--data', b.dataDir, '--fingerprint', a.fingerprint]);
    for (const n of nodes) n.reader = await openReader(dialect, n.dataDir, n.schema);
    const pins = nodes.map((n) => n.cpu).filter((c) => c !== null);
    log(`[${label}] ${a.id} pid ${a.pid} at ${a.url}, ${b.id} pid ${b.pid} at ${b.url}${pins.length ? ` (pinned to CPU ${pins.join(' and ')})` : ' (not pinned)'}`);
    return pair;
  } catch (e) {
    await pair.cleanup();
    throw e;
  }
}

export async function api(node, method, path, body) {
  const res = await fetch(node.url + path, {
    method,
    headers: { authorization: `Bearer ${node.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

export function percentiles(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const p = (q) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : null);
  return { n: s.length, p50_ms: p(0.5), p90_ms: p(0.9), p99_ms: p(0.99), max_ms: s.length ? s[s.length - 1] : null, mean_ms: s.length ? round(s.reduce((x, y) => x + y, 0) / s.length, 1) : null };
}

export function cannon(opts) {
  return new Promise((res, rej) => autocannon(opts, (err, r) => (err ? rej(err) : res(r))));
}

/**
 * Requests at a steady rate: request k is due at start + k / rate, and each is sent when due
 * over kept-alive connections (at most `connections` open at once; beyond that it waits for
 * one). autocannon's rate lets each connection send its quota for a second as fast as the
 * server answers and then pause, which makes the load a burst at the start of every second.
 * Latency is counted from when a request was due, so a slow server cannot hide its backlog.
 * The answer has the shape of autocannon's fields that the benches read.
 */
export async function paced({ url, method = 'POST', headers = {}, body, rate, duration, connections = 64 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const payload = body === undefined ? undefined : Buffer.from(body);
  const u = new URL(url);
  const lat = [];
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  const total = Math.round(rate * duration);
  const inFlight = new Set();
  const one = (due) =>
    new Promise((resolve) => {
      const req = http.request(u, { method, agent, headers: { ...headers, ...(payload ? { 'content-length': payload.length } : {}) } }, (res) => {
        res.resume();
        res.on('end', () => {
          lat.push(performance.now() - due);
          if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(payload);
    });
  const t0 = performance.now();
  while (sent < total) {
    const now = performance.now();
    while (sent < total && t0 + (sent * 1000) / rate <= now) {
      const p = one(t0 + (sent * 1000) / rate);
      inFlight.add(p);
      void p.then(() => inFlight.delete(p));
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  const wall = (performance.now() - t0) / 1000;
  agent.destroy();
  const s = lat.sort((x, y) => x - y);
  const p = (q) => (s.length ? round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)], 1) : null);
  return { requests: { total: sent, average: round(sent / wall) }, non2xx, errors, latency: { p50: p(0.5), p99: p(0.99) } };
}

/** CPU seconds so far of both nodes, all local postgres processes, and the nodes' run-queue waits. */
export const cpuOf = (nodes) => ({ a: cpuSeconds(nodes[0].pid), b: cpuSeconds(nodes[1].pid), pg: postgresCpuSeconds(), qa: runQueueSeconds(nodes[0].pid), qb: runQueueSeconds(nodes[1].pid) });

/** Cores used between two cpuOf readings `wall` seconds apart. */
export const cpuCores = (c0, c1, wall) => ({
  a: round((c1.a - c0.a) / wall, 2),
  b: round((c1.b - c0.b) / wall, 2),
  postgres: c0.pg === null || c1.pg === null ? null : round((c1.pg - c0.pg) / wall, 2),
  // share of the wall time A / B were runnable but waited for their core (other processes had it)
  a_runq_wait: c0.qa === null || c1.qa === null ? null : round((c1.qa - c0.qa) / wall, 2),
  b_runq_wait: c0.qb === null || c1.qb === null ? null : round((c1.qb - c0.qb) / wall, 2),
});

export const profDir = join(OUT_DIR, 'bench-prof');
