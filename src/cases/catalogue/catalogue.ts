import { Value } from 'typebox/value';
import instrumentsJson from './instruments.json' with { type: 'json' };
import offencesJson from './offences.json' with { type: 'json' };
import requestTypesJson from './request-types.json' with { type: 'json' };
import {
  CatalogueDataSchema,
  type CatalogueData,
  type Instrument,
  type LegalBasis,
  type Offence,
  type RequestType,
  type Source,
} from './catalogue.schema.js';

export type { CatalogueData, Instrument, LegalBasis, Offence, RefusalGround, RequestType, Source } from './catalogue.schema.js';

export class CatalogueError extends Error {
  constructor(readonly problems: string[]) {
    super(`legal catalogue refused:\n- ${problems.join('\n- ')}`);
    this.name = 'CatalogueError';
  }
}

export interface Catalogue {
  readonly instruments: readonly Instrument[];
  readonly offences: readonly Offence[];
  readonly requestTypes: readonly RequestType[];
  requestType(id: string): RequestType;
  offencesOf(instrument: string): Offence[];
  /** The legal bases of a request type among the instruments a peer's agreement allows. */
  legalBasesFor(type: string, instruments: readonly string[]): LegalBasis[];
  /** Offences of other instruments that an offence corresponds to, in either direction. */
  correspondingOffences(id: string): Offence[];
}

function duplicates(ids: string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

/** Cross-references the schema cannot express: ids exist, articles fall inside their instrument. */
function crossReferenceProblems(data: CatalogueData): string[] {
  const problems: string[] = [];
  const instruments = new Map(data.instruments.map((i) => [i.id, i]));
  const offenceIds = new Set(data.offences.map((o) => o.id));
  const checkInstrument = (where: string, id: string, article?: number) => {
    const instrument = instruments.get(id);
    if (!instrument) problems.push(`${where}: unknown instrument "${id}"`);
    else if (article !== undefined && instrument.article_count !== undefined && article > instrument.article_count)
      problems.push(`${where}: article ${article} is beyond the ${instrument.article_count} articles of "${id}"`);
  };
  const checkSource = (where: string, source: Source) => {
    if ('instrument' in source) checkInstrument(`${where} source`, source.instrument);
  };

  for (const [what, ids] of [
    ['instrument', data.instruments.map((i) => i.id)],
    ['offence', data.offences.map((o) => o.id)],
    ['request type', data.requestTypes.map((t) => t.id)],
  ] as const)
    for (const id of duplicates([...ids])) problems.push(`duplicate ${what} id "${id}"`);

  for (const o of data.offences) {
    checkInstrument(`offence ${o.id}`, o.instrument, o.article);
    checkSource(`offence ${o.id}`, o.source);
    for (const m of o.maps_to) {
      if (!offenceIds.has(m.id)) problems.push(`offence ${o.id}: maps_to names unknown offence "${m.id}"`);
      else if (data.offences.find((x) => x.id === m.id)?.instrument === o.instrument)
        problems.push(`offence ${o.id}: maps_to "${m.id}" is in the same instrument`);
    }
  }
  for (const t of data.requestTypes) {
    const where = `request type ${t.id}`;
    t.legal_bases.forEach((b, i) => {
      checkInstrument(`${where} legal basis ${i + 1}`, b.instrument, b.article);
      checkSource(`${where} legal basis ${i + 1}`, b.source);
    });
    for (const id of duplicates(t.fields.map((f) => f.id))) problems.push(`${where}: duplicate field "${id}"`);
    for (const id of duplicates(t.deadlines.map((d) => d.id))) problems.push(`${where}: duplicate deadline "${id}"`);
    for (const f of t.fields) checkSource(`${where} field ${f.id}`, f.source);
    for (const d of t.deadlines) {
      checkSource(`${where} deadline ${d.id}`, d.source);
      if (d.kind === 'minimum_days' && d.days === undefined) problems.push(`${where} deadline ${d.id}: minimum_days needs days`);
    }
    for (const s of t.steps) checkSource(`${where} step ${s.id}`, s.source);
    const bases = new Set(t.legal_bases.map((b) => b.instrument));
    for (const g of t.refusal_grounds ?? []) {
      checkInstrument(`${where} refusal ground ${g.ref}`, g.instrument);
      checkSource(`${where} refusal ground ${g.ref}`, g.source);
      if (!bases.has(g.instrument)) problems.push(`${where} refusal ground ${g.instrument} ${g.ref}: ${g.instrument} is not a legal basis of the type`);
    }
    for (const id of duplicates((t.refusal_grounds ?? []).map((g) => `${g.instrument} ${g.ref}`))) problems.push(`${where}: duplicate refusal ground "${id}"`);
  }
  return problems;
}

/** Validates catalogue data (schema, then cross-references) and gives typed accessors; throws CatalogueError. */
export function loadCatalogue(data: unknown): Catalogue {
  if (!Value.Check(CatalogueDataSchema, data))
    throw new CatalogueError(
      Value.Errors(CatalogueDataSchema, data).map((e) => `${e.instancePath || '/'}: ${e.message}`),
    );
  const problems = crossReferenceProblems(data);
  if (problems.length > 0) throw new CatalogueError(problems);

  const byId = new Map(data.requestTypes.map((t) => [t.id, t]));
  return {
    instruments: data.instruments,
    offences: data.offences,
    requestTypes: data.requestTypes,
    requestType(id) {
      const type = byId.get(id);
      if (!type) throw new Error(`unknown request type "${id}"`);
      return type;
    },
    offencesOf: (instrument) => data.offences.filter((o) => o.instrument === instrument),
    legalBasesFor(type, instruments) {
      return this.requestType(type).legal_bases.filter((b) => instruments.includes(b.instrument));
    },
    correspondingOffences(id) {
      const own = data.offences.find((o) => o.id === id);
      const to = new Set(own?.maps_to.map((m) => m.id) ?? []);
      return data.offences.filter((o) => to.has(o.id) || o.maps_to.some((m) => m.id === id));
    },
  };
}

export const CATALOGUE_DATA = {
  instruments: instrumentsJson,
  offences: offencesJson,
  requestTypes: requestTypesJson,
} as const;

/** The catalogue shipped with Accord. */
export const catalogue: Catalogue = loadCatalogue(CATALOGUE_DATA);
