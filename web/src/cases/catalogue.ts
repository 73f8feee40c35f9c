import type { TFunction } from 'i18next';

/**
 * The legal catalogue as GET /api/v1/cases/catalogue returns it (src/cases/catalogue/, the
 * OpenAPI document gives it no schema): instruments, offences and request types, each fact
 * with its source and whether the project's reference confirmed it.
 */
export type Source = { instrument: string; ref: string } | { derived: string };
export interface Instrument {
  id: string;
  names: { en: string; ru?: string; uz?: string };
  binding: boolean;
  confirmed: boolean;
}
export interface Offence {
  id: string;
  instrument: string;
  article: number;
  title: string;
  confirmed: boolean;
  maps_to: { id: string; confirmed: boolean; note?: string }[];
}
export interface LegalBasis {
  instrument: string;
  article?: number;
  source: Source;
  confirmed: boolean;
  note?: string;
}
export type FieldType = 'authority' | 'text' | 'offence_refs' | 'boolean' | 'date' | 'date_range';
export interface CatalogueField {
  id: string;
  type: FieldType;
  required: boolean;
  source: Source;
  confirmed: boolean;
  note?: string;
}
export interface Deadline {
  id: string;
  kind: string;
  days?: number;
  source: Source;
  confirmed: boolean;
}
/** A ground on which a type may be refused: the ground (`instrument`, `ref`), where the type's list of grounds comes from, and whether the reference confirms it. */
export interface RefusalGround {
  instrument: string;
  ref: string;
  source: Source;
  confirmed: boolean;
  note?: string;
}
export interface RequestType {
  id: string;
  title: string;
  legal_bases: LegalBasis[];
  fields: CatalogueField[];
  deadlines: Deadline[];
  refusal_grounds?: RefusalGround[];
  steps: { id: string; by: 'requesting' | 'requested'; source: Source; confirmed: boolean }[];
}
export interface CaseCatalogue {
  instruments: Instrument[];
  offences: Offence[];
  request_types: RequestType[];
}

/** Text fields are translated; yes/no, dates and offences are not. */
export const TEXT_FIELD_TYPES: readonly FieldType[] = ['authority', 'text'];

/** A catalogue id as an i18n key segment: `40(21)(b)` → `40_21_b`. */
export function keyOf(id: string): string {
  return id.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** "UN Convention" · "Конвенция ООН" · "BMT konvensiyasi". */
export function instrumentShort(t: TFunction, instrument: string): string {
  return t(`cases.instrumentShort.${keyOf(instrument)}`, { defaultValue: instrument });
}

/** Where a fact comes from, for people: "UN Convention art. 42(3)(b)", "GGE report 2015, norm (h)", or that Accord proposes it. */
export function sourceText(t: TFunction, source: Source): string {
  if ('derived' in source) return t('cases.source.derived');
  const ref = source.ref.replace(/^Art\.?\s+/i, '');
  const instrument = instrumentShort(t, source.instrument);
  return /^\d/.test(ref) ? t('cases.source.article', { instrument, ref }) : t('cases.source.other', { instrument, ref });
}

/** A legal basis: "UN Convention art. 42". */
export function basisText(t: TFunction, basis: { instrument: string; article?: number }): string {
  const instrument = instrumentShort(t, basis.instrument);
  return basis.article === undefined ? instrument : t('cases.source.article', { instrument, ref: String(basis.article) });
}

/** A request type's title in the UI language (the catalogue's English title where none is translated). */
export function typeTitle(t: TFunction, type: string, catalogue?: CaseCatalogue): string {
  const fallback = catalogue?.request_types.find((r) => r.id === type)?.title ?? type;
  return t(`cases.types.${keyOf(type)}`, { defaultValue: fallback });
}

/** A field's label in the UI language. */
export function fieldLabel(t: TFunction, id: string): string {
  return t(`cases.fields.${keyOf(id)}`, { defaultValue: id.replace(/_/g, ' ') });
}

/** An offence: "UN Convention art. 7: Illegal access". */
export function offenceText(t: TFunction, offence: Offence): string {
  return t('cases.offenceLabel', { basis: basisText(t, offence), title: t(`cases.offences.${keyOf(offence.id)}`, { defaultValue: offence.title }) });
}

/** A refusal ground: "UN Convention art. 40(21)(b): prejudice to sovereignty, security…". */
export function groundText(t: TFunction, ref: string, instrument = 'un-cybercrime'): string {
  // Paraphrases of the UN Convention's art. 40(21)–(22) are keyed by the ref alone, those of other instruments by instrument and ref.
  const key = instrument === 'un-cybercrime' ? keyOf(ref) : `${keyOf(instrument)}_${keyOf(ref)}`;
  const text = t(`cases.grounds.${key}`, { defaultValue: '' });
  const where = sourceText(t, { instrument, ref });
  return text ? `${where}: ${text}` : where;
}

/** The instrument whose ground `ref` is (grounds are told apart by their refs across the catalogue); the UN Convention when none lists it. */
export function groundInstrument(ref: string, catalogue?: CaseCatalogue): string {
  for (const type of catalogue?.request_types ?? []) for (const g of type.refusal_grounds ?? []) if (g.ref === ref) return g.instrument;
  return 'un-cybercrime';
}
