import { ext, sco, type TypeRule } from './stix.common.js';
import { binary, bool, dict, dictOf, float, hashes, hex, int, list, object, oneOfValues, ov, ref, refs, str, strings, ts, uint } from './stix.kinds.js';
import { isIpValue, isMacAddress } from './stix.values.js';

/**
 * The 18 STIX Cyber-observable Objects (STIX 2.1 §6) and their predefined extensions, as data.
 * The enumerations here are the closed vocabularies of §10 (encryption algorithms, Windows
 * registry data types, integrity levels, service states, socket families and types).
 */

const port = int(0, 65535);
const timestamps = { ctime: ts, mtime: ts, atime: ts };

const mimePart = object({ props: { body: str, body_raw_ref: ref('artifact', 'file'), content_type: str, content_disposition: str }, closed: true });

const peOptionalHeader = object({
  props: {
    magic_hex: hex,
    major_linker_version: int(),
    minor_linker_version: int(),
    size_of_code: uint,
    size_of_initialized_data: uint,
    size_of_uninitialized_data: uint,
    address_of_entry_point: int(),
    base_of_code: int(),
    base_of_data: int(),
    image_base: int(),
    section_alignment: int(),
    file_alignment: int(),
    major_os_version: int(),
    minor_os_version: int(),
    major_image_version: int(),
    minor_image_version: int(),
    major_subsystem_version: int(),
    minor_subsystem_version: int(),
    win32_version_value_hex: hex,
    size_of_image: uint,
    size_of_headers: uint,
    checksum_hex: hex,
    subsystem_hex: hex,
    dll_characteristics_hex: hex,
    size_of_stack_reserve: uint,
    size_of_stack_commit: uint,
    size_of_heap_reserve: uint,
    size_of_heap_commit: uint,
    loader_flags_hex: hex,
    number_of_rva_and_sizes: int(),
    hashes,
  },
  closed: true,
});

const peSection = object({ props: { name: str, size: uint, entropy: float(), hashes }, required: ['name'], closed: true });

const x509Extensions = object({
  props: Object.fromEntries(
    [
      'basic_constraints',
      'name_constraints',
      'policy_constraints',
      'key_usage',
      'extended_key_usage',
      'subject_key_identifier',
      'authority_key_identifier',
      'subject_alternative_name',
      'issuer_alternative_name',
      'subject_directory_attributes',
      'crl_distribution_points',
      'inhibit_any_policy',
      'certificate_policies',
      'policy_mappings',
    ]
      .map((p) => [p, str])
      .concat([
        ['private_key_usage_period_not_before', ts],
        ['private_key_usage_period_not_after', ts],
      ]),
  ),
  closed: true,
});

const registryValue = object({
  props: {
    name: str,
    data: str,
    data_type: oneOfValues(
      'REG_NONE',
      'REG_SZ',
      'REG_EXPAND_SZ',
      'REG_BINARY',
      'REG_DWORD',
      'REG_DWORD_BIG_ENDIAN',
      'REG_DWORD_LITTLE_ENDIAN',
      'REG_LINK',
      'REG_MULTI_SZ',
      'REG_RESOURCE_LIST',
      'REG_FULL_RESOURCE_DESCRIPTION',
      'REG_RESOURCE_REQUIREMENTS_LIST',
      'REG_QWORD',
      'REG_INVALID_TYPE',
    ),
  },
  closed: true,
});

function ipValue(family: 4 | 6): TypeRule['check'] {
  return (obj, report) => {
    if (typeof obj.value === 'string' && !isIpValue(obj.value, family)) report('/value', 'format', `not an IPv${family} address or CIDR block`);
  };
}

