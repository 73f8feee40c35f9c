import { describe, expect, it } from 'vitest';
import data from './norms-catalogue.json' with { type: 'json' };
import { loadNormsCatalogue, normsCatalogue, NormsCatalogueError } from './norms-catalogue.js';

const copy = () => structuredClone(data) as unknown as { norms: Record<string, unknown>[]; cbms: Record<string, unknown>[] };

describe('norms catalogue', () => {
  it('holds the eleven GGE norms (a)–(k) with their A/RES/73/27 items, (i) as two', () => {
    expect(normsCatalogue.norms.map((n) => n.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']);
    expect(normsCatalogue.norms.find((n) => n.id === 'i')!.res_73_27).toEqual(['1.9', '1.10']);
    expect(normsCatalogue.norms.find((n) => n.id === 'k')!.res_73_27).toEqual(['1.12']);
    // The letters come from a secondary source; the content was read in 73/27.
    expect(normsCatalogue.norms.every((n) => n.content_confirmed && !n.letter_confirmed)).toBe(true);
  });

  it('keeps the unconfirmed list of global CBMs flagged and gives no list for it', () => {
    const m = normsCatalogue.cbms.find((c) => c.id === 'global-cbm-list')!;
    expect(m.confirmed).toBe(false);
    expect(m.unconfirmed_note).toMatch(/not|unknown/);
    expect(normsCatalogue.cbms.find((c) => c.id === 'poc-directory')!.confirmed).toBe(true);
  });

  it('refuses a copy with a norm missing, an unknown source, or an unconfirmed measure without a note', () => {
    const missing = copy();
    missing.norms.splice(3, 1);
    expect(() => loadNormsCatalogue(missing)).toThrow(NormsCatalogueError);
    const unknown = copy();
    unknown.norms[0]!.source = 'X9';
    expect(() => loadNormsCatalogue(unknown)).toThrow(/unknown source X9/);
    const silent = copy();
    delete silent.cbms[2]!.unconfirmed_note;
    expect(() => loadNormsCatalogue(silent)).toThrow(/says not why/);
  });

  it('has a paraphrase in English, Russian and Uzbek for every entry, none a copy of the English', () => {
    for (const e of [...normsCatalogue.norms, ...normsCatalogue.cbms]) {
      expect(e.paraphrase.ru).not.toEqual(e.paraphrase.en);
      expect(e.paraphrase.uz).not.toEqual(e.paraphrase.en);
      expect(e.paraphrase.en.length).toBeLessThan(400);
    }
  });
});
