import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ItemView, PlanDetail } from './plans.service.js';

/**
 * The printable report of a plan and its progress, in HTML and in PDF, in English, Russian or
 * Uzbek (Latin). The PDF embeds DejaVu Sans (npm dejavu-fonts-ttf, subset by pdfkit) so that
 * Cyrillic and Uzbek Latin (ʻ, ʼ) print as typed, whatever fonts the reader has.
 */
export const ExportLang = { en: 'en', ru: 'ru', uz: 'uz' } as const;
export type ExportLang = (typeof ExportLang)[keyof typeof ExportLang];

const LABELS = {
  en: {
    report: 'Plan of interaction: progress report', group: 'Group', agreement: 'Agreement', reference: 'Reference', founded: 'Founded by', generated: 'Generated', members: 'Members',
    summary: 'Items in effect: {items}; planned {planned}, in progress {in_progress}, done {done}, cancelled {cancelled}; overdue {overdue}; proposed {proposed}',
    item: 'Item', owner: 'Owner', deadline: 'Deadline', status: 'Status', updates: 'Status updates', none: 'No items yet.', noUpdates: 'No updates yet.',
    overdue: 'OVERDUE by {days} d.', unconfirmed: 'Some facts about this agreement are UNCONFIRMED', ownerLeft: 'owner left the group',
    statuses: { planned: 'planned', in_progress: 'in progress', done: 'done', cancelled: 'cancelled' }, acceptance: { proposed: 'proposed, awaiting the owner', declined: 'declined by the owner', accepted: '' },
  },
  ru: {
    report: 'План взаимодействия: отчёт о ходе выполнения', group: 'Группа', agreement: 'Соглашение', reference: 'Ссылка', founded: 'Создал', generated: 'Сформирован', members: 'Участники',
    summary: 'Действующих пунктов: {items}; запланировано {planned}, выполняется {in_progress}, выполнено {done}, отменено {cancelled}; просрочено {overdue}; предложено {proposed}',
    item: 'Пункт', owner: 'Ответственный', deadline: 'Срок', status: 'Статус', updates: 'Сообщения о ходе выполнения', none: 'Пунктов пока нет.', noUpdates: 'Сообщений пока нет.',
    overdue: 'ПРОСРОЧЕН на {days} дн.', unconfirmed: 'Часть сведений об этом соглашении НЕ ПОДТВЕРЖДЕНА', ownerLeft: 'ответственный вышел из группы',
    statuses: { planned: 'запланирован', in_progress: 'выполняется', done: 'выполнен', cancelled: 'отменён' }, acceptance: { proposed: 'предложен, ждёт согласия ответственного', declined: 'отклонён ответственным', accepted: '' },
  },
  uz: {
    report: 'Hamkorlik rejasi: bajarilish hisoboti', group: 'Guruh', agreement: 'Bitim', reference: 'Havola', founded: 'Tuzgan', generated: 'Tuzilgan vaqti', members: 'Aʼzolar',
    summary: 'Amaldagi bandlar: {items}; rejalashtirilgan {planned}, bajarilmoqda {in_progress}, bajarilgan {done}, bekor qilingan {cancelled}; muddati oʻtgan {overdue}; taklif qilingan {proposed}',
    item: 'Band', owner: 'Masʼul', deadline: 'Muddat', status: 'Holat', updates: 'Holat haqidagi xabarlar', none: 'Hozircha bandlar yoʻq.', noUpdates: 'Hozircha xabarlar yoʻq.',
    overdue: 'MUDDATI {days} kun oʻtgan', unconfirmed: 'Bu bitim haqidagi baʼzi maʼlumotlar TASDIQLANMAGAN', ownerLeft: 'masʼul guruhdan chiqqan',
    statuses: { planned: 'rejalashtirilgan', in_progress: 'bajarilmoqda', done: 'bajarilgan', cancelled: 'bekor qilingan' }, acceptance: { proposed: 'taklif qilingan, masʼul roziligini kutmoqda', declined: 'masʼul rad etgan', accepted: '' },
  },
} as const;

