#!/usr/bin/env node
// Joint statements' hot path: folding a long-drafted statement from its events (what every
// read, the desk and the verify route do), building its co-signed document and verifying it
// offline, in this process; then the same statement stored through the server's own code on
// SQLite and PostgreSQL and read over HTTP from a real `accord serve` (GET of the statement, of
// the first page of its signed history, of its co-signed document and of its verification; p50/p99). Run after `npm run build:server`:
//   node bench/statements-fold.js
// Env: BENCH_STATEMENT_MEMBERS (50), BENCH_STATEMENT_AMENDMENTS (200), BENCH_RUNS (30),
//      BENCH_STATEMENT_REQUESTS (30 per route), BENCH_DIALECTS (sqlite,postgres; "none" skips HTTP), BENCH_PG_URL.
// A group of MEMBERS with charter quorum `at_least` a majority; AMENDMENTS amendments, each on
// the then current version and accepted by a majority (its author and the answers of the
// others), so each one is applied; adoption proposed and consented by a majority; every member
// signs (Ed25519 over the adopted document). Events are shuffled: arrival order is not fold order.
// Progress and the table go to stderr; the JSON result goes to stdout and test-results/bench-statements-fold.json.
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertAlive, cli, cpuSeconds, dropSchema, eachDialect, PG_URL, printTable, round, startServer, stopServer } from './lib.js';

const ROOT = join(import.meta.dirname, '..');
const { foldStatement, coSignedDocument, verifyStatementDocument, signableDocument, documentDigest, signedBytes } = await import(join(ROOT, 'dist/server/statements/statements.rules.js'));

const posInt = (v, d) => (Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : d);
const MEMBERS = posInt(process.env.BENCH_STATEMENT_MEMBERS, 50);
const AMENDMENTS = posInt(process.env.BENCH_STATEMENT_AMENDMENTS, 200);
const RUNS = posInt(process.env.BENCH_RUNS, 30);
const REQUESTS = posInt(process.env.BENCH_STATEMENT_REQUESTS, 30);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((x) => x.trim()).filter((x) => x && x !== 'none');
const NEED = Math.floor(MEMBERS / 2) + 1;
const log = (s) => process.stderr.write(`${s}\n`);

const G = randomUUID();
const S = randomUUID();
const members = Array.from({ length: MEMBERS }, (_, i) => `cert-${String(i).padStart(3, '0')}`);
/** Each member's node key, to sign its signature and, over HTTP, its envelopes. */
const identities = Object.fromEntries(members.map((node_id) => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  return [node_id, { node_id, suite: 'ed25519', publicKey, privateKey, publicKeyRaw: raw.toString('base64url'), fingerprint: createHash('sha256').update(raw).digest('hex') }];
}));
const voters = { members, history: members.map((node) => ({ at: '2026-01-01T00:00:00.000Z', node, change: 'joined' })), quorum: { kind: 'at_least', n: NEED } };
let t = Date.parse('2026-02-01T00:00:00.000Z');
const at = () => new Date((t += 1000)).toISOString();
const ev = (author, type, body, id = randomUUID()) => {
  const created_at = at();
  return { id, author, created_at, type, body: { event_id: id, created_at, group_id: G, statement_id: S, ...body } };
};

const paragraph = (lang, i) =>
  lang === 'ru'
    ? `Статья ${i}. Стороны обмениваются сведениями об инцидентах в области безопасности ИКТ через свои национальные CERT. `.repeat(6)
    : `Article ${i}. The parties exchange information on ICT security incidents through their national CERTs. `.repeat(6);
let texts = { en: paragraph('en', 0), ru: paragraph('ru', 0) };
const head = { id: S, group_id: G, kind: 'agreement', title: 'Соглашение о сотрудничестве в области безопасности ИКТ' };
const events = [ev(members[0], 'statement', { kind: head.kind, title: head.title, texts }, S)];
let digest = documentDigest(signableDocument({ ...head, texts }));
for (let i = 1; i <= AMENDMENTS; i++) {
  const author = members[i % MEMBERS];
  const lang = i % 2 ? 'ru' : 'en';
  const a = ev(author, 'amendment', { base_digest: digest, texts: { [lang]: paragraph(lang, i) } });
  events.push(a);
  // The author's proposal is its acceptance: NEED - 1 others answer.
  for (let k = 1; k < NEED; k++) events.push(ev(members[(i + k) % MEMBERS], 'answer', { amendment_id: a.id, amendment_author: author, answer: 'accept', reason: '' }));
  texts = { ...texts, [lang]: paragraph(lang, i) };
  digest = documentDigest(signableDocument({ ...head, texts }));
}
events.push(ev(members[0], 'adoption', { digest }));
for (let k = 1; k < NEED; k++) events.push(ev(members[k], 'consent', { digest }));
const adoptedDoc = signableDocument({ ...head, texts });
for (const node of members) {
  const k = identities[node];
  events.push(ev(node, 'signature', { digest, suite: 'ed25519', public_key: k.publicKeyRaw, key: k.fingerprint, value: sign(null, signedBytes(adoptedDoc), k.privateKey).toString('base64url') }));
}
for (let i = events.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [events[i], events[j]] = [events[j], events[i]];
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { p50: Number(q(0.5).toFixed(1)), p99: Number(q(0.99).toFixed(1)) };
}
const timed = (runs, fn) => {
  const ms = [];
  let out;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    out = fn();
    ms.push(performance.now() - t0);
  }
  return { out, ms };
};

