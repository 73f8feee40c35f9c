import instrumentsJson from './plans.instruments.json' with { type: 'json' };

export interface InstrumentFact {
  fact: string;
  status: 'CONFIRMED' | 'SECONDARY' | 'UNCONFIRMED';
  source: string;
}

export interface Instrument {
  id: string;
  title: { en: string; ru: string; uz: string };
  signed: string;
  place: string;
  facts: InstrumentFact[];
}

/** The agreements a plan may name (plans.instruments.json: each fact with its source and status). */
export const INSTRUMENTS: readonly Instrument[] = instrumentsJson.instruments as Instrument[];

export function findInstrument(id: string): Instrument | undefined {
  return INSTRUMENTS.find((i) => i.id === id);
}

/** Whether any fact about the instrument is flagged UNCONFIRMED (shown so in the API, the web app and the report). */
export function hasUnconfirmed(i: Instrument): boolean {
  return i.facts.some((f) => f.status === 'UNCONFIRMED');
}
