// Realistic case content for the cases benches (bench/cases-list.js, bench/cases-events.js):
// requests of every catalogue type, in English or Russian (some with a translation), offences,
// dates, references, and random walks through the actions the rules allow. Plain ESM, no build;
// the catalogue and rules come from the built server (dist/server).

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib.js';

export const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', 'server', p)).href);

/** A seeded pseudo-random generator (mulberry32), so every run seeds the same data. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

const EN = ['ransomware', 'server', 'logs', 'access', 'account', 'bank', 'transfer', 'phishing', 'campaign', 'domain', 'hosting', 'provider',
  'hospital', 'encrypted', 'systems', 'botnet', 'command', 'control', 'wallet', 'cryptocurrency', 'exchange', 'fraud', 'victims', 'messages',
  'subscriber', 'information', 'traffic', 'data', 'email', 'address', 'registered', 'payment', 'card', 'stolen', 'credentials', 'malware',
  'attack', 'network', 'intrusion', 'ministry', 'customs', 'airport', 'telecom', 'operator', 'extortion', 'images', 'child', 'marketplace',
  'darknet', 'laundering', 'invoice', 'company', 'employees', 'database', 'leak', 'personal', 'records', 'investigation', 'suspect', 'device'];
const RU = ['вымогатель', 'сервер', 'журналы', 'доступ', 'учётная', 'запись', 'банк', 'перевод', 'фишинг', 'рассылка', 'домен', 'хостинг',
  'провайдер', 'больница', 'зашифрованы', 'системы', 'ботнет', 'управление', 'кошелёк', 'криптовалюта', 'биржа', 'мошенничество', 'потерпевшие',
  'сообщения', 'абонент', 'сведения', 'трафик', 'данные', 'почта', 'адрес', 'платёж', 'карта', 'похищенные', 'учётные', 'вредоносная',
  'программа', 'атака', 'сеть', 'вторжение', 'министерство', 'таможня', 'аэропорт', 'оператор', 'вымогательство', 'изображения', 'площадка',
  'отмывание', 'счёт', 'компания', 'сотрудники', 'база', 'утечка', 'персональные', 'расследование', 'подозреваемый', 'устройство'];
const CITIES = ['Tashkent', 'Almaty', 'Bishkek', 'Dushanbe', 'Ashgabat', 'Samarkand', 'Astana', 'Osh', 'Baku', 'Yerevan', 'Minsk', 'Moscow'];
export const PEERS = Array.from({ length: 30 }, (_, i) => `peer-${String(i + 1).padStart(2, '0')}`);

export async function loadCatalogue() {
  const { catalogue } = await dist('cases/catalogue/catalogue.js');
  return catalogue;
}

function sentence(r, words, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(r.pick(words));
  return out.join(' ');
}

/** A few hundred characters: words of the language, an IP address, a domain, a city. */
function paragraph(r, lang, chars) {
  const words = lang === 'ru' ? RU : EN;
  let s = '';
  while (s.length < chars) s += `${sentence(r, words, 6 + r.int(8))} ${r.int(256)}.${r.int(256)}.${r.int(256)}.${r.int(256)} ${r.pick(CITIES)} srv${r.int(100000)}.example. `;
  return s.slice(0, chars);
}

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/** A complete request of `type` (a catalogue entry), with text of a few hundred characters in en or ru. */
export function requestContent(r, type, catalogue, i, at = Date.now()) {
  const lang = r.chance(0.5) ? 'en' : 'ru';
  const basis = type.legal_bases[0];
  const fields = {};
  const offenceIds = catalogue.offences.map((o) => o.id);
  for (const f of type.fields) {
    if (!f.required && r.chance(0.3)) continue;
    if (f.type === 'boolean') fields[f.id] = r.chance(0.7);
    else if (f.type === 'offence_refs') fields[f.id] = [...new Set([r.pick(offenceIds), ...(r.chance(0.5) ? [r.pick(offenceIds)] : [])])];
    else if (f.type === 'date') fields[f.id] = isoDay(at + (r.int(120) - 30) * 86_400_000);
    else if (f.type === 'date_range') fields[f.id] = { from: isoDay(at - (30 + r.int(60)) * 86_400_000), to: isoDay(at - r.int(30) * 86_400_000) };
    else if (f.type === 'authority') fields[f.id] = lang === 'ru' ? `Отдел по борьбе с киберпреступностью, ${r.pick(CITIES)}` : `Cybercrime unit, ${r.pick(CITIES)}`;
    else fields[f.id] = paragraph(r, lang, 60 + r.int(160));
  }
  const translations = [];
  if (r.chance(0.25)) {
    const other = lang === 'en' ? 'ru' : 'en';
    const tf = {};
    for (const [k, v] of Object.entries(fields)) if (typeof v === 'string') tf[k] = paragraph(r, other, Math.min(200, v.length));
    translations.push({ language: other, fields: tf });
  }
  return {
    type: type.id,
    priority: r.pick(['routine', 'routine', 'routine', 'urgent', 'urgent', 'emergency']),
    subject: `${paragraph(r, lang, 40 + r.int(60)).trim()}`,
    reference: `${['UZ', 'KZ', 'KG', 'TJ', 'RU'][i % 5]}-${2025 + (i % 2)}-${String(i).padStart(6, '0')}`,
    legal_basis: { instrument: basis.instrument, ...(basis.article ? { article: basis.article } : {}) },
    language: lang,
    fields,
    translations,
    handling: { do_not_notify: r.chance(0.5), use_limited_to_proceedings: true, onward: 'none' },
  };
}

/** The body of an action that the rules offer (input fields only), for `state` and the type's catalogue entry. */
export function actionInput(r, action, type, rules, createdAtMs) {
  switch (action) {
    case 'preserve': return { action, until: isoDay(createdAtMs + (100 + r.int(200)) * 86_400_000) };
    case 'execute': return { action, extent: r.chance(0.7) ? 'full' : 'partial', text: 'Data produced: subscriber records and access logs attached to the formal reply.' };
    case 'refuse': return { action, grounds: [r.pick(rules.refusalGroundsOf(type) ?? ['other'])], reasons: 'The request does not meet the conditions of the treaty.' };
    case 'postpone': return { action, reasons: 'Ongoing domestic investigation.' };
    case 'offer_conditions': return { action, conditions: 'Use limited to the stated proceedings.' };
    case 'hand_over': return { action, authority: 'Prosecutor General’s Office' };
    case 'extend': return { action, days: 90 };
    case 'ask_information': return { action, text: 'Please give the exact time zone of the log entries.' };
    case 'add_information': return { action, text: 'All times are UTC+5.' };
    case 'message': return { action, text: 'Status enquiry: is there any news on this request?' };
    default: return { action };
  }
}
