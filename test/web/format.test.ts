import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatMonthYear, formatRelative, formatTime, monthName, weekdayNames } from '../../web/src/i18n/format.js';

// Local-time components, so the expectations hold in any time zone the tests run in.
const AT = new Date(2027, 4, 30, 14, 5);
const minutes = (n: number) => new Date(AT.getTime() + n * 60_000);

describe('dates in every UI language, from data the app ships', () => {
  it('formats dates, times and both together', () => {
    expect(formatDate(AT, 'en')).toBe('May 30, 2027');
    expect(formatDate(AT, 'ru')).toBe('30 мая 2027 г.');
    expect(formatDate(AT, 'uz')).toBe('30-may, 2027');
    expect(formatTime(AT, 'en')).toBe('2:05 PM');
    expect(formatTime(AT, 'ru')).toBe('14:05');
    expect(formatTime(AT, 'uz')).toBe('14:05');
    expect(formatDateTime(AT, 'en')).toBe('May 30, 2027, 2:05 PM');
    expect(formatDateTime(AT, 'ru')).toBe('30 мая 2027 г., 14:05');
    expect(formatDateTime(AT, 'uz')).toBe('30-may, 2027, 14:05');
    expect(formatDateTime(AT.toISOString(), 'uz')).toBe('30-may, 2027, 14:05');
  });

  it('writes relative times in words of the language, past and future', () => {
    expect(formatRelative(minutes(-9), 'en', AT)).toBe('9 minutes ago');
    expect(formatRelative(minutes(-9), 'ru', AT)).toBe('9 минут назад');
    expect(formatRelative(minutes(-9), 'uz', AT)).toBe('9 daqiqa oldin');
    expect(formatRelative(minutes(120), 'en', AT)).toBe('in 2 hours');
    expect(formatRelative(minutes(120), 'ru', AT)).toBe('через 2 часа');
    expect(formatRelative(minutes(120), 'uz', AT)).toBe('2 soatdan keyin');
    expect(formatRelative(minutes(-3 * 24 * 60), 'uz', AT)).toBe('3 kun oldin');
    expect(formatRelative(new Date(AT.getTime() - 2000), 'uz', AT)).toBe('hozirgina');
    expect(formatRelative(minutes(-30 * 24 * 60), 'uz', AT)).toBe('30-apr, 2027, 14:05');
  });

  it('never prints the raw signed numbers and codes of a browser without Uzbek data', () => {
    const texts = [formatRelative(minutes(-9), 'uz', AT), formatDate(AT, 'uz'), formatDateTime(AT, 'uz'), ...weekdayNames('uz')];
    for (const text of texts) {
      expect(text).not.toMatch(/-\d+ min|\bM\d\d\b|\bMon\b|\bTue\b/);
    }
    expect(formatRelative(minutes(-9), 'uz', AT)).not.toBe('-9 min');
  });

  it('names weekdays Monday first and months standalone', () => {
    expect(weekdayNames('en')).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
    expect(weekdayNames('ru')).toEqual(['пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс']);
    expect(weekdayNames('uz')).toEqual(['Dush', 'Sesh', 'Chor', 'Pay', 'Jum', 'Shan', 'Yak']);
    expect(monthName(1, 'en')).toBe('January');
    expect(monthName(1, 'ru')).toBe('январь');
    expect(monthName(1, 'uz')).toBe('Yanvar');
    expect(formatMonthYear(new Date(2026, 10, 1), 'en')).toBe('Nov 2026');
    expect(formatMonthYear(new Date(2026, 10, 1), 'uz')).toBe('Noy 2026');
  });

  it('falls back to English for an unknown language and echoes an unreadable date', () => {
    expect(formatDate(AT, 'xx')).toBe('May 30, 2027');
    expect(formatDate('not a date', 'uz')).toBe('not a date');
  });
});
