#!/usr/bin/env node
// Joint statements' hot path without a database: folding a long-drafted statement from its
// events (what every read, the desk and the verify route do), building its co-signed document
// and verifying it offline. Run after `npm run build:server`:
//   node bench/statements-fold.js
// Env: BENCH_STATEMENT_MEMBERS (50), BENCH_STATEMENT_AMENDMENTS (200), BENCH_RUNS (30).
// A group of MEMBERS with charter quorum `at_least` a majority; AMENDMENTS amendments, each on
// the then current version and accepted by a majority (its author and the answers of the
// others), so each one is applied; adoption proposed and consented by a majority; every member
// signs (Ed25519 over the adopted document). Events are shuffled: arrival order is not fold order.
// Progress and the table go to stderr; the JSON result goes to stdout and test-results/bench-statements-fold.json.
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const { foldStatement, coSignedDocument, verifyStatementDocument, signableDocument, documentDigest, signedBytes } = await import(join(ROOT, 'dist/server/statements/statements.rules.js'));

const posInt = (v, d) => (Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : d);
const MEMBERS = posInt(process.env.BENCH_STATEMENT_MEMBERS, 50);
const AMENDMENTS = posInt(process.env.BENCH_STATEMENT_AMENDMENTS, 200);
const RUNS = posInt(process.env.BENCH_RUNS, 30);
const NEED = Math.floor(MEMBERS / 2) + 1;
const log = (s) => process.stderr.write(`${s}\n`);

const G = randomUUID();
const S = randomUUID();
const members = Array.from({ length: MEMBERS }, (_, i) => `cert-${String(i).padStart(3, '0')}`);
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
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  events.push(ev(node, 'signature', { digest, suite: 'ed25519', public_key: raw.toString('base64url'), key: createHash('sha256').update(raw).digest('hex'), value: sign(null, signedBytes(adoptedDoc), privateKey).toString('base64url') }));
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
  node: process.version,
  events: events.length,
  members: MEMBERS,
  quorum: NEED,
  amendments: AMENDMENTS,
  signatures: MEMBERS,
  runs: RUNS,
  fold_ms: stats(fold.ms),
  fold_without_signatures_ms: stats(foldDraft.ms),
  document_ms: stats(doc.ms),
  document_bytes: bytes,
  verify_ms: stats(verify.ms),
};
log(`statements: ${events.length} events (${MEMBERS} members, quorum ${NEED}, ${AMENDMENTS} amendments each accepted by ${NEED}, adoption by ${NEED}, ${MEMBERS} signatures), ${RUNS} runs`);
const table = {
  'fold, all events (ms)': result.fold_ms,
  'fold, before signing (ms)': result.fold_without_signatures_ms,
  'co-signed document (ms)': { ...result.document_ms, size: `${Math.round(bytes / 1024)} KiB` },
  [`verify offline, ${MEMBERS} signatures (ms)`]: result.verify_ms,
};
for (const [k, v] of Object.entries(table)) log(`${k.padEnd(36)} p50 ${String(v.p50).padStart(7)}  p99 ${String(v.p99).padStart(7)}${v.size ? `  ${v.size}` : ''}`);
mkdirSync(join(ROOT, 'test-results'), { recursive: true });
writeFileSync(join(ROOT, 'test-results', 'bench-statements-fold.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
