import type { Locale } from 'date-fns';
import { uz } from 'date-fns/locale';

/**
 * date-fns's `uz` with what it gets wrong for Latin Uzbek fixed from CLDR: month names are
 * lower case inside a date ("30-may, 2027", standalone they stay capitalised), and distances
 * use "daqiqa"/"soniya" with the ablative suffix joined to the noun ("2 soatdan keyin", not
 * "2 soat dan keyin"). Browsers without Uzbek ICU data (Chromium) cannot be asked instead.
 */
const DISTANCE: Record<string, string> = {
  lessThanXSeconds: '{{count}} soniyadan kam',
  xSeconds: '{{count}} soniya',
  halfAMinute: 'yarim daqiqa',
  lessThanXMinutes: '{{count}} daqiqadan kam',
  xMinutes: '{{count}} daqiqa',
  aboutXHours: 'taxminan {{count}} soat',
  xHours: '{{count}} soat',
  xDays: '{{count}} kun',
  aboutXWeeks: 'taxminan {{count}} hafta',
  xWeeks: '{{count}} hafta',
  aboutXMonths: 'taxminan {{count}} oy',
  xMonths: '{{count}} oy',
  aboutXYears: 'taxminan {{count}} yil',
  xYears: '{{count}} yil',
  overXYears: '{{count}} yildan koʻp',
  almostXYears: 'deyarli {{count}} yil',
};

const formatDistance: Locale['formatDistance'] = (token, count, options) => {
  const text = (DISTANCE[token] ?? `{{count}} ${token}`).replace('{{count}}', String(count));
  if (!options?.addSuffix) return text;
  // -dan does not change with vowel harmony: "daqiqadan", "soatdan", "kundan".
  return options.comparison !== undefined && options.comparison > 0 ? `${text}dan keyin` : `${text} oldin`;
};

const month: Locale['localize']['month'] = (index, options) => {
  const name = uz.localize.month(index, options);
  return options?.context === 'standalone' ? name : name.toLowerCase();
};

export const uzLatin: Locale = { ...uz, code: 'uz', formatDistance, localize: { ...uz.localize, month } };
