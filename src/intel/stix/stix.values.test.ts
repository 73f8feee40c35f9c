import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTimestamps, isTimestamp, parseId } from './stix.values.js';

describe('STIX values', () => {
  it.each([
    ['2016-01-01T00:00:00Z', true, false],
    ['2016-01-01T00:00:00.1Z', true, false],
    ['2016-01-01T00:00:00.123Z', true, true],
    ['2016-01-01T00:00:00.123456Z', true, true],
    ['2016-12-31T23:59:60Z', true, false],
    ['2016-02-29T00:00:00Z', true, false],
    ['2000-02-29T00:00:00Z', true, false],
    ['1900-02-29T00:00:00Z', false, false],
    ['2015-02-29T00:00:00Z', false, false],
    ['2016-04-31T00:00:00Z', false, false],
    ['2016-00-01T00:00:00Z', false, false],
    ['2016-01-01T24:00:00Z', false, false],
    ['2016-01-01T00:60:00Z', false, false],
    ['2016-01-01T00:00:00.Z', false, false],
    ['2016-01-01T00:00:00', false, false],
    ['2016-01-01T00:00:00+00:00', false, false],
    ['2016-01-01t00:00:00Z', false, false],
    ['2016-1-01T00:00:00Z', false, false],
  ])('isTimestamp(%s) is %s, with milliseconds %s', (s, any, millis) => {
    expect(isTimestamp(s)).toBe(any);
    expect(isTimestamp(s, true)).toBe(millis);
  });

  it('agrees with the calendar on every generated date-time', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const text = d.toISOString();
        expect(isTimestamp(text, true)).toBe(true);
        expect(isTimestamp(text.replace('.', '').replace(/\d{3}Z$/, 'Z'))).toBe(true);
      }),
    );
  });

  it('orders timestamps as instants whatever their precision', () => {
    expect(compareTimestamps('2016-01-01T00:00:00Z', '2016-01-01T00:00:00.000Z')).toBe(0);
    expect(compareTimestamps('2016-01-01T00:00:00.5Z', '2016-01-01T00:00:00.49Z')).toBeGreaterThan(0);
    expect(compareTimestamps('2016-01-01T00:00:00Z', '2016-01-01T00:00:00.0001Z')).toBeLessThan(0);
    expect(compareTimestamps('2015-12-31T23:59:59.999Z', '2016-01-01T00:00:00Z')).toBeLessThan(0);
  });

  it.each([
    ['indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', { type: 'indicator', version: '4' }],
    ['ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd', { type: 'ipv4-addr', version: '5' }],
    ['x-acme-thing--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F', { type: 'x-acme-thing', version: '4' }],
    ['indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f', null],
    ['indicator--8e2e2d2b-17d4-6cbf-938f-98ee46b3cd3f', null],
    ['indicator--8e2e2d2b17d4-4cbf-938f-98ee46b3cd3f0', null],
    ['indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', null],
    ['Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', null],
    ['indicator---8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', null],
    ['--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', null],
    ['indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3g', null],
  ])('parseId(%s)', (s, expected) => {
    expect(parseId(s)).toEqual(expected);
  });
});
