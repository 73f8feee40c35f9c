import { describe, expect, it } from 'vitest';
import { CATALOGUE_DATA, CatalogueError, catalogue, loadCatalogue, type Source } from './catalogue.js';

const copy = () => structuredClone(CATALOGUE_DATA) as unknown as {
  instruments: Record<string, unknown>[];
  offences: { id: string; maps_to: { id: string }[] }[];
  requestTypes: { id: string; fields: { id: string }[]; legal_bases: { instrument: string; article?: number }[] }[];
};
const refused = (data: unknown) => {
  try {
    loadCatalogue(data);
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogueError);
    return (e as Error).message;
  }
  throw new Error('the broken catalogue was accepted');
};
const ref = (s: Source) => ('instrument' in s ? `${s.instrument} ${s.ref}` : 'derived');

describe('legal catalogue', () => {
  it('loads the shipped data with UN arts 7-17 and Budapest arts 2-11', () => {
    expect(catalogue.offencesOf('un-cybercrime').map((o) => o.article)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(catalogue.offencesOf('budapest').map((o) => o.article)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(catalogue.correspondingOffences('budapest-2').map((o) => o.id)).toEqual(['un-cybercrime-7']);
  });

  it('refuses a copy whose offence mapping names an unknown offence', () => {
    const data = copy();
    data.offences[0]!.maps_to = [{ id: 'budapest-99' }];
    expect(refused(data)).toMatch(/\/offences\/0\/maps_to\/0.*confirmed|must have required properties? confirmed/);
    (data.offences[0]!.maps_to[0] as { confirmed?: boolean }).confirmed = false;
    expect(refused(data)).toContain('offence un-cybercrime-7: maps_to names unknown offence "budapest-99"');
  });

  it('refuses duplicate fields, unknown instruments and articles beyond the instrument', () => {
    const data = copy();
    const preservation = data.requestTypes[0]!;
    preservation.fields.push({ ...preservation.fields[0]! });
    preservation.legal_bases.push({ ...preservation.legal_bases[0]!, instrument: 'nowhere' });
    preservation.legal_bases[0]!.article = 99;
    const message = refused(data);
    expect(message).toContain('request type preservation-stored-data: duplicate field "requesting_authority"');
    expect(message).toContain('unknown instrument "nowhere"');
    expect(message).toContain('article 99 is beyond the 68 articles of "un-cybercrime"');
  });

  it('preservation: the seven items of UN art 42(3), at least 60 days (42(8)), extension (42(9))', () => {
    const t = catalogue.requestType('preservation-stored-data');
    expect(t.fields.map((f) => ref(f.source))).toEqual(
      ['a', 'b', 'b', 'c', 'd', 'e', 'f', 'g'].map((item) => `un-cybercrime 42(3)(${item})`),
    );
    expect(t.fields.find((f) => f.id === 'confidential_do_not_notify_user')).toMatchObject({ type: 'boolean', required: false });
    expect(t.deadlines).toContainEqual(expect.objectContaining({ kind: 'minimum_days', days: 60, source: { instrument: 'un-cybercrime', ref: '42(8)' } }));
    expect(t.deadlines).toContainEqual(expect.objectContaining({ kind: 'extension_on_request', source: { instrument: 'un-cybercrime', ref: '42(9)' } }));
    expect(t.steps.find((s) => s.id === 'extend')?.by).toBe('requesting');
    expect(t.refusal_grounds?.filter((g) => g.instrument === 'un-cybercrime').map(ref)).toEqual(['un-cybercrime 40(21)(b)', 'un-cybercrime 40(21)(c)', 'un-cybercrime 40(22)']);
    expect(t.refusal_grounds?.filter((g) => g.instrument === 'un-cybercrime').map((g) => ref(g.source))).toEqual(['un-cybercrime 42(6)', 'un-cybercrime 42(6)', 'un-cybercrime 42(6)']);
  });

  it('Budapest grounds for each type with a Budapest basis (arts 29(5), 30(2), 25(4) and 27(4)), unconfirmed where the reference gives no paragraph or item', () => {
    const grounds = (type: string) => (catalogue.requestType(type).refusal_grounds ?? []).filter((g) => g.instrument === 'budapest');
    expect(grounds('preservation-stored-data').map((g) => [g.ref, ref(g.source)])).toEqual([['29(5)(a)', 'budapest 29(5)'], ['29(5)(b)', 'budapest 29(5)']]);
    expect(grounds('preservation-traffic-data').map((g) => g.ref)).toEqual(['30(2)(a)', '30(2)(b)']);
    for (const type of ['mla-production', 'mla-search-seizure', 'mla-realtime-traffic', 'mla-interception']) expect(grounds(type).map((g) => g.ref)).toEqual(['25(4)', '27(4)(a)', '27(4)(b)']);
    // legal-reference.md numbers none of these items: every Budapest ground stays unconfirmed, with the reason.
    for (const t of catalogue.requestTypes)
      for (const g of t.refusal_grounds ?? []) {
        if (g.instrument !== 'budapest') continue;
        expect(g.confirmed, `${t.id} ${g.ref}`).toBe(false);
        expect(g.note, `${t.id} ${g.ref}`).toMatch(/not in the reference|without the paragraph number/);
      }
    // A type without a Budapest basis has no Budapest grounds.
    expect(grounds('emergency-disclosure')).toEqual([]);
  });

  it('refuses a refusal ground under an instrument the type does not rest on, and a ground listed twice', () => {
    const data = copy() as unknown as { requestTypes: { id: string; refusal_grounds?: { instrument: string; ref: string }[] }[] };
    const mla = data.requestTypes.find((t) => t.id === 'mla-production')!;
    mla.refusal_grounds!.push({ ...mla.refusal_grounds![0]! }, { ...mla.refusal_grounds![0]!, instrument: 'gge-2015' });
    const message = refused(data);
    expect(message).toContain('request type mla-production: duplicate refusal ground "un-cybercrime 40(21)(a)"');
    expect(message).toContain('request type mla-production refusal ground gge-2015 40(21)(a): gge-2015 is not a legal basis of the type');
  });

  it('MLA: the items (a)-(g) of art 40(15) and "as soon as possible" of 40(26)', () => {
    const t = catalogue.requestType('mla-production');
    const items = new Set(t.fields.map((f) => ref(f.source)).filter((r) => r.startsWith('un-cybercrime 40(15)')));
    expect([...items]).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((i) => `un-cybercrime 40(15)(${i})`));
    expect(t.deadlines[0]).toMatchObject({ kind: 'as_soon_as_possible', source: { instrument: 'un-cybercrime', ref: '40(26)' } });
    expect(t.steps.find((s) => s.id === 'postpone')).toMatchObject({ by: 'requested', source: { ref: '40(27)' } });
    expect(catalogue.requestType('mla-realtime-traffic').fields.filter((f) => ref(f.source).startsWith('un-cybercrime 45(3)'))).toHaveLength(7);
  });

  it('gives the legal bases a peer agreement allows', () => {
    expect(catalogue.legalBasesFor('preservation-stored-data', ['budapest']).map((b) => b.article)).toEqual([29]);
    expect(catalogue.legalBasesFor('preservation-stored-data', ['un-cybercrime', 'budapest']).map((b) => b.article)).toEqual([42, 29]);
    expect(catalogue.legalBasesFor('emergency-disclosure', ['budapest-sap']).map((b) => b.article)).toEqual([9, 10]);
    expect(() => catalogue.requestType('nope')).toThrow('unknown request type "nope"');
  });

  it('keeps unconfirmed what the reference does not state', () => {
    // The reference does not state the offence correspondence between the two conventions.
    for (const o of catalogue.offences) for (const m of o.maps_to) expect(m.confirmed).toBe(false);
    // Fields Accord derives where the instrument lists no contents are never confirmed.
    for (const t of catalogue.requestTypes)
      for (const f of [...t.fields, ...t.steps]) if ('derived' in f.source) expect(f.confirmed, `${t.id} ${f.id}`).toBe(false);
    // legal-reference.md marks the titles of Budapest arts 16, 17, 20 and 21 UNCONFIRMED: none is relied on.
    const cited = catalogue.requestTypes.flatMap((t) => t.legal_bases).filter((b) => b.instrument === 'budapest');
    expect(cited.filter((b) => [16, 17, 20, 21].includes(b.article ?? 0))).toEqual([]);
    // Its UNCONFIRMED guess of a political-offence ground for UN art 43 is corrected by the official text (43(2)).
    expect(catalogue.requestType('preservation-traffic-data').refusal_grounds?.filter((g) => g.instrument === 'un-cybercrime').map(ref)).toEqual([
      'un-cybercrime 40(21)(b)',
      'un-cybercrime 40(21)(c)',
      'un-cybercrime 40(22)',
    ]);
  });
});
