#!/usr/bin/env node
// Plans' hot path without a database: folding a large plan from its events (what every read,
// the desk and the relay do) and rendering its PDF report. Run after `npm run build`:
//   node bench/plans-fold.js            (BENCH_PLAN_ITEMS=500, BENCH_PLAN_UPDATES=5, BENCH_RUNS=30)
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const { foldPlan } = await import(join(ROOT, 'dist/server/plans/plans.rules.js'));
const { planReportPdf, planReportHtml } = await import(join(ROOT, 'dist/server/plans/plans.export.js'));

const ITEMS = Number(process.env.BENCH_PLAN_ITEMS ?? 500);
const UPDATES = Number(process.env.BENCH_PLAN_UPDATES ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const G = randomUUID();
const P = randomUUID();
const members = ['kz-cert', 'kg-cert', 'tj-cert', 'uz-cert', 'ru-cert', 'cn-cert'];
const m = { members, history: members.map((node) => ({ at: '2026-01-01T00:00:00.000Z', node, change: 'joined' })) };
let t = Date.parse('2026-02-01T00:00:00.000Z');
const at = () => new Date((t += 1000)).toISOString();
const ev = (author, type, body) => {
  const id = randomUUID();
  const created_at = at();
  return { id, author, created_at, type, body: { event_id: id, created_at, group_id: G, plan_id: P, ...body } };
};
const events = [{ ...ev('uz-cert', 'plan', { title: 'План взаимодействия ШОС', instrument: 'sco-2009', reference: '' }), id: P }];
events[0].body.event_id = P;
for (let i = 0; i < ITEMS; i++) {
  const owner = members[i % members.length];
  const item = ev(owner, 'item', { title: `Пункт ${i + 1}: обмен сведениями об инцидентах`, description: '', owner, deadline: `2026-${String((i % 12) + 1).padStart(2, '0')}-15` });
  events.push(item);
  for (let u = 0; u < UPDATES; u++) events.push(ev(owner, 'status', { item_id: item.id, item_author: owner, status: u === UPDATES - 1 ? 'done' : 'in_progress', note: `Выполнение, этап ${u + 1}` }));
}
// Arrival order is not fold order: shuffle.
for (let i = events.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [events[i], events[j]] = [events[j], events[i]];
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5).toFixed(1), p99: q(0.99).toFixed(1) };
}
const fold = [];
let state;
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  state = foldPlan(P, G, events, m);
  fold.push(performance.now() - t0);
}
const today = '2026-12-02';
const plan = {
  id: P, group_id: G, group_name: 'ШОС', title: state.title, instrument: null, instrument_id: 'sco-2009', reference: '', author: state.author, created_at: state.created_at, my_role: 'member', members,
  counts: { items: ITEMS, proposed: 0, planned: 0, in_progress: 0, done: ITEMS, cancelled: 0, overdue: 0 },
  items: state.items.map((i) => ({ ...i, overdue: false, days_overdue: 0, owner_is_member: true, awaiting_me: false })), history: [],
};
const pdf = [];
let bytes = 0;
for (let r = 0; r < Math.min(RUNS, 5); r++) {
  const t0 = performance.now();
  bytes = (await planReportPdf(plan, 'ru', new Date(`${today}T00:00:00Z`))).length;
  pdf.push(performance.now() - t0);
}
const t0 = performance.now();
const html = planReportHtml(plan, 'ru').length;
const htmlMs = performance.now() - t0;
console.log(`plans: ${events.length} events (${ITEMS} items × ${UPDATES} updates)`);
console.table({
  'fold (ms)': stats(fold),
  'PDF report (ms)': { ...stats(pdf), size: `${Math.round(bytes / 1024)} KiB` },
  'HTML report (ms)': { p50: htmlMs.toFixed(1), p99: htmlMs.toFixed(1), size: `${Math.round(html / 1024)} KiB` },
});