const fold = timed(RUNS, () => foldStatement(S, G, events, voters));
const state = fold.out;
// A check the figures are about the scenario meant: every amendment applied, adopted, every signature counted.
const applied = state.amendments.filter((a) => a.status === 'accepted').length;
if (state.status !== 'adopted' || applied !== AMENDMENTS || state.signatures.length !== MEMBERS || state.digest !== digest || state.ignored.size !== 0) {
  log(`the fold did not give the expected state: ${state.status}, ${applied}/${AMENDMENTS} amendments applied, ${state.signatures.length}/${MEMBERS} signatures, ${state.ignored.size} events not counted ${JSON.stringify([...state.ignored.values()].slice(0, 3))}`);
  process.exit(1);
}
const draftOnly = events.filter((e) => e.type !== 'signature');
const foldDraft = timed(RUNS, () => foldStatement(S, G, draftOnly, voters));
const doc = timed(RUNS, () => coSignedDocument(state));
const bytes = Buffer.byteLength(JSON.stringify(doc.out));
const verify = timed(RUNS, () => verifyStatementDocument(doc.out));
if (!verify.out.complete) {
  log(`the co-signed document does not verify: ${JSON.stringify(verify.out.problems.slice(0, 3))}`);
  process.exit(1);
}

const result = {
  bench: 'statements-fold',
  date: new Date().toISOString(),
  node: process.version,
  events: events.length,
  members: MEMBERS,
  quorum: NEED,
  amendments: AMENDMENTS,
  signatures: MEMBERS,
  runs: RUNS,
  fold_ms: stats(fold.ms),
  // The first fold checks every signature; later folds of the same events find them checked (verifySignatureOnce).
  fold_first_ms: Number(fold.ms[0].toFixed(1)),
  fold_without_signatures_ms: stats(foldDraft.ms),
  document_ms: stats(doc.ms),
  document_bytes: bytes,
  verify_ms: stats(verify.ms),
  http: [],
  http_failures: [],
};
log(`statements: ${events.length} events (${MEMBERS} members, quorum ${NEED}, ${AMENDMENTS} amendments each accepted by ${NEED}, adoption by ${NEED}, ${MEMBERS} signatures), ${RUNS} runs`);
const table = {
  'fold, all events (ms)': result.fold_ms,
  'fold, before signing (ms)': result.fold_without_signatures_ms,
  'co-signed document (ms)': { ...result.document_ms, size: `${Math.round(bytes / 1024)} KiB` },
  [`verify offline, ${MEMBERS} signatures (ms)`]: result.verify_ms,
};
for (const [k, v] of Object.entries(table)) log(`${k.padEnd(36)} p50 ${String(v.p50).padStart(7)}  p99 ${String(v.p99).padStart(7)}${v.size ? `  ${v.size}` : ''}`);
log(`${'fold, all events, first (ms)'.padEnd(36)} ${result.fold_first_ms} (every signature checked; later folds remember the checks)`);

// Over HTTP: the node is cert-000, a member; the group (founded by cert-001, every other member
// invited and consenting, charter quorum a majority) and the statement's events are stored as the
// node stores what it receives, each in the envelope its author signed.
const dist = (p) => import(join(ROOT, 'dist/server', p));
const ME = members[0];
const AGREEMENT = { title: 'SCO', instrument: 'SCO Agreement of 16 June 2009', channels: ['federation'], request_types: ['*'], languages: ['ru', 'en'], confidentiality: '' };
const TYPES = { statement: 'statements.statement/v1', amendment: 'statements.amendment/v1', answer: 'statements.answer/v1', adoption: 'statements.adoption/v1', consent: 'statements.consent/v1', signature: 'statements.signature/v1' };

async function seed(dataDir) {
  const { signEnvelope } = await dist('federation/protocol/envelope.js');
  const { eventDigest } = await dist('federation/event-log/event-log.rules.js');
  const { storeGroupEvent } = await dist('groups/groups.repository.js');
  const { storeStatementEvent } = await dist('statements/statements.repository.js');
  const { resolveSettings } = await dist('config/settings.js');
  const { openStore } = await dist('store/db.js');
  const s = resolveSettings({ dataDir });
  const store = await openStore({ url: s.db, schema: s.dbSchema });
  const envelope = (from, type, body) => signEnvelope(identities[from], { v: 1, id: body.event_id, from, to: members.filter((m) => m !== from), type, issued_at: body.created_at, body });
  const t0 = performance.now();
  try {
    let gt = Date.parse('2026-01-01T00:00:00.000Z') - 3_600_000;
    const gat = () => new Date((gt += 1000)).toISOString();
    const founder = members[1];
    const proposal = { event_id: randomUUID(), group_id: G, created_at: gat(), change: { kind: 'create', name: 'ШОС: CERT', level: 'regional', charter: { quorum: { kind: 'at_least', n: NEED } }, agreement: AGREEMENT, invitees: members.filter((m) => m !== founder) } };
    await store.db.transaction().execute(async (trx) => {
      await storeGroupEvent(trx, envelope(founder, 'groups.proposal/v1', proposal));
      for (const m of members) {
        if (m === founder) continue;
        await storeGroupEvent(trx, envelope(m, 'groups.consent/v2', { event_id: randomUUID(), group_id: G, created_at: gat(), proposal_id: proposal.event_id, proposal_author: founder, proposal_digest: eventDigest(proposal) }));
      }
      for (const e of events) await storeStatementEvent(trx, envelope(e.author, TYPES[e.type], e.body));
    });
    return { seconds: round((performance.now() - t0) / 1000, 1) };
  } finally {
    await store.close();
  }
}

