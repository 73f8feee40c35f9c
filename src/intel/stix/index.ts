/**
 * STIX 2.1 validation, pure (no database): what the intel store calls before it keeps an object.
 *
 * - `validateStixObject(obj)` checks one object of any type STIX 2.1 defines (19 domain objects,
 *   relationship and sighting, 18 cyber observables, marking definition, language content,
 *   extension definition) or a custom one, and answers `{ ok: true, object }` or
 *   `{ ok: false, id?, errors: [{ path, code, message }] }` with every problem found (`path` is a
 *   JSON Pointer, `code` one of `StixProblemCode`). Indicators with `pattern_type` "stix" have
 *   their pattern parsed.
 * - `parsePattern(text)` parses a STIX pattern into its tree (`ObservationExpression`) or says
 *   what is wrong at which character; `printPattern(tree)` writes a tree back in canonical form.
 * - `TLP1`, `TLP2`, `tlpOfMarkingId` name the fixed TLP 1.0 and 2.0 marking definitions.
 */
export type { ComparisonExpression, ComparisonOperator, Literal, ObjectPath, ObservationExpression, PathStep, PatternResult, Qualifier } from './pattern.ast.js';
export { parsePattern, SCO_TYPES, type PatternOptions } from './pattern.parser.js';
export { printPattern } from './pattern.print.js';
export { TLP1, TLP1_CREATED, TLP2, TLP2_EXTENSION, tlpOfMarkingId, type Tlp1, type Tlp2 } from './stix.markings.js';
export { STIX_RULES, StixProblemCode, validateStixObject, type StixObject, type StixProblem, type ValidateOptions, type ValidationResult } from './stix.validate.js';
