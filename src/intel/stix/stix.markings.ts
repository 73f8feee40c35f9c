import markingsJson from '../policy/markings.json' with { type: 'json' };
import type { Report } from './stix.common.js';

/**
 * Markings (STIX 2.1 §7.2): the fixed TLP marking definitions and the granular-marking
 * selectors. TLP 1.0 is defined in the specification itself (§7.2.1.4, created
 * 2017-01-20T00:00:00.000Z, definition_type `tlp`); TLP 2.0 by the OASIS property extension
 * below, whose marking definitions carry `tlp_2_0`. The identifiers are those of the OASIS
 * reference objects (recorded in ../shared/reference/legal-reference.md §5.2).
 */

export const TLP1_CREATED = '2017-01-20T00:00:00.000Z';

/** The marking ids are kept once, with their sources, in ../policy/markings.json. */
const idOf = (ids: Record<string, string>, level: string): string => Object.keys(ids).find((id) => ids[id] === level)!;
const V1 = markingsJson.tlp.stix_1_0.ids;
const V2 = markingsJson.tlp.stix_2_0.ids;

/** TLP 1.0 by its own names (WHITE is TLP 2.0's CLEAR). */
export const TLP1: Readonly<Record<'white' | 'green' | 'amber' | 'red', string>> = { white: idOf(V1, 'clear'), green: idOf(V1, 'green'), amber: idOf(V1, 'amber'), red: idOf(V1, 'red') };
export type Tlp1 = keyof typeof TLP1;

/** The extension definition of TLP 2.0 marking definitions. */
export const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

export const TLP2: Readonly<Record<'clear' | 'green' | 'amber' | 'amber+strict' | 'red', string>> = {
  clear: idOf(V2, 'clear'),
  green: idOf(V2, 'green'),
  amber: idOf(V2, 'amber'),
  'amber+strict': idOf(V2, 'amber+strict'),
  red: idOf(V2, 'red'),
};
export type Tlp2 = keyof typeof TLP2;

/** A TLP marking named by a marking definition id: its version and label, or null. */
export function tlpOfMarkingId(id: string): { version: 1; level: Tlp1 } | { version: 2; level: Tlp2 } | null {
  for (const level of Object.keys(TLP2) as Tlp2[]) if (TLP2[level] === id) return { version: 2, level };
  for (const level of Object.keys(TLP1) as Tlp1[]) if (TLP1[level] === id) return { version: 1, level };
  return null;
}

const TLP_NAMES: Record<string, string> = { 'amber+strict': 'TLP:AMBER+STRICT' };
const tlpName = (level: string) => (Object.hasOwn(TLP_NAMES, level) ? TLP_NAMES[level] : undefined) ?? `TLP:${level.toUpperCase()}`;

/**
 * The checks of a marking definition beyond its shape: a definition that claims to be TLP
 * (by its id, its `definition_type` or the TLP 2.0 extension) must be exactly the published one,
 * so that nobody can issue a look-alike "TLP:GREEN" with a green name and another id, or reuse a
 * TLP id for a different definition.
 */
export function checkMarkingDefinition(obj: Readonly<Record<string, unknown>>, report: Report): void {
  const id = typeof obj.id === 'string' ? obj.id : '';
  const known = tlpOfMarkingId(id);
  const type = obj.definition_type;
  const definition = obj.definition as Record<string, unknown> | undefined;
  const hasExtensions = obj.extensions !== undefined;
  if (!hasExtensions && (type === undefined || definition === undefined)) {
    report(type === undefined ? '/definition_type' : '/definition', 'required', 'a marking definition without extensions needs definition_type and definition');
  }
  if ((type === undefined) !== (definition === undefined)) {
    report(type === undefined ? '/definition_type' : '/definition', 'required', 'definition_type and definition go together');
  }
  if (typeof definition === 'object' && definition !== null && !Array.isArray(definition)) {
    if (type === 'statement' && typeof definition.statement !== 'string') report('/definition/statement', 'required', 'a statement marking has a statement string');
    if (type === 'tlp') {
      const level = definition.tlp;
      const expected = typeof level === 'string' && Object.hasOwn(TLP1, level) ? TLP1[level as Tlp1] : undefined;
      if (!expected) report('/definition/tlp', 'enum', 'a TLP 1.0 marking is white, green, amber or red');
      else {
        if (id !== expected) report('/id', 'tlp-id', `the ${tlpName(level as string)} (TLP 1.0) marking definition has the id ${expected}`);
        if (obj.created !== TLP1_CREATED) report('/created', 'tlp-id', `the TLP 1.0 marking definitions were created ${TLP1_CREATED}`);
        if (obj.name !== undefined && obj.name !== tlpName(level as string)) report('/name', 'tlp-id', `its name is ${tlpName(level as string)}`);
      }
    }
  }
  const extensions = obj.extensions as Record<string, unknown> | undefined;
  const tlp2 = extensions && typeof extensions === 'object' ? (extensions[TLP2_EXTENSION] as Record<string, unknown> | undefined) : undefined;
  if (tlp2 && typeof tlp2 === 'object') {
    const level = tlp2.tlp_2_0;
    const expected = typeof level === 'string' && Object.hasOwn(TLP2, level) ? TLP2[level as Tlp2] : undefined;
    const path = `/extensions/${TLP2_EXTENSION}/tlp_2_0`;
    if (!expected) report(path, 'enum', 'a TLP 2.0 marking is clear, green, amber, amber+strict or red');
    else {
      if (id !== expected) report('/id', 'tlp-id', `the ${tlpName(level as string)} (TLP 2.0) marking definition has the id ${expected}`);
      if (obj.name !== undefined && obj.name !== tlpName(level as string)) report('/name', 'tlp-id', `its name is ${tlpName(level as string)}`);
    }
  }
  if (known?.version === 1 && !(type === 'tlp' && definition?.tlp === known.level)) {
    report('/definition', 'tlp-id', `${id} is the TLP 1.0 ${tlpName(known.level)} marking definition`);
  }
  if (known?.version === 2 && tlp2?.tlp_2_0 !== known.level) {
    report(`/extensions`, 'tlp-id', `${id} is the TLP 2.0 ${tlpName(known.level)} marking definition`);
  }
}

const SELECTOR_SEGMENT = /^(?:[a-z0-9_-]{1,250}|\[\d{1,9}\])$/;

/**
 * Checks the selectors of a granular marking (§7.2.3.1): each is a path of property names and
 * `[index]` list positions joined by dots (`description`, `external_references.[0].url`), and
 * must select something present in the object.
 */
export function checkSelectors(obj: Readonly<Record<string, unknown>>, selectors: readonly unknown[], path: string, report: Report): void {
  for (let i = 0; i < selectors.length; i++) {
    const selector = selectors[i];
    if (typeof selector !== 'string') continue;
    const segments = selector.split('.');
    let at: unknown = obj;
    let ok = segments.length <= 64;
    for (const segment of segments) {
      if (!ok || !SELECTOR_SEGMENT.test(segment)) {
        ok = false;
        break;
      }
      if (segment.startsWith('[')) {
        const index = Number(segment.slice(1, -1));
        ok = Array.isArray(at) && index < at.length;
        if (ok) at = (at as unknown[])[index];
      } else {
        ok = typeof at === 'object' && at !== null && !Array.isArray(at) && Object.hasOwn(at, segment);
        if (ok) at = (at as Record<string, unknown>)[segment];
      }
    }
    if (!ok) report(`${path}/${i}`, 'selector', `the selector ${JSON.stringify(selector.slice(0, 100))} selects nothing in this object`);
  }
}
