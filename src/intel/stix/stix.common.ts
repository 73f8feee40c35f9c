import { any, bool, type Kind, hashes, int, list, object, ref, refs, type Shape, str, strings, tsMillis } from './stix.kinds.js';

/**
 * What every STIX object of a category shares (STIX 2.1 §3.2 common properties), and the
 * common sub-objects: external references (§2.5), kill-chain phases (§2.8) and granular
 * markings (§7.2.3). The rules of each type add their own properties to these.
 */

/** The categories of §2: domain, relationship and cyber-observable objects, and the meta objects. */
export type Category = 'sdo' | 'sro' | 'sco' | 'meta';

/** One STIX type: its category, shape, predefined extensions and checks the data cannot say. */
export interface TypeRule {
  category: Category;
  shape: Shape;
  /** Predefined extensions of this type (§6: file, network-traffic, process, user-account). */
  extensions?: Readonly<Record<string, Shape>>;
  /** Rules between values that the shape cannot say; `report` records one problem. */
  check?: (obj: Readonly<Record<string, unknown>>, report: Report) => void;
}

/** Records a problem at a JSON Pointer path (RFC 6901) below the object. */
export type Report = (path: string, code: string, message: string) => void;

/** §2.5: references to CVE and CAPEC carry their identifiers. */
const CVE = /^CVE-\d{4}-(?:0\d{3}|[1-9]\d{3,})$/;
const CAPEC = /^CAPEC-\d+$/;

export const externalReference: Shape = {
  props: { source_name: str, description: str, url: str, hashes, external_id: str },
  required: ['source_name'],
  anyOf: [['description', 'url', 'external_id']],
  closed: true,
  check: (ref, report) => {
    const format = ref.source_name === 'cve' ? CVE : ref.source_name === 'capec' ? CAPEC : null;
    if (format && !(typeof ref.external_id === 'string' && format.test(ref.external_id))) {
      report('/external_id', 'format', `a ${ref.source_name as string} reference has its id in external_id (${ref.source_name === 'cve' ? 'CVE-YYYY-NNNN' : 'CAPEC-N'})`);
    }
  },
};

export const killChainPhase: Shape = {
  props: { kill_chain_name: str, phase_name: str },
  required: ['kill_chain_name', 'phase_name'],
  closed: true,
};

/** §7.2.3: a granular marking names exactly one of a marking definition or a language. */
export const granularMarking: Shape = {
  props: { lang: str, marking_ref: ref('marking-definition'), selectors: strings },
  required: ['selectors'],
  anyOf: [['lang', 'marking_ref']],
  oneOf: [['lang', 'marking_ref']],
  closed: true,
};

export const killChainPhases: Kind = list(object(killChainPhase));

/** Properties every object of a category may carry; type, id and extensions are checked by the validator itself. */
const IDENTITY_PROPS: Record<string, Kind> = { type: any, id: any, spec_version: any, extensions: any };

const MARKING_PROPS: Record<string, Kind> = {
  object_marking_refs: refs('marking-definition'),
  granular_markings: list(object(granularMarking)),
};

export const SDO_COMMON: Record<string, Kind> = {
  ...IDENTITY_PROPS,
  ...MARKING_PROPS,
  created: tsMillis,
  modified: tsMillis,
  created_by_ref: ref('identity'),
  revoked: bool,
  labels: strings,
  confidence: int(0, 100),
  lang: str,
  external_references: list(object(externalReference)),
};
export const SDO_REQUIRED = ['type', 'spec_version', 'id', 'created', 'modified'] as const;

export const SCO_COMMON: Record<string, Kind> = { ...IDENTITY_PROPS, ...MARKING_PROPS, defanged: bool };
export const SCO_REQUIRED = ['type', 'id'] as const;

/** A domain or relationship object: the common properties plus the type's own. */
export function sdo(props: Record<string, Kind>, extra: Omit<Shape, 'props' | 'closed'> = {}): TypeRule {
  return { category: 'sdo', shape: { ...extra, props: { ...SDO_COMMON, ...props }, required: [...SDO_REQUIRED, ...(extra.required ?? [])], closed: true } };
}

export function sro(props: Record<string, Kind>, extra: Omit<Shape, 'props' | 'closed'> = {}): TypeRule {
  return { ...sdo(props, extra), category: 'sro' };
}

export function sco(
  props: Record<string, Kind>,
  extra: Omit<Shape, 'props' | 'closed'> = {},
  extensions?: Record<string, Shape>,
  check?: TypeRule['check'],
): TypeRule {
  return {
    category: 'sco',
    check,
    shape: { ...extra, props: { ...SCO_COMMON, ...props }, required: [...SCO_REQUIRED, ...(extra.required ?? [])], closed: true },
    extensions,
  };
}

/** An extension's own shape: its properties, closed (custom ones still need the x_ prefix). */
export function ext(props: Record<string, Kind>, extra: Omit<Shape, 'props' | 'closed'> = {}): Shape {
  return { ...extra, props, closed: true };
}
