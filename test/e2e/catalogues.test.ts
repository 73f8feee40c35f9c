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

/**
 * i18next plural forms: `key_one`, `key_ordinal_few`… Languages have different plural
 * categories (Russian and Uzbek ordinals have only `other`), so keys are compared by their base.
 */
const PLURAL = /_(ordinal_)?(zero|one|two|few|many|other)$/;
function baseKeys(m: Map<string, unknown>): Set<string> {
  return new Set([...m.keys()].map((k) => k.replace(PLURAL, '$1')));
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
    const en = baseKeys(flat.en);
    const other = baseKeys(flat[lang]);
    expect([...en].filter((k) => !other.has(k)).sort(), `missing in ${lang}`).toEqual([]);
    expect([...other].filter((k) => !en.has(k)).sort(), `extra in ${lang}`).toEqual([]);
  });

  it.each(['ru', 'uz'] as const)('%s keeps the interpolation placeholders of en', (lang) => {
    for (const [key, value] of flat.en) {
      const translated = flat[lang].get(key) ?? flat[lang].get(key.replace(PLURAL, '$1other'));
      if (typeof value === 'string' && typeof translated === 'string') expect(placeholders(translated), `${lang}:${key}`).toEqual(placeholders(value));
    }
  });

  it('Uzbek is in Latin script', () => {
    for (const [key, value] of flat.uz) expect(/[\u0400-\u04FF]/.test(String(value)), `uz:${key}`).toBe(false);
  });
});
