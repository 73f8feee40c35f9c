import { countryName } from './country-names.js';
import { formatHours } from './directory.hours.js';
import { columnLabel, freshnessLabel, kindLabel, messengerLabel, type LabelLanguage } from './directory.labels.js';
import { csvField, type Freshness } from './directory.rules.js';
import type { DirectoryEntry } from './directory.schemas.js';

/** The export's columns, in order (headed by their labels in the language asked). */
export const CSV_COLUMNS = ['node_id', 'country', 'authority', 'authority_kinds', 'version', 'freshness', 'valid_until', 'escalation', 'contact', 'role', 'languages', 'hours', 'time_zone', 'phone', 'email', 'accord', 'messenger', 'fax', 'pgp', 'smime'] as const;

/** The byte order mark that makes spreadsheets read the file as UTF-8 (Cyrillic and ʻ intact). */
export const UTF8_BOM = '\ufeff';

/** A name in `lang`, else English, else any. */
function nameIn(names: Record<string, string>, lang: string): string {
  return names[lang] ?? names.en ?? Object.values(names)[0] ?? '';
}

/** Contacts in the order they are tried when nobody answers (lower `escalation_order` first, unnumbered last). */
export function inEscalationOrder<C extends { escalation_order?: number }>(contacts: readonly C[]): C[] {
  return [...contacts].sort((x, y) => (x.escalation_order ?? 1000) - (y.escalation_order ?? 1000));
}

/**
 * Rows as CSV (RFC 4180) for people: a UTF-8 byte order mark, headings and codes as labels
 * in `lang` (country names, kinds, roles, freshness, messengers), hours as they are read
 * ("Mon–Fri 09:00–18:00 Asia/Tashkent"), one line per contact in escalation order (its place
 * in the `escalation` column). Every field goes through csvField, which keeps a spreadsheet
 * from running one as a formula.
 */
export function entriesToCsv(rows: readonly { entry: DirectoryEntry; freshness: Freshness }[], lang: LabelLanguage): string {
  const lines = [CSV_COLUMNS.map((c) => csvField(columnLabel(c, lang))).join(',')];
  for (const { entry: e, freshness } of rows) {
    inEscalationOrder(e.contacts).forEach((c, i) => {
      const ch = (kind: string) =>
        c.channels
          .filter((x) => x.kind === kind)
          .map((x) => (x.kind === 'messenger' && x.messenger ? `${messengerLabel(x.messenger, lang)}: ${x.value}` : x.value))
          .join('; ');
      const row: Record<(typeof CSV_COLUMNS)[number], string> = {
        node_id: e.node_id,
        country: countryName(e.country, lang),
        authority: nameIn(e.authority_names, lang),
        authority_kinds: e.authority_kinds.map((k) => kindLabel(k, lang)).join('; '),
        version: String(e.version),
        freshness: freshnessLabel(freshness, lang),
        valid_until: e.valid_until,
        escalation: String(i + 1),
        contact: nameIn(c.names, lang),
        role: kindLabel(c.role, lang),
        languages: c.languages.join(' '),
        hours: formatHours(c.hours, e.time_zone, lang),
        time_zone: e.time_zone,
        phone: ch('phone'),
        email: ch('email'),
        accord: ch('accord'),
        messenger: ch('messenger'),
        fax: ch('fax'),
        pgp: ch('pgp'),
        smime: ch('smime'),
      };
      lines.push(CSV_COLUMNS.map((col) => csvField(row[col])).join(','));
    });
  }
  return UTF8_BOM + lines.join('\r\n') + '\r\n';
}
