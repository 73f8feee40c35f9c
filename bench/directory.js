// Directory search: 200 nodes × 20 contacts cached on one node; the target is
// p99 ≤ 20 ms for a search. Measures GET /api/v1/directory with a name query, a country
// filter, a kind filter and no filter, through HTTP with autocannon, on SQLite and PostgreSQL.
import autocannon from 'autocannon';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli, dialectsFromEnv, dropSchema, log, OUT_DIR, PG_URL, posInt, ROOT, round, startServer, stopServer } from './lib.js';

const NODES = posInt(process.env.BENCH_DIR_NODES, 200);
const CONTACTS = posInt(process.env.BENCH_DIR_CONTACTS, 20);
const DURATION = posInt(process.env.BENCH_DURATION, 10);
const COUNTRIES = ['UZ', 'KZ', 'KG', 'TJ', 'RU', 'CN', 'IN', 'PK', 'IR', 'BY', 'AM', 'AZ'];
const ROLES = ['law_enforcement_24_7', 'technical_cert', 'diplomatic', 'central_authority'];

function entry(i) {
  const id = `node-${String(i).padStart(3, '0')}`;
  return {
    node_id: id,
    country: COUNTRIES[i % COUNTRIES.length],
    version: 1,
    authority_names: { en: `Authority ${i} national CERT`, ru: `Ведомство ${i} национальный CERT`, uz: `Idora ${i} milliy CERT` },
    authority_kinds: ['cert'],
    time_zone: 'Asia/Tashkent',
    languages: ['en', 'ru'],
    contacts: Array.from({ length: CONTACTS }, (_, c) => ({
      id: `c${c}`,
      role: ROLES[c % ROLES.length],
      names: { en: `Officer ${i}-${c}`, ru: `Офицер ${i}-${c}` },
      languages: ['en', 'ru'],
      hours: c % 2 ? { always: true } : { always: false, days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' },
      channels: [{ kind: 'email', value: `officer${c}@node${i}.example` }, { kind: 'phone', value: `+000 ${i} ${c}` }],
    })),
    published_at: new Date().toISOString(),
    valid_until: new Date(Date.now() + 90 * 86_400_000).toISOString(),
  };
}

async function seed(dataDir) {
  const dist = (p) => pathToFileURL(join(ROOT, 'dist', 'server', p)).href;
  const { resolveSettings } = await import(dist('config/settings.js'));
  const { openStore } = await import(dist('store/db.js'));
  const { storeEntry } = await import(dist('directory/directory.repository.js'));
  const s = resolveSettings({ dataDir });
  const store = await openStore({ url: s.db, schema: s.dbSchema });
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < NODES; i++) await storeEntry(trx, entry(i), { envelope: null, isOwn: false });
  });
  await store.close();
}

// One connection measures how fast a search answers (the target); ten, how many a node serves.
async function measure(url, token, path, connections) {
  const r = await autocannon({ url: `${url}${path}`, connections, duration: DURATION, headers: { authorization: `Bearer ${token}` } });
  return { path, connections, rps: round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, non_2xx: r.non2xx, errors: r.errors };
}

async function runDialect(dialect) {
  const root = mkdtempSync(join(tmpdir(), 'accord-bench-dir-'));
  const dataDir = join(root, 'node');
  const schema = dialect === 'postgres' ? `bench_${Math.random().toString(36).slice(2, 10)}` : null;
  try {
    const init = cli(['init', '--data', dataDir, '--node-id', 'bench', '--country', 'UZ', '--name', 'Bench', ...(schema ? ['--db', PG_URL, '--db-schema', schema] : [])]);
    const { token } = cli(['token', 'create', '--data', dataDir, '--user', init.admin_email, '--name', 'bench']);
    await seed(dataDir);
    const { child, url } = await startServer(dataDir, { label: `dir-${dialect}` });
    try {
      const queries = ['/api/v1/directory?q=' + encodeURIComponent('офицер 150-7'), '/api/v1/directory?q=cert&country=KZ', '/api/v1/directory?kind=diplomatic&country=UZ', '/api/v1/directory?q=node-042'];
      const rows = [];
      for (const connections of [1, 10]) {
        for (const q of queries) {
          const m = await measure(url, token, q, connections);
          log(`[${dialect}] ${String(connections).padStart(2)} conn ${decodeURIComponent(q).padEnd(50)} ${m.rps} req/s  p50 ${m.p50_ms} ms  p99 ${m.p99_ms} ms  non-2xx ${m.non_2xx}`);
          rows.push(m);
        }
      }
      return { dialect, nodes: NODES, contacts_per_node: CONTACTS, queries: rows, p99_max_ms: Math.max(...rows.filter((r) => r.connections === 1).map((r) => r.p99_ms)) };
    } finally {
      await stopServer(child);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    if (schema) await dropSchema(schema, dialect);
  }
}

const results = [];
for (const d of dialectsFromEnv()) results.push(await runDialect(d));
for (const r of results) log(`[${r.dialect}] directory search over ${r.nodes} nodes × ${r.contacts_per_node} contacts: worst p99 of one client ${r.p99_max_ms} ms (target ≤ 20 ms) ${r.p99_max_ms <= 20 ? 'PASS' : 'FAIL'}`);
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'bench-directory.json'), JSON.stringify(results, null, 2) + '\n');
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
