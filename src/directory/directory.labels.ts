/**
 * The directory's codes as people read them, in the languages the exports speak (en, ru, uz;
 * the web app has the same words in its message catalogues). A code without a label is shown
 * as it is, so an entry from a newer peer still exports.
 */

export type LabelLanguage = 'en' | 'ru' | 'uz';
export const LABEL_LANGUAGES: readonly LabelLanguage[] = ['en', 'ru', 'uz'];

type Labels = Record<LabelLanguage, Record<string, string>>;

/** Contact roles, and the kinds of authority an entry names (a role may be a kind too). */
const KINDS: Labels = {
  en: {
    law_enforcement_24_7: 'Law enforcement 24/7',
    technical_cert: 'Technical (CERT)',
    diplomatic: 'Diplomatic',
    central_authority: 'Central authority (MLA)',
    police: 'Police',
    cert: 'CERT',
    prosecutor: 'Prosecutor’s office',
    justice: 'Ministry of justice',
    foreign_affairs: 'Ministry of foreign affairs',
  },
  ru: {
    law_enforcement_24_7: 'Правоохранительный орган 24/7',
    technical_cert: 'Технический (CERT)',
    diplomatic: 'Дипломатический',
    central_authority: 'Центральный орган (взаимная правовая помощь)',
    police: 'Полиция',
    cert: 'CERT',
    prosecutor: 'Прокуратура',
    justice: 'Министерство юстиции',
    foreign_affairs: 'Министерство иностранных дел',
  },
  uz: {
    law_enforcement_24_7: 'Huquqni muhofaza qilish 24/7',
    technical_cert: 'Texnik (CERT)',
    diplomatic: 'Diplomatik',
    central_authority: 'Markaziy organ (oʻzaro huquqiy yordam)',
    police: 'Politsiya',
    cert: 'CERT',
    prosecutor: 'Prokuratura',
    justice: 'Adliya vazirligi',
    foreign_affairs: 'Tashqi ishlar vazirligi',
  },
};

const FRESHNESS: Labels = {
  en: { valid: 'Valid', expiring: 'Expiring soon', stale: 'Stale', expired: 'Expired' },
  ru: { valid: 'Действительна', expiring: 'Скоро истекает', stale: 'Устарела', expired: 'Истекла' },
  uz: { valid: 'Amalda', expiring: 'Muddati tugayapti', stale: 'Eskirgan', expired: 'Muddati tugagan' },
};

const MESSENGERS: Labels = {
  en: { signal: 'Signal', threema: 'Threema', wire: 'Wire', matrix: 'Matrix', other: 'Other' },
  ru: { signal: 'Signal', threema: 'Threema', wire: 'Wire', matrix: 'Matrix', other: 'Другой' },
  uz: { signal: 'Signal', threema: 'Threema', wire: 'Wire', matrix: 'Matrix', other: 'Boshqa' },
};

/** Column headings of the CSV export, by field. */
const COLUMNS: Labels = {
  en: { node_id: 'Node', country: 'Country', authority: 'Authority', authority_kinds: 'Kinds of authority', version: 'Version', freshness: 'Freshness', valid_until: 'Valid until', escalation: 'Escalation order', contact: 'Contact', role: 'Role', languages: 'Languages', hours: 'Hours', time_zone: 'Time zone', phone: 'Phone', email: 'E-mail', accord: 'Accord', messenger: 'Secure messenger', fax: 'Fax', pgp: 'PGP key fingerprint', smime: 'S/MIME certificate fingerprint (SHA-256)' },
  ru: { node_id: 'Узел', country: 'Страна', authority: 'Орган', authority_kinds: 'Виды органа', version: 'Версия', freshness: 'Актуальность', valid_until: 'Действительна до', escalation: 'Порядок эскалации', contact: 'Контакт', role: 'Роль', languages: 'Языки', hours: 'Часы работы', time_zone: 'Часовой пояс', phone: 'Телефон', email: 'Эл. почта', accord: 'Accord', messenger: 'Защищённый мессенджер', fax: 'Факс', pgp: 'Отпечаток ключа PGP', smime: 'Отпечаток сертификата S/MIME (SHA-256)' },
  uz: { node_id: 'Tugun', country: 'Mamlakat', authority: 'Organ', authority_kinds: 'Organ turlari', version: 'Versiya', freshness: 'Dolzarblik', valid_until: 'Amal qilish muddati', escalation: 'Eskalatsiya tartibi', contact: 'Aloqa shaxsi', role: 'Vazifa', languages: 'Tillar', hours: 'Ish vaqti', time_zone: 'Vaqt mintaqasi', phone: 'Telefon', email: 'E-pochta', accord: 'Accord', messenger: 'Himoyalangan messenjer', fax: 'Faks', pgp: 'PGP kaliti barmoq izi', smime: 'S/MIME sertifikati barmoq izi (SHA-256)' },
};

/** The export's language: the one asked for if it has labels, else English. */
export function labelLanguage(lang: string | undefined): LabelLanguage {
  const l = (lang ?? '').slice(0, 2).toLowerCase();
  return (LABEL_LANGUAGES as readonly string[]).includes(l) ? (l as LabelLanguage) : 'en';
}

/**
 * The first of the languages an Accept-Language header names (by quality) that has labels,
 * or undefined. "ru-RU,ru;q=0.9,en;q=0.8" → "ru".
 */
export function languageFromAcceptLanguage(header: string | undefined): LabelLanguage | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().slice(0, 2).toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.map((x) => x.lang).find((l): l is LabelLanguage => (LABEL_LANGUAGES as readonly string[]).includes(l));
}

export const kindLabel = (code: string, lang: LabelLanguage): string => KINDS[lang][code] ?? code;
export const freshnessLabel = (code: string, lang: LabelLanguage): string => FRESHNESS[lang][code] ?? code;
export const messengerLabel = (code: string, lang: LabelLanguage): string => MESSENGERS[lang][code] ?? code;
export const columnLabel = (field: string, lang: LabelLanguage): string => COLUMNS[lang][field] ?? field;
