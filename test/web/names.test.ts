import { describe, expect, it } from 'vitest';
import { otherNames, pickName } from '../../web/src/i18n/names.js';

describe('one name for the reader', () => {
  const names = { en: 'Ministry of Justice', ru: 'Министерство юстиции' };

  it('shows the reader\'s language, else English, else any', () => {
    expect(pickName(names, 'ru')).toBe('Министерство юстиции');
    expect(pickName(names, 'uz')).toBe('Ministry of Justice');
    expect(pickName({ ru: 'Минюст' }, 'uz')).toBe('Минюст');
    expect(pickName({}, 'uz')).toBe('');
  });

  it('lists the other languages without the name already shown', () => {
    expect(otherNames(names, 'uz')).toEqual([['ru', 'Министерство юстиции']]);
    expect(otherNames(names, 'ru')).toEqual([['en', 'Ministry of Justice']]);
    expect(otherNames({ en: 'CERT', ru: 'CERT' }, 'ru')).toEqual([]);
  });
});
