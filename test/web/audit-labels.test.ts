import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../web/src/i18n/locales/en.json' with { type: 'json' };
import ru from '../../web/src/i18n/locales/ru.json' with { type: 'json' };
import uz from '../../web/src/i18n/locales/uz.json' with { type: 'json' };

const SRC = join(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

/**
 * Every audit action the server can write, read from its source: the literals of each
 * `action:` expression (also `cond ? 'a.b' : 'a.c'` and `` `peer.${… 'x' …}` ``) and of the
 * failed-attempt actions passed to `attempt(…)`.
 */
export function auditActionsInSource(): Set<string> {
  const actions = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/action:\s*([^\n]*)/g)) {
      const expr = m[1]!;
      for (const lit of expr.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) actions.add(lit[1]!);
      const template = /^`([a-z_]+)\.\$\{(.*?)\}`/.exec(expr);
      if (template) for (const lit of template[2]!.matchAll(/'([a-z_]+)'/g)) if (lit[1] !== 'active' && lit[1] !== 'suspended') actions.add(`${template[1]}.${lit[1]}`);
    }
    for (const m of text.matchAll(/\battempt\([^)]*?'([a-z_]+\.[a-z_]+)'/g)) actions.add(m[1]!);
  }
  return actions;
}

function lookup(catalogue: unknown, path: string[]): unknown {
  return path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), catalogue);
}

describe('the audit page\'s labels', () => {
  const actions = auditActionsInSource();

  it('finds the actions the server writes', () => {
    for (const a of ['auth.sign_in', 'auth.totp_failed', 'group.consent', 'group.refuse', 'peer.suspend', 'peer.remove', 'federation.release', 'ping_test.start']) expect(actions).toContain(a);
  });

  for (const [lang, catalogue] of Object.entries({ en, ru, uz })) {
    it(`names every audit action in ${lang}`, () => {
      const missing = [...actions].filter((a) => typeof lookup(catalogue, ['audit', 'actions', ...a.split('.')]) !== 'string');
      expect(missing, `add audit.actions labels to web/src/i18n/locales/${lang}.json`).toEqual([]);
    });

    it(`has a sentence of details only for known actions in ${lang}, each with the same parameters as English`, () => {
      const sentences = lookup(catalogue, ['audit', 'detailText']) as Record<string, Record<string, string>>;
      const enSentences = lookup(en, ['audit', 'detailText']) as Record<string, Record<string, string>>;
      for (const [group, byName] of Object.entries(enSentences)) {
        for (const [name, text] of Object.entries(byName)) {
          expect(actions, `detailText for an unknown action ${group}.${name}`).toContain(`${group}.${name}`);
          const params = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
          expect(params(sentences[group]?.[name] ?? ''), `${lang} audit.detailText.${group}.${name}`).toEqual(params(text));
        }
      }
    });
  }
});
