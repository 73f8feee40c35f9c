import type { EntryInput } from '../../src/directory/directory.schemas.js';

/** A realistic entry: a 24/7 contact and a CERT contact, names in three languages. */
export function buildEntryInput(over: Partial<EntryInput> = {}): EntryInput {
  return {
    authority_names: { en: 'Uzbekistan national CERT', ru: 'Национальный CERT Узбекистана', uz: 'Oʻzbekiston milliy CERT' },
    authority_kinds: ['cert'],
    time_zone: 'Asia/Tashkent',
    languages: ['uz', 'ru', 'en'],
    contacts: [
      {
        id: 'duty',
        role: 'law_enforcement_24_7',
        names: { en: 'Duty officer', ru: 'Дежурный офицер', uz: 'Navbatchi ofitser' },
        languages: ['ru', 'en'],
        hours: { always: true },
        channels: [{ kind: 'phone', value: '+998 71 000 00 00' }, { kind: 'email', value: 'duty@cert.uz.example' }],
        escalation_order: 1,
      },
      {
        id: 'analyst',
        role: 'technical_cert',
        names: { en: 'Incident analyst', ru: 'Аналитик инцидентов', uz: 'Hodisalar tahlilchisi' },
        languages: ['uz', 'en'],
        hours: { always: false, days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' },
        channels: [{ kind: 'email', value: 'soc@cert.uz.example' }],
        escalation_order: 2,
      },
    ],
    ...over,
  };
}
