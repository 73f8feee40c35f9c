import { describe, expect, it } from 'vitest';
import { isValidTimeZone, timeZoneNames } from './time-zone.js';

describe('isValidTimeZone', () => {
  it('accepts IANA names and UTC', () => {
    for (const tz of ['Asia/Tashkent', 'Europe/Moscow', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+5']) expect(isValidTimeZone(tz), tz).toBe(true);
  });
  it('accepts an older alias the runtime resolves', () => {
    expect(isValidTimeZone('Asia/Calcutta')).toBe(true);
  });
  it('refuses bare words, offsets, abbreviations and made-up areas', () => {
    for (const tz of ['Tashkent', 'tashkent', '+05:00', 'GMT+5', 'EST', 'Asia/Nowhere', 'asia/tashkent', '', ' Asia/Tashkent', 'Asia/Tashkent\n', 'x'.repeat(65)]) expect(isValidTimeZone(tz), tz).toBe(false);
  });
  it('refuses what is not a string', () => {
    for (const tz of [null, undefined, 5, {}, ['UTC']]) expect(isValidTimeZone(tz)).toBe(false);
  });
  it('lists the canonical names sorted, with UTC', () => {
    const names = timeZoneNames();
    expect(names).toContain('UTC');
    expect(names).toContain('Asia/Tashkent');
    expect([...names].sort()).toEqual(names);
  });
});