async function timedGets(server, token, path) {
  const pid = server.child.pid;
  const c0 = cpuSeconds(pid);
  const lat = [];
  let size = 0;
  for (let r = 0; r < REQUESTS + 2; r++) {
    const t0 = performance.now();
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${Buffer.from(body).toString().slice(0, 300)}`);
    // The first two warm up.
    if (r >= 2) lat.push(performance.now() - t0);
    size = body.byteLength;
  }
  assertAlive(server.child);
  return { ...stats(lat), server_cpu_ms_per_req: round(((cpuSeconds(pid) - c0) * 1000) / (REQUESTS + 2), 1), kib: Math.round(size / 1024) };
}

async function runDialect(dialect) {
  const root = mkdtempSync(join(tmpdir(), 'accord-bench-statements-'));
  const dataDir = join(root, 'node');
  const schema = dialect === 'postgres' ? `bench_${Math.random().toString(36).slice(2, 10)}` : null;
  try {
    const init = cli(['init', '--data', dataDir, '--node-id', ME, '--country', 'UZ', '--name', 'Bench', ...(schema ? ['--db', PG_URL, '--db-schema', schema] : [])]);
    const { token } = cli(['token', 'create', '--data', dataDir, '--user', init.admin_email, '--name', 'bench']);
    const seeded = await seed(dataDir);
    log(`[${dialect}] stored the group and ${events.length} statement events in ${seeded.seconds} s`);
    const server = await startServer(dataDir, { label: `statements-${dialect}` });
    try {
      const check = await (await fetch(`${server.url}/api/v1/statements/${S}`, { headers: { authorization: `Bearer ${token}` } })).json();
      if (check.status !== 'adopted' || check.signatures?.length !== MEMBERS || check.history_total !== events.length || check.history?.length !== Math.min(20, events.length)) throw new Error(`the node does not hold the statement as meant: ${JSON.stringify(check).slice(0, 400)}`);
      // The whole signed history, paged with its envelopes: every event once.
      const seen = new Set();
      for (let after = null, pages = 0; ; pages++) {
        const page = await (await fetch(`${server.url}/api/v1/statements/${S}/history?limit=500${after ? `&after=${after}` : ''}`, { headers: { authorization: `Bearer ${token}` } })).json();
        for (const e of page.entries ?? []) if (e.envelope?.sig?.value === e.signature.value) seen.add(`${e.author} ${e.event_id}`);
        if (!page.next || pages > events.length) break;
        after = page.next;
      }
      if (seen.size !== events.length) throw new Error(`the history pages hold ${seen.size} of ${events.length} events`);
      const out = { dialect, seeded };
      for (const [kind, path] of [['statement', `/api/v1/statements/${S}`], ['document', `/api/v1/statements/${S}/document`], ['verify', `/api/v1/statements/${S}/verify`], ['history', `/api/v1/statements/${S}/history`], ['list', '/api/v1/statements']]) {
        out[kind] = await timedGets(server, token, path);
        log(`[${dialect}] GET ${kind.padEnd(9)} p50 ${out[kind].p50}  p99 ${out[kind].p99} ms  (${REQUESTS} requests, ${out[kind].kib} KiB, server CPU ${out[kind].server_cpu_ms_per_req} ms/req)`);
      }
      return out;
    } finally {
      await stopServer(server.child);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    if (schema) await dropSchema(schema, `[${dialect}] `);
  }
}

if (DIALECTS.length) {
  const { results, failures } = await eachDialect(DIALECTS, runDialect);
  result.http = results;
  result.http_failures = failures;
  if (results.length) {
    const row = (kind) => [[`GET ${kind} p50 (ms)`, (r) => r[kind].p50], [`GET ${kind} p99 (ms)`, (r) => r[kind].p99], [`GET ${kind} size (KiB)`, (r) => r[kind].kib]];
    printTable(results.map((r) => r.dialect), results, [...row('statement'), ...row('history'), ...row('document'), ...row('verify'), ...row('list')]);
  }
  if (failures.length) process.exitCode = 1;
}
mkdirSync(join(ROOT, 'test-results'), { recursive: true });
writeFileSync(join(ROOT, 'test-results', 'bench-statements-fold.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
