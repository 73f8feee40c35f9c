import { parsePattern, type PatternOptions } from './pattern.parser.js';
import { type Report, sco, sdo, type TypeRule } from './stix.common.js';
import type { Kind, Shape } from './stix.kinds.js';
import { checkSelectors } from './stix.markings.js';
import { META_RULES } from './stix.meta.js';
import { PREDEFINED_EXTENSIONS, SCO_RULES } from './stix.sco.js';
import { SDO_RULES, SRO_RULES } from './stix.sdo.js';
import { compareTimestamps, hashProblem, isBase64, isDictionaryKey, isHex, isPropertyName, isTimestamp, isTypeName, parseId } from './stix.values.js';

/**
 * Validation of one STIX 2.1 object: the rules of its type (stix.sdo.ts, stix.sco.ts,
 * stix.meta.ts) interpreted over the object, plus what JSON schemas cannot say — the id names
 * the object's own type with a UUIDv4 (v5 allowed for cyber observables, whose ids may be
 * deterministic), references point to the types allowed, `modified` ≥ `created`, timestamps in
 * order, TLP marking definitions are the published ones, granular-marking selectors select
 * something, and an indicator's STIX pattern parses. All problems are collected, not only the
 * first, each with a JSON Pointer path and a stable code.
 *
 * Custom content (§11): a type that is not defined by the specification is accepted when its
 * name is valid and it starts with `x-` or declares an extension definition of type new-sdo,
 * new-sco or new-sro; its common properties are checked as those of its category. A property
 * the type does not define is accepted when it starts with `x_` or the object has a
 * toplevel-property-extension; custom property names follow §11.2.
 */

export interface StixProblem {
  /** JSON Pointer (RFC 6901) to the offending value; '' for the object itself. */
  path: string;
  code: StixProblemCode;
  message: string;
}

/** Stable problem codes. */
export const StixProblemCode = {
  notObject: 'not-object',
  required: 'required',
  unknownType: 'unknown-type',
  unknownProperty: 'unknown-property',
  kind: 'kind',
  range: 'range',
  enum: 'enum',
  format: 'format',
  timestamp: 'timestamp',
  id: 'id',
  idType: 'id-type',
  idVersion: 'id-version',
  refType: 'ref-type',
  specVersion: 'spec-version',
  modifiedBeforeCreated: 'modified-before-created',
  order: 'order',
  anyOf: 'any-of',
  conflict: 'conflict',
  extension: 'extension',
  hash: 'hash',
  key: 'key',
  pattern: 'pattern',
  selector: 'selector',
  tlpId: 'tlp-id',
  tooDeep: 'too-deep',
} as const;
export type StixProblemCode = (typeof StixProblemCode)[keyof typeof StixProblemCode];

export type StixObject = Record<string, unknown> & { type: string; id: string };

export type ValidationResult = { ok: true; object: StixObject } | { ok: false; id?: string; errors: StixProblem[] };

export interface ValidateOptions {
  /** Options for indicator patterns (length and depth limits, extra object types). */
  pattern?: PatternOptions;
}

export const STIX_RULES: Readonly<Record<string, TypeRule>> = { ...SDO_RULES, ...SRO_RULES, ...SCO_RULES, ...META_RULES };
const SDO_TYPES = new Set(Object.keys(SDO_RULES));
const SCO_TYPES = new Set(Object.keys(SCO_RULES));
const SRO_TYPES = new Set(Object.keys(SRO_RULES));
const MAX_DEPTH = 32;
const EXTENSION_TYPES = new Set(['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension']);

const ANY_REF: Kind = { k: 'ref', to: ['@any'] };
const ANY_REFS: Kind = { k: 'list', of: ANY_REF };
const HEX: Kind = { k: 'hex' };
const BINARY: Kind = { k: 'binary' };
const NO_EXTENSIONS: ReadonlySet<string> = new Set();

/** The JSON Pointer of a key below base ('' for the base itself). */
const join = (base: string, key: string | number): string => (key === '' ? base : typeof key === 'number' ? `${base}/${key}` : `${base}/${pointer(key)}`);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const pointer = (s: string) => (s.includes('~') || s.includes('/') ? s.replaceAll('~', '~0').replaceAll('/', '~1') : s);

/** Validates one STIX 2.1 object (not a bundle). @example validateStixObject(JSON.parse(text)) */
export function validateStixObject(obj: unknown, options: ValidateOptions = {}): ValidationResult {
  if (!isRecord(obj)) return { ok: false, errors: [{ path: '', code: 'not-object', message: 'a STIX object is a JSON object' }] };
  const errors: StixProblem[] = [];
  const report: Report = (path, code, message) => {
    errors.push({ path, code: code as StixProblemCode, message });
  };
  const v = new Validator(obj, report, options);
  v.run();
  if (errors.length === 0) return { ok: true, object: obj as StixObject };
  return typeof obj.id === 'string' && obj.id.length <= 300 ? { ok: false, id: obj.id, errors } : { ok: false, errors };
}

