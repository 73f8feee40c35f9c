import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../web/src/api/client.js';
import { countryCodeOf } from '../../web/src/shared/forms/countries.js';
import { belongsTo, fieldErrorsOf, fieldErrorText, limitOf, readablePointer, ValidationError } from '../../web/src/shared/forms/field-errors.js';
import { filterZones, timeZoneOptions, utcOffsetOf } from '../../web/src/shared/forms/time-zones.js';
import en from '../../web/src/i18n/locales/en.json' with { type: 'json' };
import ru from '../../web/src/i18n/locales/ru.json' with { type: 'json' };
import uz from '../../web/src/i18n/locales/uz.json' with { type: 'json' };

/** Every code the server's field errors carry (src/http/field-errors.ts, services). */
const CODES = ['required', 'too_long', 'too_short', 'too_many', 'too_few', 'min', 'max', 'pattern', 'format', 'enum', 'type', 'duplicate', 'unknown_field', 'invalid_characters', 'invalid_time_zone', 'invalid'];

const problem = (errors: unknown[]) => new ApiError({ type: 'urn:accord:problem:invalid-input', title: 'Invalid input', status: 400, errors } as never);

describe('field errors in the web app', () => {
  it('translates every code in en, ru and uz, with its parameters', async () => {
    for (const [lang, catalogue] of Object.entries({ en, ru, uz })) {
      const i18n = i18next.createInstance();
      await i18n.init({ lng: lang, resources: { [lang]: { translation: catalogue } }, interpolation: { escapeValue: false } });
      for (const code of CODES) expect(i18n.exists(`validation.${code}`), `${lang} validation.${code}`).toBe(true);
      expect(fieldErrorText(i18n.t, { pointer: '/name', code: 'too_long', limit: 200 })).toContain('200');
      expect(fieldErrorText(i18n.t, { pointer: '/role', code: 'enum', allowed: ['admin', 'analyst'] })).toContain('admin, analyst');
      expect(fieldErrorText(i18n.t, { pointer: '/email', code: 'format', format: 'email' })).toBe(catalogue.validation.format_email);
      // an unknown code still says something in the user's language
      expect(fieldErrorText(i18n.t, { pointer: '/x', code: 'brand_new' })).toBe(catalogue.validation.invalid);
    }
  });

  it('takes the body field errors of a problem, and the pointer of a client-side check', () => {
    const errors = fieldErrorsOf(problem([{ in: 'body', pointer: '/email', code: 'format', format: 'email', message: 'x' }, { in: 'querystring', pointer: '/limit', code: 'type', message: 'x' }, 'junk']));
    expect(errors).toEqual([expect.objectContaining({ pointer: '/email', code: 'format' })]);
    expect(fieldErrorsOf(new ValidationError('Fill in the name', '/name'))).toEqual([{ pointer: '/name', code: 'invalid', text: 'Fill in the name' }]);
    expect(fieldErrorsOf(new Error('x'))).toEqual([]);
  });

  it('matches errors inside a field, and limits with * for any index or key', () => {
    expect(belongsTo('/contacts/0/names/en', '/contacts/0')).toBe(true);
    expect(belongsTo('/contacts/10', '/contacts/1')).toBe(false);
    expect(limitOf('PUT /api/v1/directory/own', '/contacts/3/names/ru')).toMatchObject({ maxLength: 200 });
    expect(limitOf('PUT /api/v1/directory/own', '/time_zone')).toMatchObject({ required: true, maxLength: 64 });
    expect(limitOf('PUT /api/v1/directory/own', '/nope')).toBeUndefined();
    expect(readablePointer('/contacts/0/names/en')).toBe('contacts › 1 › names › en');
  });

  it('finds a country by its code or its name in any of the languages, without cutting it', () => {
    expect(countryCodeOf('Uzbekistan', ['en'])).toBe('UZ');
    expect(countryCodeOf('узбекистан', ['ru'])).toBe('UZ');
    expect(countryCodeOf('Oʻzbekiston', ['uz'])).toBe('UZ');
    expect(countryCodeOf('kz', ['en'])).toBe('KZ');
    expect(countryCodeOf('Kazakh', ['en'])).toBe('KZ');
    expect(countryCodeOf('Atlantis', ['en', 'ru', 'uz'])).toBeNull();
    expect(countryCodeOf('', ['en'])).toBeNull();
  });

  it('lists IANA zones with their offsets, searchable by name or offset', () => {
    expect(utcOffsetOf('Asia/Tashkent')).toBe('UTC+05:00');
    expect(utcOffsetOf('UTC')).toBe('UTC+00:00');
    const zones = timeZoneOptions();
    expect(zones.map((z) => z.zone)).toContain('UTC');
    expect(filterZones(zones, 'tashk').map((z) => z.zone)).toEqual(['Asia/Tashkent']);
    expect(filterZones(zones, '+05:00').map((z) => z.zone)).toContain('Asia/Tashkent');
  });
});
