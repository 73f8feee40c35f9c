import markingsJson from './markings.json' with { type: 'json' };

/** TLP 2.0 levels, from the widest reach to the narrowest. TLP 1.0 WHITE reads as CLEAR. */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

export const PAP_LEVELS = ['red', 'amber', 'green', 'white'] as const;
export type Pap = (typeof PAP_LEVELS)[number];

export const SOURCE_RELIABILITY = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type SourceReliability = (typeof SOURCE_RELIABILITY)[number];
export const INFORMATION_CREDIBILITY = ['1', '2', '3', '4', '5', '6'] as const;
export type InformationCredibility = (typeof INFORMATION_CREDIBILITY)[number];

export type TlpVersion = '1.0' | '2.0';

/** The marking-definition ids of TLP 1.0 (STIX 2.1 §7.2.1.4) and TLP 2.0 (OASIS extension). */
const TLP_IDS = new Map<string, { level: Tlp; version: TlpVersion }>([
  ...Object.entries(markingsJson.tlp.stix_1_0.ids).map(([id, level]) => [id, { level: level as Tlp, version: '1.0' as const }] as const),
  ...Object.entries(markingsJson.tlp.stix_2_0.ids).map(([id, level]) => [id, { level: level as Tlp, version: '2.0' as const }] as const),
]);

/** The TLP level a marking-definition id stands for, or null when it is not a TLP marking. */
export function tlpOfMarkingId(id: string): { level: Tlp; version: TlpVersion } | null {
  return TLP_IDS.get(id) ?? null;
}

/** The marking-definition id of a TLP 2.0 level: what this node writes on what it marks. */
export function tlp2MarkingId(level: Tlp): string {
  for (const [id, v] of Object.entries(markingsJson.tlp.stix_2_0.ids)) if (v === level) return id;
  throw new Error(`no TLP 2.0 marking for ${level}`);
}

/** The narrower of two levels. */
export function narrowest(a: Tlp, b: Tlp): Tlp {
  return TLP_LEVELS.indexOf(a) >= TLP_LEVELS.indexOf(b) ? a : b;
}

interface MarkableObject {
  object_marking_refs?: unknown;
  granular_markings?: unknown;
}

/**
 * The TLP level of a STIX object: the narrowest of every TLP marking it carries, on the whole
 * object or on any part of it (a granular marking on one property binds the object as a
 * whole here: releasing the object releases that property). Null when it carries none.
 */
export function tlpOfObject(obj: MarkableObject): { level: Tlp; version: TlpVersion } | null {
  let found: { level: Tlp; version: TlpVersion } | null = null;
  const take = (ref: unknown) => {
    if (typeof ref !== 'string') return;
    const t = tlpOfMarkingId(ref);
    if (t && (!found || narrowest(found.level, t.level) !== found.level)) found = t;
  };
  if (Array.isArray(obj.object_marking_refs)) for (const ref of obj.object_marking_refs) take(ref);
  if (Array.isArray(obj.granular_markings)) for (const g of obj.granular_markings) take((g as { marking_ref?: unknown } | null)?.marking_ref);
  return found;
}

/** STIX `confidence` for an Admiralty information-credibility grade (6: cannot be judged, none). */
export function confidenceOfCredibility(grade: InformationCredibility): number | null {
  return (markingsJson.admiralty.information_credibility.to_confidence as Record<string, number | null>)[grade] ?? null;
}

/** The Admiralty information-credibility grade a STIX `confidence` (0–100) reads as. */
export function credibilityOfConfidence(confidence: number): InformationCredibility {
  const row = markingsJson.admiralty.information_credibility.from_confidence.find((r) => confidence >= r.min && confidence <= r.max);
  if (!row) throw new RangeError(`confidence ${confidence} is outside 0..100`);
  return row.grade as InformationCredibility;
}