function fill(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

function statusText(lang: ExportLang, it: ItemView): string {
  const l = LABELS[lang];
  return it.acceptance === 'accepted' ? l.statuses[it.status] : l.acceptance[it.acceptance];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function agreementText(plan: PlanDetail, lang: ExportLang): string | null {
  if (plan.instrument) return plan.instrument.title[lang];
  return plan.instrument_id;
}

/** A standalone printable HTML page (no scripts, inline style). */
export function planReportHtml(plan: PlanDetail, lang: ExportLang, now = new Date()): string {
  const l = LABELS[lang];
  const e = escapeHtml;
  const agreement = agreementText(plan, lang);
  const rows = plan.items
    .map((it) => {
      const updates = it.updates.length ? `<ol class="updates">${it.updates.map((u) => `<li><time>${e(u.at.slice(0, 16).replace('T', ' '))}</time> <b>${e(l.statuses[u.status])}</b>: ${e(u.note)}</li>`).join('')}</ol>` : `<p class="muted">${e(l.noUpdates)}</p>`;
      const flags = [it.overdue ? `<span class="overdue-flag">${e(fill(l.overdue, { days: it.days_overdue }))}</span>` : '', it.owner_is_member ? '' : `<span class="muted">(${e(l.ownerLeft)})</span>`].join(' ');
      return `<tr class="${it.overdue ? 'overdue' : ''}" data-item="${e(it.id)}"><td><b>${e(it.title)}</b>${it.description ? `<div class="muted">${e(it.description)}</div>` : ''}${updates}</td><td>${e(it.owner)}</td><td>${e(it.deadline)} ${flags}</td><td>${e(statusText(lang, it))}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${e(plan.title)}</title>
<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2rem;color:#111}h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1rem;color:#444;font-weight:normal;margin:0 0 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:bold}table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{border:1px solid #999;padding:.4rem;vertical-align:top;text-align:left}tr.overdue td{background:#fde2e1}.overdue-flag{color:#b00020;font-weight:bold}
.muted{color:#555;font-size:.9em}.flag{color:#8a5300;font-weight:bold}ol.updates{margin:.3rem 0 0 1rem;padding:0;font-size:.9em}@media print{body{margin:0}}
</style></head><body>
<h2>${e(l.report)}</h2>
<h1>${e(plan.title)}</h1>
<dl>
<dt>${e(l.group)}</dt><dd>${e(plan.group_name ?? plan.group_id)}</dd>
${agreement ? `<dt>${e(l.agreement)}</dt><dd>${e(agreement)}${plan.instrument?.unconfirmed ? ` <span class="flag">(${e(l.unconfirmed)})</span>` : ''}</dd>` : ''}
${plan.reference ? `<dt>${e(l.reference)}</dt><dd>${e(plan.reference)}</dd>` : ''}
<dt>${e(l.founded)}</dt><dd>${e(plan.author)}, ${e(plan.created_at.slice(0, 10))}</dd>
<dt>${e(l.members)}</dt><dd>${e(plan.members.join(', '))}</dd>
<dt>${e(l.generated)}</dt><dd>${e(now.toISOString().slice(0, 16).replace('T', ' '))} UTC</dd>
</dl>
<p>${e(fill(l.summary, plan.counts))}</p>
${plan.items.length ? `<table><thead><tr><th>${e(l.item)}</th><th>${e(l.owner)}</th><th>${e(l.deadline)}</th><th>${e(l.status)}</th></tr></thead><tbody>\n${rows}\n</tbody></table>` : `<p>${e(l.none)}</p>`}
</body></html>
`;
}

const fontDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/** The same report as a PDF (A4), fonts embedded. */
export async function planReportPdf(plan: PlanDetail, lang: ExportLang, now = new Date()): Promise<Buffer> {
  // Loaded on the first report: pdfkit and its fonts cost every node about 28 MB otherwise.
  const { default: PDFDocument } = await import('pdfkit');
  const l = LABELS[lang];
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: plan.title, Subject: l.report, Creator: 'Accord' } });
  doc.registerFont('body', join(fontDir, 'DejaVuSans.ttf'));
  doc.registerFont('bold', join(fontDir, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const line = (label: string, value: string) => doc.font('bold').fontSize(10).text(`${label}: `, { continued: true }).font('body').text(value);
  doc.font('body').fontSize(10).fillColor('#444').text(l.report);
  doc.moveDown(0.3).font('bold').fontSize(16).fillColor('#000').text(plan.title);
  doc.moveDown(0.5);
  line(l.group, plan.group_name ?? plan.group_id);
  const agreement = agreementText(plan, lang);
  if (agreement) line(l.agreement, agreement + (plan.instrument?.unconfirmed ? ` (${l.unconfirmed})` : ''));
  if (plan.reference) line(l.reference, plan.reference);
  line(l.founded, `${plan.author}, ${plan.created_at.slice(0, 10)}`);
  line(l.members, plan.members.join(', '));
  line(l.generated, `${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  doc.moveDown(0.5).font('body').fontSize(10).text(fill(l.summary, plan.counts));
  doc.moveDown(0.8);
  if (!plan.items.length) doc.text(l.none);
  plan.items.forEach((it, i) => {
    doc.font('bold').fontSize(12).fillColor(it.overdue ? '#b00020' : '#000').text(`${i + 1}. ${it.title}`);
    doc.fillColor('#000');
    if (it.description) doc.font('body').fontSize(9).fillColor('#444').text(it.description).fillColor('#000');
    line(l.owner, it.owner + (it.owner_is_member ? '' : ` (${l.ownerLeft})`));
    line(l.deadline, it.deadline + (it.overdue ? `  ${fill(l.overdue, { days: it.days_overdue })}` : ''));
    line(l.status, statusText(lang, it));
    if (it.updates.length) {
      doc.font('bold').fontSize(10).text(`${l.updates}:`);
      for (const u of it.updates) doc.font('body').fontSize(9).text(`${u.at.slice(0, 16).replace('T', ' ')} — ${l.statuses[u.status]}: ${u.note}`, { indent: 12 });
    }
    doc.moveDown(0.6);
  });
  doc.end();
  return done;
}
