import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import data from './norms-catalogue.json' with { type: 'json' };
import { NORM_IDS } from '../norms.schemas.js';

const Localised = Type.Object({ en: Type.String({ minLength: 1 }), ru: Type.String({ minLength: 1 }), uz: Type.String({ minLength: 1 }) }, { additionalProperties: false });

/**
 * The catalogue of norms and confidence-building measures (norms-catalogue.json). Every entry
 * names its source; `letter_confirmed: false` says the GGE letter comes from a secondary
 * source, `confirmed: false` that the reference could not check the measure (UNCONFIRMED).
 */
export const NormsCatalogueSchema = Type.Object(
  {
    source_note: Type.String(),
    sources: Type.Record(Type.String(), Type.Object({ title: Type.String(), status: Type.Union([Type.Literal('confirmed'), Type.Literal('secondary'), Type.Literal('unconfirmed')]) }, { additionalProperties: false })),
    norms: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[a-k]$' }),
          res_73_27: Type.Array(Type.String({ pattern: '^1\\.[0-9]{1,2}$' }), { minItems: 1 }),
          res_73_27_note: Type.Optional(Type.String()),
          source: Type.String(),
          letter_source: Type.String(),
          content_confirmed: Type.Boolean(),
          letter_confirmed: Type.Boolean(),
          title: Localised,
          paraphrase: Localised,
        },
        { additionalProperties: false },
      ),
    ),
    cbms: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[a-z0-9-]+$' }),
          source: Type.Union([Type.String(), Type.Null()]),
          reference: Type.String(),
          confirmed: Type.Boolean(),
          unconfirmed_note: Type.Optional(Type.String()),
          title: Localised,
          paraphrase: Localised,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type NormsCatalogue = Static<typeof NormsCatalogueSchema>;

export class NormsCatalogueError extends Error {
  override name = 'NormsCatalogueError';
}

/** Checks a catalogue: its shape, the eleven norms (a)–(k) in order, and that every source it names is listed. */
export function loadNormsCatalogue(raw: unknown): NormsCatalogue {
  if (!Value.Check(NormsCatalogueSchema, raw)) throw new NormsCatalogueError(`norms catalogue: ${Value.Errors(NormsCatalogueSchema, raw).map((e) => `${e.instancePath || '/'}: ${e.message}`).join('; ')}`);
  const c = raw;
  const ids = c.norms.map((n) => n.id).join('');
  if (ids !== NORM_IDS.join('')) throw new NormsCatalogueError(`norms catalogue: the norms must be (a)–(k) in order, found ${ids}`);
  for (const item of [...c.norms.flatMap((n) => [n.source, n.letter_source]), ...c.cbms.map((m) => m.source)]) {
    if (item !== null && !(item in c.sources)) throw new NormsCatalogueError(`norms catalogue: unknown source ${item}`);
  }
  for (const m of c.cbms) if (!m.confirmed && !m.unconfirmed_note) throw new NormsCatalogueError(`norms catalogue: ${m.id} is unconfirmed and says not why`);
  return c;
}

export const normsCatalogue: NormsCatalogue = loadNormsCatalogue(data);
