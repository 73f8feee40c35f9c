import { describe, expect, it } from 'vitest';
import { availableNow, contactAvailableAt, formatDays, formatHours, localClock } from './directory.hours.js';

const OFFICE = { always: false, days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' };
const at = (iso: string) => new Date(iso);

describe('local time and availability in the authority’s time zone', () => {
  it('reads the wall clock of the zone (Tashkent is UTC+5, no DST)', () => {
    expect(localClock('Asia/Tashkent', at('2026-12-01T04:30:00Z'))).toEqual({ day: 2, minutes: 9 * 60 + 30, hhmm: '09:30' });
    // Sunday 23:30 UTC is already Monday in Tashkent
    expect(localClock('Asia/Tashkent', at('2026-11-29T23:30:00Z'))?.day).toBe(1);
    expect(localClock('Mars/Olympus', at('2026-12-01T00:00:00Z'))).toBeNull();
  });

  it('is open within office hours on working days only', () => {
    const tashkent = (iso: string) => contactAvailableAt(OFFICE, 'Asia/Tashkent', at(iso));
    expect(tashkent('2026-12-01T04:00:00Z')).toBe(true); // Tue 09:00, from is inclusive
    expect(tashkent('2026-12-01T03:59:00Z')).toBe(false); // Tue 08:59
    expect(tashkent('2026-12-01T13:00:00Z')).toBe(false); // Tue 18:00, to is exclusive
    expect(tashkent('2026-12-05T06:00:00Z')).toBe(false); // Sat 11:00
  });

  it('follows daylight saving time: 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer', () => {
    const berlin = (iso: string) => contactAvailableAt(OFFICE, 'Europe/Berlin', at(iso));
    expect(berlin('2026-01-13T07:30:00Z')).toBe(false); // 08:30 CET
    expect(berlin('2026-01-13T08:00:00Z')).toBe(true); // 09:00 CET
    expect(berlin('2026-07-14T07:00:00Z')).toBe(true); // 09:00 CEST
    expect(berlin('2026-07-14T16:00:00Z')).toBe(false); // 18:00 CEST
    // the Monday after the spring change (29 March 2026): 09:00 CEST is 07:00 UTC
    expect(berlin('2026-03-30T07:00:00Z')).toBe(true);
    expect(berlin('2026-03-27T07:00:00Z')).toBe(false); // the Friday before: 08:00 CET
  });

  it('runs a night shift past midnight into the next day', () => {
    const night = { always: false, days: [5], from: '22:00', to: '06:00' };
    const utc = (iso: string) => contactAvailableAt(night, 'UTC', at(iso));
    expect(utc('2026-12-04T23:00:00Z')).toBe(true); // Fri 23:00
    expect(utc('2026-12-05T05:59:00Z')).toBe(true); // Sat 05:59, the Friday shift
    expect(utc('2026-12-05T06:00:00Z')).toBe(false);
    expect(utc('2026-12-05T23:00:00Z')).toBe(false); // Sat 23:00: no shift starts on Saturday
  });

  it('treats no days as every day and 24/7 as always', () => {
    expect(contactAvailableAt({ always: false, from: '09:00', to: '18:00' }, 'UTC', at('2026-12-06T10:00:00Z'))).toBe(true); // Sunday
    expect(contactAvailableAt({ always: true }, 'Mars/Olympus', at('2026-12-06T03:00:00Z'))).toBe(true);
  });

  it('finds an authority available when any contact is, and unknown only when its zone is', () => {
    const entry = (time_zone: string, ...hours: (typeof OFFICE | { always: boolean })[]) => ({ time_zone, contacts: hours.map((h) => ({ hours: h })) });
    expect(availableNow(entry('Asia/Tashkent', OFFICE), at('2026-12-05T06:00:00Z'))).toBe(false);
    expect(availableNow(entry('Asia/Tashkent', OFFICE, { always: true }), at('2026-12-05T06:00:00Z'))).toBe(true);
    expect(availableNow(entry('Asia/Tashkent', OFFICE), at('2026-12-04T06:00:00Z'))).toBe(true);
    expect(availableNow(entry('Nowhere/Town', OFFICE), at('2026-12-04T06:00:00Z'))).toBeNull();
  });
});

describe('hours as people read them', () => {
  it('joins runs of days and names them in en, ru and uz', () => {
    expect(formatDays([1, 2, 3, 4, 5], 'en')).toBe('Mon–Fri');
    expect(formatDays([5, 1, 3], 'en')).toBe('Mon, Wed, Fri');
    expect(formatDays([1, 2, 3, 5, 6], 'en')).toBe('Mon–Wed, Fri, Sat');
    expect(formatDays([1, 2, 3, 4, 5], 'ru')).toBe('Пн–Пт');
    expect(formatDays([6, 7], 'uz')).toBe('Shan, Yak');
    expect(formatDays([], 'en')).toBe('every day');
    expect(formatDays([1, 2, 3, 4, 5, 6, 7], 'ru')).toBe('ежедневно');
  });

  it('writes days, hours and the zone, or 24/7', () => {
    expect(formatHours(OFFICE, 'Asia/Tashkent', 'en')).toBe('Mon–Fri 09:00–18:00 Asia/Tashkent');
    expect(formatHours(OFFICE, 'Asia/Tashkent', 'uz')).toBe('Dush–Jum 09:00–18:00 Asia/Tashkent');
    expect(formatHours({ always: true }, 'Asia/Tashkent', 'ru')).toBe('24/7');
    expect(formatHours(OFFICE, 'Europe/Paris', 'fr')).toBe('Mon–Fri 09:00–18:00 Europe/Paris');
  });
});
