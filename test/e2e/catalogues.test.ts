import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LOCALES = ['en', 'ru', 'uz'] as const;
const dir = resolve(import.meta.dirname, '../../web/src/i18n/locales');

type Catalogue = { [key: string]: string | Catalogue };

function load(lang: string): Catalogue {
  return JSON.parse(readFileSync(resolve(dir, `${lang}.json`), 'utf8')) as Catalogue;
}

/** Every leaf as "a.b.c" → value. */
function flatten(c: Catalogue, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(c)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object') for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!).sort();
}

describe('web message catalogues', () => {
  const flat = Object.fromEntries(LOCALES.map((l) => [l, flatten(load(l))])) as Record<(typeof LOCALES)[number], Map<string, unknown>>;

  it.each(LOCALES)('%s has only non-empty string values', (lang) => {
    for (const [key, value] of flat[lang]) {
      expect(typeof value, `${lang}:${key}`).toBe('string');
      expect((value as string).trim(), `${lang}:${key}`).not.toBe('');
    }
  });

  it.each(['ru', 'uz'] as const)('%s has exactly the keys of en', (lang) => {
    const en = [...flat.en.keys()].sort();
    const other = [...flat[lang].keys()].sort();
    expect(en.filter((k) => !flat[lang].has(k)), `missing in ${lang}`).toEqual([]);
    expect(other.filter((k) => !flat.en.has(k)), `extra in ${lang}`).toEqual([]);
  });

  it.each(['ru', 'uz'] as const)('%s keeps the interpolation placeholders of en', (lang) => {
    for (const [key, value] of flat.en) {
      const translated = flat[lang].get(key);
      if (typeof value === 'string' && typeof translated === 'string') expect(placeholders(translated), `${lang}:${key}`).toEqual(placeholders(value));
    }
  });

  it('Uzbek is in Latin script', () => {
    for (const [key, value] of flat.uz) expect(/[\u0400-\u04FF]/.test(String(value)), `uz:${key}`).toBe(false);
  });
});
