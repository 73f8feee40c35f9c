/**
 * The vocabulary the per-type rules are written in (stix.sdo.ts, stix.sco.ts, stix.meta.ts):
 * what kind of value a property holds, and the shape of an object or sub-object. Rules are plain
 * data; stix.validate.ts interprets them.
 */

/** Where a reference may point: type names, or a whole category ('@sdo', '@sco', '@sro', '@any'). */
export type RefTarget = string;

export type Kind =
  | { k: 'string'; pattern?: RegExp; what?: string }
  | { k: 'bool' }
  | { k: 'int'; min?: number; max?: number }
  | { k: 'float'; min?: number; max?: number }
  | { k: 'timestamp'; millis?: boolean }
  | { k: 'ref'; to: readonly RefTarget[] }
  | { k: 'list'; of: Kind }
  /** A closed vocabulary (an enumeration in the specification). */
  | { k: 'enum'; values: ReadonlySet<string> }
  | { k: 'hashes' }
  /** A dictionary (§2.4); `values` when the specification fixes its values' kind. */
  | { k: 'dict'; values?: Kind }
  | { k: 'hex' }
  | { k: 'binary' }
  | { k: 'object'; shape: Shape }
  /** A value the validator takes as it is (a JSON value; e.g. an extension definition's schema). */
  | { k: 'any' };

/** A sub-object or a whole object: its properties, which are required, and cross-property rules. */
export interface Shape {
  props: Readonly<Record<string, Kind>>;
  required?: readonly string[];
  /** At least one of these properties must be present. */
  anyOf?: readonly (readonly string[])[];
  /** At most one of these properties may be present. */
  oneOf?: readonly (readonly string[])[];
  /** [a, b]: when a is present, b must be too. */
  needs?: readonly (readonly [string, string])[];
  /** [earlier, later, strict]: timestamps that must be in this order when both are present. */
  order?: readonly (readonly [string, string, boolean])[];
  /** Properties not listed are refused, unless custom (x_ prefix, or a top-level property extension). */
  closed?: boolean;
  /** A rule the fields above cannot say; paths it reports are relative to the object. */
  check?: (obj: Readonly<Record<string, unknown>>, report: (path: string, code: string, message: string) => void) => void;
}

export const str: Kind = { k: 'string' };
export const bool: Kind = { k: 'bool' };
export const ts: Kind = { k: 'timestamp' };
export const tsMillis: Kind = { k: 'timestamp', millis: true };
export const hashes: Kind = { k: 'hashes' };
export const dict: Kind = { k: 'dict' };
export const hex: Kind = { k: 'hex' };
export const binary: Kind = { k: 'binary' };
export const any: Kind = { k: 'any' };
/** An open vocabulary (§10): any string, the listed terms being suggestions only. */
export const ov: Kind = str;
export const strings: Kind = { k: 'list', of: str };
export const ovList: Kind = strings;

/** A string in a given format (an anchored regex without nested quantifiers). */
export const matching = (pattern: RegExp, what: string): Kind => ({ k: 'string', pattern, what });
export const dictOf = (values: Kind): Kind => ({ k: 'dict', values });
export const int = (min?: number, max?: number): Kind => ({ k: 'int', min, max });
export const uint: Kind = int(0);
export const float = (min?: number, max?: number): Kind => ({ k: 'float', min, max });
export const ref = (...to: RefTarget[]): Kind => ({ k: 'ref', to });
export const refs = (...to: RefTarget[]): Kind => ({ k: 'list', of: ref(...to) });
export const list = (of: Kind): Kind => ({ k: 'list', of });
export const oneOfValues = (...values: string[]): Kind => ({ k: 'enum', values: new Set(values) });
export const object = (shape: Shape): Kind => ({ k: 'object', shape });