export const SCO_RULES: Readonly<Record<string, TypeRule>> = {
  artifact: sco(
    {
      mime_type: str,
      payload_bin: binary,
      url: str,
      hashes,
      encryption_algorithm: oneOfValues('AES-256-GCM', 'ChaCha20-Poly1305', 'mime-type-indicated'),
      decryption_key: str,
    },
    { anyOf: [['payload_bin', 'url']], oneOf: [['payload_bin', 'url']], needs: [['url', 'hashes']] },
  ),

  'autonomous-system': sco({ number: int(0), name: str, rir: str }, { required: ['number'] }),

  directory: sco({ path: str, path_enc: str, ...timestamps, contains_refs: refs('file', 'directory') }, { required: ['path'] }),

  'domain-name': sco({ value: str, resolves_to_refs: refs('ipv4-addr', 'ipv6-addr', 'domain-name') }, { required: ['value'] }),

  'email-addr': sco({ value: str, display_name: str, belongs_to_ref: ref('user-account') }, { required: ['value'] }),

  'email-message': sco(
    {
      is_multipart: bool,
      date: ts,
      content_type: str,
      from_ref: ref('email-addr'),
      sender_ref: ref('email-addr'),
      to_refs: refs('email-addr'),
      cc_refs: refs('email-addr'),
      bcc_refs: refs('email-addr'),
      message_id: str,
      subject: str,
      received_lines: strings,
      additional_header_fields: dict,
      body: str,
      body_multipart: list(mimePart),
      raw_email_ref: ref('artifact'),
    },
    { required: ['is_multipart'] },
    undefined,
    (obj, report) => {
      if (obj.is_multipart === true && obj.body !== undefined) report('/body', 'conflict', 'a multipart message carries its body in body_multipart');
      if (obj.is_multipart === false && obj.body_multipart !== undefined) report('/body_multipart', 'conflict', 'body_multipart needs is_multipart true');
    },
  ),

  file: sco(
    {
      hashes,
      size: uint,
      name: str,
      name_enc: str,
      magic_number_hex: hex,
      mime_type: str,
      ...timestamps,
      parent_directory_ref: ref('directory'),
      contains_refs: refs('@sco'),
      content_ref: ref('artifact'),
    },
    { anyOf: [['hashes', 'name']] },
    {
      'ntfs-ext': ext(
        { sid: str, alternate_data_streams: list(object({ props: { name: str, hashes, size: uint }, required: ['name'], closed: true })) },
        { anyOf: [['sid', 'alternate_data_streams']] },
      ),
      'raster-image-ext': ext(
        { image_height: int(), image_width: int(), bits_per_pixel: int(), exif_tags: dict },
        { anyOf: [['image_height', 'image_width', 'bits_per_pixel', 'exif_tags']] },
      ),
      'pdf-ext': ext({ version: str, is_optimized: bool, document_info_dict: dict, pdfid0: str, pdfid1: str }),
      'archive-ext': ext({ contains_refs: refs('file', 'directory'), comment: str }, { required: ['contains_refs'] }),
      'windows-pebinary-ext': ext(
        {
          pe_type: ov,
          imphash: str,
          machine_hex: hex,
          number_of_sections: uint,
          time_date_stamp: ts,
          pointer_to_symbol_table_hex: hex,
          number_of_symbols: uint,
          size_of_optional_header: uint,
          characteristics_hex: hex,
          file_header_hashes: hashes,
          optional_header: peOptionalHeader,
          sections: list(peSection),
        },
        { required: ['pe_type'] },
      ),
    },
  ),

  'ipv4-addr': sco({ value: str, resolves_to_refs: refs('mac-addr'), belongs_to_refs: refs('autonomous-system') }, { required: ['value'] }, undefined, ipValue(4)),

  'ipv6-addr': sco({ value: str, resolves_to_refs: refs('mac-addr'), belongs_to_refs: refs('autonomous-system') }, { required: ['value'] }, undefined, ipValue(6)),

  'mac-addr': sco({ value: str }, { required: ['value'] }, undefined, (obj, report) => {
    if (typeof obj.value === 'string' && !isMacAddress(obj.value)) report('/value', 'format', 'a MAC-48 address in lowercase, colon-delimited, with leading zeros');
  }),

  mutex: sco({ name: str }, { required: ['name'] }),

  'network-traffic': sco(
    {
      start: ts,
      end: ts,
      is_active: bool,
      src_ref: ref('ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'),
      dst_ref: ref('ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'),
      src_port: port,
      dst_port: port,
      protocols: strings,
      src_byte_count: uint,
      dst_byte_count: uint,
      src_packets: uint,
      dst_packets: uint,
      ipfix: dict,
      src_payload_ref: ref('artifact'),
      dst_payload_ref: ref('artifact'),
      encapsulates_refs: refs('network-traffic'),
      encapsulated_by_ref: ref('network-traffic'),
    },
    { required: ['protocols'], anyOf: [['src_ref', 'dst_ref']], order: [['start', 'end', false]] },
    {
      'http-request-ext': ext(
        { request_method: str, request_value: str, request_version: str, request_header: dictOf(strings), message_body_length: uint, message_body_data_ref: ref('artifact') },
        { required: ['request_method', 'request_value'] },
      ),
      'icmp-ext': ext({ icmp_type_hex: hex, icmp_code_hex: hex }, { required: ['icmp_type_hex', 'icmp_code_hex'] }),
      'socket-ext': ext(
        {
          address_family: oneOfValues('AF_UNSPEC', 'AF_INET', 'AF_IPX', 'AF_APPLETALK', 'AF_NETBIOS', 'AF_INET6', 'AF_IRDA', 'AF_BTH'),
          is_blocking: bool,
          is_listening: bool,
          options: dict,
          socket_type: oneOfValues('SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET'),
          socket_descriptor: uint,
          socket_handle: int(),
        },
        { required: ['address_family'] },
      ),
      'tcp-ext': ext({ src_flags_hex: hex, dst_flags_hex: hex }),
    },
    (obj, report) => {
      if (obj.is_active === true && obj.end !== undefined) report('/end', 'conflict', 'an active flow has no end');
    },
  ),

  process: sco(
    {
      is_hidden: bool,
      pid: int(),
      created_time: ts,
      cwd: str,
      command_line: str,
      environment_variables: dict,
      opened_connection_refs: refs('network-traffic'),
      creator_user_ref: ref('user-account'),
      image_ref: ref('file'),
      parent_ref: ref('process'),
      child_refs: refs('process'),
    },
    {},
    {
      'windows-process-ext': ext({
        aslr_enabled: bool,
        dep_enabled: bool,
        priority: str,
        owner_sid: str,
        window_title: str,
        startup_info: dict,
        integrity_level: oneOfValues('low', 'medium', 'high', 'system'),
      }),
      'windows-service-ext': ext({
        service_name: str,
        descriptions: strings,
        display_name: str,
        group_name: str,
        start_type: oneOfValues('SERVICE_AUTO_START', 'SERVICE_BOOT_START', 'SERVICE_DEMAND_START', 'SERVICE_DISABLED', 'SERVICE_SYSTEM_ALERT'),
        service_dll_refs: refs('file'),
        service_type: oneOfValues('SERVICE_KERNEL_DRIVER', 'SERVICE_FILE_SYSTEM_DRIVER', 'SERVICE_WIN32_OWN_PROCESS', 'SERVICE_WIN32_SHARE_PROCESS'),
        service_status: oneOfValues(
          'SERVICE_CONTINUE_PENDING',
          'SERVICE_PAUSE_PENDING',
          'SERVICE_PAUSED',
          'SERVICE_RUNNING',
          'SERVICE_START_PENDING',
          'SERVICE_STOP_PENDING',
          'SERVICE_STOPPED',
        ),
      }),
    },
  ),

  software: sco({ name: str, cpe: str, swid: str, languages: strings, vendor: str, version: str }, { required: ['name'] }),

  url: sco({ value: str }, { required: ['value'] }),

  'user-account': sco(
    {
      user_id: str,
      credential: str,
      account_login: str,
      account_type: ov,
      display_name: str,
      is_service_account: bool,
      is_privileged: bool,
      can_escalate_privs: bool,
      is_disabled: bool,
      account_created: ts,
      account_expires: ts,
      credential_last_changed: ts,
      account_first_login: ts,
      account_last_login: ts,
    },
    {},
    { 'unix-account-ext': ext({ gid: int(), groups: strings, home_dir: str, shell: str }) },
  ),

  'windows-registry-key': sco({ key: str, values: list(registryValue), modified_time: ts, creator_user_ref: ref('user-account'), number_of_subkeys: uint }),

  'x509-certificate': sco(
    {
      is_self_signed: bool,
      hashes,
      version: str,
      serial_number: str,
      signature_algorithm: str,
      issuer: str,
      validity_not_before: ts,
      validity_not_after: ts,
      subject: str,
      subject_public_key_algorithm: str,
      subject_public_key_modulus: str,
      subject_public_key_exponent: int(),
      x509_v3_extensions: x509Extensions,
    },
    { order: [['validity_not_before', 'validity_not_after', false]] },
  ),
};

/** The predefined extension names of every SCO type, to refuse one used on the wrong type. */
export const PREDEFINED_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(SCO_RULES).flatMap((r) => Object.keys(r.extensions ?? {})));
