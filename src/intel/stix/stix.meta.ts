import { externalReference, granularMarking, SDO_COMMON, SDO_REQUIRED, type TypeRule } from './stix.common.js';
import { any, dict, list, object, oneOfValues, ref, refs, str, strings, tsMillis } from './stix.kinds.js';
import { checkMarkingDefinition } from './stix.markings.js';
import { isDictionaryKey } from './stix.values.js';

/**
 * The meta objects (STIX 2.1 §7): marking definitions (§7.2), language content (§7.1) and
 * extension definitions (§7.3). A marking definition is not versioned: it has `created` but no
 * `modified`, `revoked` or `labels`.
 */

const { lang: _lang, ...WITHOUT_LANG } = SDO_COMMON;

export const META_RULES: Readonly<Record<string, TypeRule>> = {
  'marking-definition': {
    category: 'meta',
    shape: {
      props: {
        type: any,
        id: any,
        spec_version: any,
        extensions: any,
        created: tsMillis,
        created_by_ref: ref('identity'),
        external_references: list(object(externalReference)),
        object_marking_refs: refs('marking-definition'),
        granular_markings: list(object(granularMarking)),
        name: str,
        definition_type: str,
        definition: dict,
      },
      required: ['type', 'spec_version', 'id', 'created'],
      closed: true,
    },
    check: checkMarkingDefinition,
  },

  'language-content': {
    category: 'meta',
    shape: { props: { ...WITHOUT_LANG, object_ref: ref('@any'), object_modified: tsMillis, contents: dict }, required: [...SDO_REQUIRED, 'object_ref', 'contents'], closed: true },
    check: (obj, report) => {
      const contents = obj.contents;
      if (typeof contents !== 'object' || contents === null || Array.isArray(contents)) return;
      for (const [tag, translations] of Object.entries(contents)) {
        const path = `/contents/${tag.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        if (!isDictionaryKey(tag)) report(path, 'key', 'a contents key is a language tag (RFC 5646)');
        if (typeof translations !== 'object' || translations === null || Array.isArray(translations) || Object.keys(translations).length === 0) {
          report(path, 'kind', 'the translations of a language are a non-empty dictionary keyed by property name');
        }
      }
    },
  },

  'extension-definition': {
    category: 'meta',
    shape: {
      props: {
        ...WITHOUT_LANG,
        name: str,
        description: str,
        schema: str,
        version: str,
        extension_types: list(oneOfValues('new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension')),
        extension_properties: strings,
      },
      required: [...SDO_REQUIRED, 'created_by_ref', 'name', 'schema', 'version', 'extension_types'],
      closed: true,
    },
    check: (obj, report) => {
      const types = obj.extension_types;
      if (obj.extension_properties !== undefined && !(Array.isArray(types) && types.includes('toplevel-property-extension'))) {
        report('/extension_properties', 'conflict', 'extension_properties belong to a toplevel-property-extension');
      }
    },
  },
};
