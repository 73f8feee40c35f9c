import { describe, expect, it } from 'vitest';
import { countryName } from './country-names.js';
import { entriesToCsv, UTF8_BOM } from './directory.csv.js';
import { kindLabel, labelLanguage, languageFromAcceptLanguage } from './directory.labels.js';
import type { DirectoryEntry } from './directory.schemas.js';

const entry: DirectoryEntry = {
  node_id: 'uz-cert',
  country: 'UZ',
  version: 3,
  authority_names: { en: 'National CERT', ru: 'Национальный CERT', uz: 'Milliy CERT' },
  authority_kinds: ['cert', 'law_enforcement_24_7'],
  time_zone: 'Asia/Tashkent',
  languages: ['uz', 'ru'],
  contacts: [
    { id: 'b', role: 'technical_cert', names: { en: '=HYPERLINK("http://evil.example")' }, languages: ['en'], hours: { always: false, days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }, channels: [{ kind: 'messenger', messenger: 'signal', value: '@soc.01' }], escalation_order: 2 },
    { id: 'a', role: 'law_enforcement_24_7', names: { en: 'Duty officer', ru: 'Дежурный' }, languages: ['ru', 'en'], hours: { always: true }, channels: [{ kind: 'phone', value: '+998 71 000 00 00' }, { kind: 'pgp', value: 'A'.repeat(40) }], escalation_order: 1 },
  ],
  published_at: '2026-12-01T00:00:00.000Z',
  valid_until: '2027-06-01T00:00:00.000Z',
};

describe('the directory CSV', () => {
  it('starts with a UTF-8 byte order mark and heads columns in the language asked', () => {
    const csv = entriesToCsv([{ entry, freshness: 'valid' }], 'ru');
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.slice(1).split('\r\n')[0]).toMatch(/^Узел,Страна,Орган,Виды органа,Версия,Актуальность,/);
  });

  it('writes labels rather than codes, readable hours, and contacts in escalation order', () => {
    const [, first, second] = entriesToCsv([{ entry, freshness: 'expiring' }], 'en').slice(1).split('\r\n');
    expect(first).toBe(`uz-cert,Uzbekistan,National CERT,"CERT; Law enforcement 24/7",3,Expiring soon,2027-06-01T00:00:00.000Z,1,Duty officer,Law enforcement 24/7,ru en,24/7,Asia/Tashkent,+998 71 000 00 00,,,,,${'A'.repeat(40)},`);
    expect(second).toContain(',2,');
    expect(second).toContain(',Technical (CERT),en,Mon–Fri 09:00–18:00 Asia/Tashkent,Asia/Tashkent,,,,Signal: @soc.01,');
    const uz = entriesToCsv([{ entry, freshness: 'valid' }], 'uz');
    expect(uz).toContain('Oʻzbekiston,Milliy CERT,"CERT; Huquqni muhofaza qilish 24/7",3,Amalda');
    expect(uz).toContain('Dush–Jum 09:00–18:00 Asia/Tashkent');
  });

  it('keeps neutralising cells a spreadsheet would run as formulas', () => {
    const csv = entriesToCsv([{ entry, freshness: 'valid' }], 'en');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csv).toContain(',+998 71 000 00 00,'); // a phone number stays as it is
  });
});

describe('labels', () => {
  it('picks the language from ?lang=, then Accept-Language by quality, else English', () => {
    expect(labelLanguage('ru')).toBe('ru');
    expect(labelLanguage('fr')).toBe('en');
    expect(labelLanguage(undefined)).toBe('en');
    expect(languageFromAcceptLanguage('fr-FR,uz;q=0.8,ru;q=0.9')).toBe('ru');
    expect(languageFromAcceptLanguage('uz-Latn-UZ')).toBe('uz');
    expect(languageFromAcceptLanguage('fr, de;q=0.5')).toBeUndefined();
    expect(languageFromAcceptLanguage('ru;q=0, en')).toBe('en');
  });

  it('names countries in en, ru and uz from shipped data, and keeps unknown codes', () => {
    expect(countryName('KZ', 'ru')).toBe('Казахстан');
    expect(countryName('UZ', 'uz')).toBe('Oʻzbekiston');
    expect(countryName('XX', 'en')).toBe('XX');
    expect(kindLabel('law_enforcement_24_7', 'ru')).toBe('Правоохранительный орган 24/7');
    expect(kindLabel('new_kind', 'en')).toBe('new_kind');
  });
});
