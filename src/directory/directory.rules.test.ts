import { describe, expect, it } from 'vitest';
import { csvField, peerEntryProblem } from './directory.rules.js';

describe('csvField', () => {
  it('neutralises formulas hidden behind leading whitespace', () => {
    for (const v of [' =1+1', '  +SUM(A1)', '\u00a0@cmd', ' \t-2+3*cmd|x', '\n=HYPERLINK("http://evil.example")']) {
      expect(csvField(v).replace(/^"/, '').startsWith("'"), JSON.stringify(v)).toBe(true);
    }
    // Numbers and phone numbers stay as they are, spaces or not.
    expect(csvField(' +998 71 000 00 00')).toBe(' +998 71 000 00 00');
    expect(csvField('plain text')).toBe('plain text');
  });

  it('quotes cells holding a semicolon, so that spreadsheets splitting on ; keep one cell', () => {
    expect(csvField('a;=1+1')).toBe('"a;=1+1"');
    expect(csvField('x@example.org; y@example.org')).toBe('"x@example.org; y@example.org"');
  });
});

describe('peerEntryProblem', () => {
  const entry = {
    node_id: 'uz-node',
    country: 'UZ',
    version: 1,
    authority_names: { en: 'Authority' },
    authority_kinds: ['cert'],
    time_zone: 'Asia/Tashkent',
    languages: ['en'],
    contacts: [],
    published_at: '2026-01-01T00:00:00.000Z',
    valid_until: '2026-06-01T00:00:00.000Z',
  };
  it('accepts an entry with an IANA time zone', () => {
    expect(peerEntryProblem(entry, { country: 'UZ' }, '2026-01-01T00:00:01.000Z', 0)).toBeNull();
  });
  it('refuses an entry whose time zone is not an IANA name', () => {
    expect(peerEntryProblem({ ...entry, time_zone: 'Tashkent' }, { country: 'UZ' }, '2026-01-01T00:00:01.000Z', 0)).toMatch(/time_zone/);
  });
});
