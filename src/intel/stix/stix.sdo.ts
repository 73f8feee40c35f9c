import { killChainPhases, sdo, sro, type TypeRule } from './stix.common.js';
import { bool, dict, float, int, matching, oneOfValues, ov, ovList, ref, refs, str, strings, ts } from './stix.kinds.js';

/**
 * The 19 STIX Domain Objects (STIX 2.1 §4) and the two relationship objects (§5), as data:
 * each type's own properties with their kinds, which are required, and the rules between them
 * (order of timestamps, properties that need or exclude each other). Open vocabularies (§10)
 * are plain strings; the one closed enumeration among them is the opinion value (§4.13).
 */

const seen = { first_seen: ts, last_seen: ts };
const seenOrder = [['first_seen', 'last_seen', false]] as const;
const motivations = { resource_level: ov, primary_motivation: ov, secondary_motivations: ovList };

export const SDO_RULES: Readonly<Record<string, TypeRule>> = {
  'attack-pattern': sdo({ name: str, description: str, aliases: strings, kill_chain_phases: killChainPhases }, { required: ['name'] }),

  campaign: sdo({ name: str, description: str, aliases: strings, ...seen, objective: str }, { required: ['name'], order: seenOrder }),

  'course-of-action': sdo({ name: str, description: str }, { required: ['name'] }),

  grouping: sdo({ name: str, description: str, context: ov, object_refs: refs('@any') }, { required: ['context', 'object_refs'] }),

  identity: sdo({ name: str, description: str, roles: strings, identity_class: ov, sectors: ovList, contact_information: str }, { required: ['name'] }),

  incident: sdo({ name: str, description: str, kill_chain_phases: killChainPhases }, { required: ['name'] }),

  indicator: sdo(
    {
      name: str,
      description: str,
      indicator_types: ovList,
      pattern: str,
      pattern_type: ov,
      pattern_version: str,
      valid_from: ts,
      valid_until: ts,
      kill_chain_phases: killChainPhases,
    },
    { required: ['pattern', 'pattern_type', 'valid_from'], order: [['valid_from', 'valid_until', true]] },
  ),

  infrastructure: sdo(
    { name: str, description: str, infrastructure_types: ovList, aliases: strings, kill_chain_phases: killChainPhases, ...seen },
    { required: ['name'], order: seenOrder },
  ),

  'intrusion-set': sdo({ name: str, description: str, aliases: strings, ...seen, goals: strings, ...motivations }, { required: ['name'], order: seenOrder }),

  location: sdo(
    {
      name: str,
      description: str,
      latitude: float(-90, 90),
      longitude: float(-180, 180),
      precision: float(0),
      region: ov,
      country: str,
      administrative_area: str,
      city: str,
      street_address: str,
      postal_code: str,
    },
    {
      anyOf: [['region', 'country', 'latitude']],
      needs: [
        ['latitude', 'longitude'],
        ['longitude', 'latitude'],
        ['precision', 'latitude'],
      ],
    },
  ),

  malware: sdo(
    {
      name: str,
      description: str,
      malware_types: ovList,
      is_family: bool,
      aliases: strings,
      kill_chain_phases: killChainPhases,
      ...seen,
      operating_system_refs: refs('software'),
      architecture_execution_envs: ovList,
      implementation_languages: ovList,
      capabilities: ovList,
      sample_refs: refs('file', 'artifact'),
    },
    { required: ['is_family'], order: seenOrder },
  ),

  'malware-analysis': sdo(
    {
      product: str,
      version: str,
      host_vm_ref: ref('software'),
      operating_system_ref: ref('software'),
      installed_software_refs: refs('software'),
      configuration_version: str,
      modules: strings,
      analysis_engine_version: str,
      analysis_definition_version: str,
      submitted: ts,
      analysis_started: ts,
      analysis_ended: ts,
      result_name: str,
      result: ov,
      analysis_sco_refs: refs('@sco'),
      sample_ref: ref('file', 'artifact', 'network-traffic'),
    },
    { required: ['product'], anyOf: [['result', 'analysis_sco_refs']], order: [['analysis_started', 'analysis_ended', false]] },
  ),

  note: sdo({ abstract: str, content: str, authors: strings, object_refs: refs('@any') }, { required: ['content', 'object_refs'] }),

  'observed-data': sdo(
    { first_observed: ts, last_observed: ts, number_observed: int(1, 999_999_999), objects: dict, object_refs: refs('@sco', '@sro') },
    {
      required: ['first_observed', 'last_observed', 'number_observed'],
      anyOf: [['objects', 'object_refs']],
      oneOf: [['objects', 'object_refs']],
      order: [['first_observed', 'last_observed', false]],
    },
  ),

  opinion: sdo(
    { explanation: str, authors: strings, opinion: oneOfValues('strongly-disagree', 'disagree', 'neutral', 'agree', 'strongly-agree'), object_refs: refs('@any') },
    { required: ['opinion', 'object_refs'] },
  ),

  report: sdo({ name: str, description: str, report_types: ovList, published: ts, object_refs: refs('@any') }, { required: ['name', 'published', 'object_refs'] }),

  'threat-actor': sdo(
    {
      name: str,
      description: str,
      threat_actor_types: ovList,
      aliases: strings,
      ...seen,
      roles: ovList,
      goals: strings,
      sophistication: ov,
      ...motivations,
      personal_motivations: ovList,
    },
    { required: ['name'], order: seenOrder },
  ),

  tool: sdo({ name: str, description: str, tool_types: ovList, aliases: strings, kill_chain_phases: killChainPhases, tool_version: str }, { required: ['name'] }),

  vulnerability: sdo({ name: str, description: str }, { required: ['name'] }),
};

export const SRO_RULES: Readonly<Record<string, TypeRule>> = {
  relationship: sro(
    { relationship_type: matching(/^[a-z0-9-]{1,250}$/, 'lowercase letters, digits and hyphens'), description: str, source_ref: ref('@sdo', '@sco'), target_ref: ref('@sdo', '@sco'), start_time: ts, stop_time: ts },
    { required: ['relationship_type', 'source_ref', 'target_ref'], order: [['start_time', 'stop_time', true]] },
  ),

  sighting: sro(
    {
      description: str,
      ...seen,
      count: int(0, 999_999_999),
      sighting_of_ref: ref('@sdo'),
      observed_data_refs: refs('observed-data'),
      where_sighted_refs: refs('identity', 'location'),
      summary: bool,
    },
    { required: ['sighting_of_ref'], order: seenOrder },
  ),
};