class Validator {
  private toplevelExtension = false;

  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly report: Report,
    private readonly options: ValidateOptions,
  ) {}

  run(): void {
    const { obj, report } = this;
    const type = obj.type;
    if (typeof type !== 'string') return report('/type', type === undefined ? 'required' : 'kind', 'type is a string naming the STIX type');
    let rule = Object.hasOwn(STIX_RULES, type) ? STIX_RULES[type] : undefined;
    const declared = this.declaredExtensionTypes();
    if (!rule) {
      if (!isTypeName(type)) return report('/type', 'format', 'a type name has 3 to 250 lowercase letters, digits and hyphens');
      const custom = type.startsWith('x-') || declared.has('new-sdo') || declared.has('new-sco') || declared.has('new-sro');
      if (!custom) return report('/type', 'unknown-type', `${type} is not a STIX 2.1 type, nor a custom one (x- prefix or an extension definition of a new type)`);
      rule = customRule(declared.has('new-sco') || (!declared.has('new-sdo') && !declared.has('new-sro') && obj.created === undefined));
    }
    this.toplevelExtension = declared.has('toplevel-property-extension');
    this.checkId(type, rule);
    this.checkSpecVersion(rule);
    this.shape(obj, rule.shape, '', 0);
    this.checkExtensions(type, rule);
    if (rule.category !== 'sco' && typeof obj.created === 'string' && typeof obj.modified === 'string' && isTimestamp(obj.created) && isTimestamp(obj.modified)) {
      if (compareTimestamps(obj.modified, obj.created) < 0) report('/modified', 'modified-before-created', 'modified must not be earlier than created');
    }
    if (Array.isArray(obj.granular_markings)) {
      obj.granular_markings.forEach((m, i) => {
        if (isRecord(m) && Array.isArray(m.selectors)) checkSelectors(obj, m.selectors, `/granular_markings/${i}/selectors`, report);
      });
    }
    rule.check?.(obj, report);
    if (type === 'indicator' && obj.pattern_type === 'stix' && typeof obj.pattern === 'string') {
      const parsed = parsePattern(obj.pattern, this.options.pattern);
      if (!parsed.ok) report('/pattern', 'pattern', `${parsed.message} (at character ${parsed.position})`);
    }
  }

  /** The extension_type of each extension-definition extension the object declares. */
  private declaredExtensionTypes(): ReadonlySet<string> {
    const ext = this.obj.extensions;
    if (!isRecord(ext)) return NO_EXTENSIONS;
    const out = new Set<string>();
    for (const key in ext) {
      const e = ext[key];
      if (key.startsWith('extension-definition--') && isRecord(e) && typeof e.extension_type === 'string') out.add(e.extension_type);
    }
    return out;
  }

  private checkId(type: string, rule: TypeRule): void {
    const id = this.obj.id;
    if (id === undefined) return;
    if (typeof id !== 'string') return this.report('/id', 'kind', 'id is a string');
    const parsed = parseId(id);
    if (!parsed) return this.report('/id', 'id', 'an id is type--UUID (RFC 4122)');
    if (parsed.type !== type) this.report('/id', 'id-type', `the id names type ${parsed.type}, the object is ${type}`);
    if (rule.category === 'sco' ? parsed.version !== '4' && parsed.version !== '5' : parsed.version !== '4') {
      this.report('/id', 'id-version', rule.category === 'sco' ? 'a cyber observable id uses a UUIDv4 or a deterministic UUIDv5' : 'the id uses a UUIDv4');
    }
  }

  private checkSpecVersion(rule: TypeRule): void {
    const sv = this.obj.spec_version;
    if (sv === undefined) return;
    if (sv !== '2.1') this.report('/spec_version', 'spec-version', rule.category === 'sco' ? 'spec_version, when present, is "2.1"' : 'spec_version is "2.1"');
  }

  private checkExtensions(type: string, rule: TypeRule): void {
    const ext = this.obj.extensions;
    if (ext === undefined) return;
    if (!isRecord(ext) || Object.keys(ext).length === 0) return this.report('/extensions', 'kind', 'extensions is a non-empty dictionary');
    for (const key in ext) {
      const value = ext[key];
      const path = `/extensions/${pointer(key)}`;
      if (!isRecord(value) || Object.keys(value).length === 0) {
        this.report(path, 'kind', 'an extension is a non-empty object');
        continue;
      }
      if (key.startsWith('extension-definition--')) {
        const id = parseId(key);
        if (!id || id.type !== 'extension-definition') this.report(path, 'extension', 'an extension key is the id of an extension definition');
        if (value.extension_type === undefined) this.report(`${path}/extension_type`, 'required', 'an extension names its extension_type');
        else if (typeof value.extension_type !== 'string' || !EXTENSION_TYPES.has(value.extension_type)) this.report(`${path}/extension_type`, 'enum', 'not an extension type');
        this.customProperties(value, path);
        continue;
      }
      const predefined = rule.extensions && Object.hasOwn(rule.extensions, key) ? rule.extensions[key] : undefined;
      if (predefined) this.shape(value, predefined, path, 1);
      else if (PREDEFINED_EXTENSIONS.has(key)) this.report(path, 'extension', `${key} is not an extension of ${type}`);
      else if (key.endsWith('-ext') && isTypeName(key)) this.customProperties(value, path);
      else this.report(path, 'extension', `unknown extension ${key}`);
    }
  }

  /** The properties of a custom extension: valid names, and _ref(s), _hex, _bin values in their format. */
  private customProperties(value: Record<string, unknown>, path: string): void {
    for (const name in value) {
      if (name !== 'extension_type' && !isPropertyName(name) && name !== 'id') this.report(`${path}/${pointer(name)}`, 'format', 'a property name has 3 to 250 lowercase letters, digits or underscores');
      else this.customValue(name, value[name], `${path}/${pointer(name)}`);
    }
  }

  private customValue(name: string, value: unknown, path: string): void {
    if (name.endsWith('_ref')) this.value(value, ANY_REF, path, '', 1);
    else if (name.endsWith('_refs')) this.value(value, ANY_REFS, path, '', 1);
    else if (name.endsWith('_hex')) this.value(value, HEX, path, '', 1);
    else if (name.endsWith('_bin')) this.value(value, BINARY, path, '', 1);
    else if (Array.isArray(value) && value.length === 0) this.report(path, 'kind', 'a list is not empty');
  }

  private shape(obj: Record<string, unknown>, shape: Shape, path: string, depth: number): void {
    if (depth > MAX_DEPTH) return this.report(path, 'too-deep', `nested deeper than ${MAX_DEPTH}`);
    const { props } = shape;
    for (const name in obj) {
      if (obj[name] === undefined) continue;
      // Own properties only: a key such as `constructor` or `__proto__` is not a rule.
      const kind = Object.hasOwn(props, name) ? props[name] : undefined;
      if (kind) {
        if (kind.k !== 'any') this.value(obj[name], kind, path, name, depth + 1);
        continue;
      }
      const at = `${path}/${pointer(name)}`;
      if (!isPropertyName(name)) {
        this.report(at, 'format', 'a property name has 3 to 250 lowercase letters, digits or underscores');
      } else if (shape.closed && !name.startsWith('x_') && !(depth === 0 && this.toplevelExtension)) {
        this.report(at, 'unknown-property', `${name} is not a property of this object (custom properties begin with x_)`);
      } else this.customValue(name, obj[name], at);
    }
    for (const name of shape.required ?? []) {
      if (obj[name] === undefined) this.report(`${path}/${name}`, 'required', `${name} is required`);
    }
    for (const group of shape.anyOf ?? []) {
      if (!group.some((p) => obj[p] !== undefined)) this.report(path, 'any-of', `one of ${group.join(', ')} is required`);
    }
    for (const group of shape.oneOf ?? []) {
      if (group.filter((p) => obj[p] !== undefined).length > 1) this.report(path, 'conflict', `only one of ${group.join(', ')} may be present`);
    }
    for (const [a, b] of shape.needs ?? []) {
      if (obj[a] !== undefined && obj[b] === undefined) this.report(`${path}/${b}`, 'required', `${a} needs ${b}`);
    }
    shape.check?.(obj, (p, code, message) => this.report(path + p, code, message));
    for (const [a, b, strict] of shape.order ?? []) {
      const x = obj[a];
      const y = obj[b];
      if (typeof x !== 'string' || typeof y !== 'string' || !isTimestamp(x) || !isTimestamp(y)) continue;
      const c = compareTimestamps(x, y);
      if (c > 0 || (strict && c === 0)) this.report(`${path}/${b}`, 'order', `${b} must be ${strict ? 'later than' : 'no earlier than'} ${a}`);
    }
  }

  /** Checks the value at base/key; the path is only built when a problem is reported or the value is descended into. */
  private value(v: unknown, kind: Kind, base: string, key: string | number, depth: number): void {
    switch (kind.k) {
      case 'string':
        if (typeof v !== 'string') return this.reportAt(base, key, 'kind', 'a string');
        if (kind.pattern && !kind.pattern.test(v)) this.reportAt(base, key, 'format', kind.what ?? 'not in the expected format');
        return;
      case 'bool':
        if (typeof v !== 'boolean') this.reportAt(base, key, 'kind', 'a boolean');
        return;
      case 'int':
      case 'float':
        if (typeof v !== 'number' || !Number.isFinite(v) || (kind.k === 'int' && !Number.isInteger(v))) return this.reportAt(base, key, 'kind', kind.k === 'int' ? 'an integer' : 'a number');
        if ((kind.min !== undefined && v < kind.min) || (kind.max !== undefined && v > kind.max)) {
          this.reportAt(base, key, 'range', `between ${kind.min ?? '-∞'} and ${kind.max ?? '∞'}`);
        }
        return;
      case 'timestamp':
        if (typeof v !== 'string' || !isTimestamp(v, kind.millis)) {
          this.reportAt(base, key, 'timestamp', kind.millis ? 'a timestamp YYYY-MM-DDTHH:mm:ss.sssZ (UTC, at least milliseconds)' : 'a timestamp YYYY-MM-DDTHH:mm:ss[.s+]Z (UTC)');
        }
        return;
      case 'ref':
        return this.ref(v, kind.to, base, key);
      case 'list':
        if (!Array.isArray(v)) return this.reportAt(base, key, 'kind', 'a list');
        if (v.length === 0) return this.reportAt(base, key, 'kind', 'a list is not empty');
        for (let i = 0; i < v.length; i++) this.value(v[i], kind.of, join(base, key), i, depth + 1);
        return;
      case 'enum':
        if (typeof v !== 'string' || !kind.values.has(v)) this.reportAt(base, key, 'enum', `one of ${[...kind.values].join(', ')}`);
        return;
      case 'hashes':
        if (!isRecord(v) || Object.keys(v).length === 0) return this.reportAt(base, key, 'kind', 'a non-empty dictionary of hashes');
        for (const alg in v) {
          const problem = hashProblem(alg, v[alg]);
          if (problem) this.report(`${join(base, key)}/${pointer(alg)}`, 'hash', problem);
        }
        return;
      case 'dict':
        if (!isRecord(v) || Object.keys(v).length === 0) return this.reportAt(base, key, 'kind', 'a non-empty dictionary');
        for (const k in v) {
          if (!isDictionaryKey(k)) this.report(`${join(base, key)}/${pointer(k)}`, 'key', 'a dictionary key has at most 250 letters, digits, hyphens or underscores');
          else if (kind.values) this.value(v[k], kind.values, join(base, key), k, depth + 1);
        }
        return;
      case 'hex':
        if (typeof v !== 'string' || !isHex(v)) this.reportAt(base, key, 'format', 'hexadecimal digits in pairs');
        return;
      case 'binary':
        if (typeof v !== 'string' || !isBase64(v)) this.reportAt(base, key, 'format', 'base64');
        return;
      case 'object':
        if (!isRecord(v)) return this.reportAt(base, key, 'kind', 'an object');
        return this.shape(v, kind.shape, join(base, key), depth);
      case 'any':
        return;
    }
  }

  private reportAt(base: string, key: string | number, code: string, message: string): void {
    this.report(join(base, key), code, message);
  }

  private ref(v: unknown, to: readonly string[], base: string, key: string | number): void {
    if (typeof v !== 'string') return this.report(join(base, key), 'kind', 'an identifier');
    const id = parseId(v);
    if (!id) return this.report(join(base, key), 'id', 'an identifier type--UUID');
    if (!refAllowed(id.type, to)) this.report(join(base, key), 'ref-type', `may not point to a ${id.type}; allowed: ${to.map((t) => t.replace(/^@/, 'any ')).join(', ')}`);
  }
}

function refAllowed(type: string, to: readonly string[]): boolean {
  const defined = Object.hasOwn(STIX_RULES, type);
  for (const t of to) {
    if (t === type || t === '@any') return true;
    if (t === '@sdo' && (SDO_TYPES.has(type) || !defined)) return true;
    if (t === '@sco' && (SCO_TYPES.has(type) || !defined)) return true;
    if (t === '@sro' && (SRO_TYPES.has(type) || !defined)) return true;
  }
  return false;
}

const open = (rule: TypeRule): TypeRule => ({ ...rule, shape: { ...rule.shape, closed: false } });
const CUSTOM_SDO = open(sdo({}));
const CUSTOM_SCO = open(sco({}));

/** A custom type's rule: the common properties of its category, any other property allowed. */
function customRule(observable: boolean): TypeRule {
  return observable ? CUSTOM_SCO : CUSTOM_SDO;
}
