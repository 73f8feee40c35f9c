import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePattern, printPattern, type ObservationExpression } from './index.js';

const VALID = [
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4']",
  "[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']",
  "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
  "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
  "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
  "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\CryptoLocker_0388']",
  "[(file:name = 'pdf.exe' OR file:size = 371712) AND file:created = t'2014-01-13T07:03:17Z']",
  "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
  "[x-usb-device:usbdrive.serial_number = '575833344E30314333304534']",
  "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
  "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
  "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
  "[domain-name:value = 'example.com'] REPEATS 5 TIMES WITHIN 180 SECONDS",
  "[file:name = 'foo.dll'] AND [win-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar'] OR [process:name = 'fooproc' OR process:name = 'procfoo']".replace('win-registry-key', 'windows-registry-key'),
  "([file:name = 'foo.dll'] AND [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) OR [process:name = 'fooproc']",
  "[file:size > 1024 AND file:size <= 4096.5 AND file:size != -3 AND file:size >= +7]",
  "[file:name NOT LIKE 'evil%' AND file:name NOT IN ('a', 'b', 'c')]",
  "[user-account:account_type IN ()]",
  "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=' OR artifact:payload_bin = h'dead00beef']",
  "[file:extensions.'windows-pebinary-ext'.sections[0].entropy > .5]",
  "[file:extensions.'ntfs-ext'.alternate_data_streams[-1].name = 'x']",
  "[process:is_hidden = true AND process:pid IN (1, 2, 3)]",
  "[EXISTS file:parent_directory_ref]",
  "[network-traffic:protocols[*] ISSUPERSET 'tcp']",
  "[file:name = 'it\\'s'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.250Z'",
  "[file:name = 'a'] /* a comment */ AND // another\n [file:name = 'b']",
  "(([file:name = 'a']))",
];

/** Invalid patterns and the offset at which each must be refused. */
const INVALID: [string, number][] = [
  ['', 0],
  ["file:name = 'a'", 0],
  ["[file:name = 'a'", 16],
  ["[file:name = 'a']]", 17],
  ["[file:name 'a']", 11],
  ["[file:name = ]", 13],
  ["[foo:name = 'a']", 1],
  ["[file:name = 'a] AND [file:name = 'b']", 35],
  ["[file:name = 'bad \\n escape']", 18],
  ["[file:name LIKE 5]", 16],
  ["[file:size > true]", 13],
  ["[file:name IN 'a']", 14],
  ["[file:name = 'a'] WITHIN 0 SECONDS", 25],
  ["[file:name = 'a'] WITHIN 5", 26],
  ["[file:name = 'a'] REPEATS 1.5 TIMES", 26],
  ["[file:name = 'a'] START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'", 53],
  ["[file:created = t'2016-02-30T00:00:00Z']", 16],
  ["[file:created = t'2016-01-01T00:00:00+01:00']", 16],
  ["[artifact:payload_bin = h'abc']", 24],
  ["[artifact:payload_bin = b'abc']", 24],
  ["[file:size = 007]", 13],
  ["[file:name = 'a'] AND", 21],
  ["[file:name = 'a'] [file:name = 'b']", 18],
  ["[file:name-x = 'a']", 6],
  ["[file:name = 'a' and file:size = 1]", 17],
  ["[file:hashes.SHA-256 = 'a']", 13],
  ["[file:name = 'a'] /* never closed", 18],
  ["[file:name ! 'a']", 11],
  ["[file:name = 'a' AND (file:size = 1]", 35],
];

describe('parsePattern', () => {
  it.each(VALID)('parses %s', (p) => {
    const r = parsePattern(p);
    expect(r).toMatchObject({ ok: true });
  });

  it.each(INVALID)('refuses %j at character %i', (p, position) => {
    const r = parsePattern(p);
    expect(r).toMatchObject({ ok: false, position });
    if (!r.ok) expect(r.message.length).toBeGreaterThan(5);
  });

  it('builds the tree with precedence FOLLOWEDBY < OR < AND and qualifiers on the observation they follow', () => {
    const r = parsePattern("[file:name = 'a'] FOLLOWEDBY [file:name = 'b'] OR [file:name = 'c'] AND [file:name = 'd'] WITHIN 5 SECONDS");
    if (!r.ok) throw new Error(r.message);
    expect(r.pattern.kind).toBe('followedby');
    const [, or] = (r.pattern as Extract<ObservationExpression, { operands: unknown }>).operands;
    expect(or).toMatchObject({ kind: 'obs-or', operands: [{ kind: 'observation' }, { kind: 'obs-and', operands: [{ kind: 'observation' }, { kind: 'qualified', qualifier: { kind: 'within' } }] }] });
  });

  it('decodes literals and object paths', () => {
    const r = parsePattern("[file:extensions.'ntfs-ext'.alternate_data_streams[*].name = 'it\\'s \\\\ here' AND file:size IN (1, -2.5, true, t'2020-01-01T00:00:00Z')]");
    if (!r.ok) throw new Error(r.message);
    expect(r.pattern).toMatchObject({
      kind: 'observation',
      comparison: {
        kind: 'and',
        operands: [
          {
            kind: 'test',
            operator: '=',
            path: {
              objectType: 'file',
              steps: [
                { kind: 'property', name: 'extensions' },
                { kind: 'property', name: 'ntfs-ext' },
                { kind: 'property', name: 'alternate_data_streams' },
                { kind: 'index', index: '*' },
                { kind: 'property', name: 'name' },
              ],
            },
            value: { type: 'string', value: "it's \\ here" },
          },
          {
            kind: 'test',
            operator: 'IN',
            value: {
              type: 'set',
              values: [{ type: 'int', value: 1 }, { type: 'float', value: -2.5 }, { type: 'bool', value: true }, { type: 'timestamp', value: '2020-01-01T00:00:00Z' }],
            },
          },
        ],
      },
    });
  });

  it('accepts object types that the caller names (types from extension definitions)', () => {
    expect(parsePattern("[acme-widget:name = 'a']")).toMatchObject({ ok: false });
    expect(parsePattern("[acme-widget:name = 'a']", { customTypes: new Set(['acme-widget']) })).toMatchObject({ ok: true });
  });

  it.each(VALID)('prints %s in a form that parses to the same tree', (p) => {
    const r = parsePattern(p);
    if (!r.ok) throw new Error(r.message);
    const printed = printPattern(r.pattern);
    const again = parsePattern(printed);
    expect(again).toEqual({ ok: true, pattern: r.pattern });
  });
});

describe('parsePattern on hostile input', () => {
  const quickly = (fn: () => unknown) => {
    const t0 = performance.now();
    const r = fn();
    return { r, ms: performance.now() - t0 };
  };

  it('refuses 100,000 nested parentheses at the depth limit, quickly', () => {
    const p = '('.repeat(100_000) + "[file:name = 'a']" + ')'.repeat(100_000);
    const { r, ms } = quickly(() => parsePattern(p, { maxLength: 1_000_000 }));
    expect(r).toMatchObject({ ok: false, position: 64, message: expect.stringMatching(/nesting/) });
    expect(ms).toBeLessThan(500);
  });

  it('refuses nested comparison parentheses at the depth limit', () => {
    const p = '[' + '('.repeat(10_000) + "file:name = 'a'" + ')'.repeat(10_000) + ']';
    expect(parsePattern(p)).toMatchObject({ ok: false, message: expect.stringMatching(/nesting/) });
  });

  it('refuses a 1 MB pattern by its length without reading it', () => {
    const p = `[file:name = '${'a'.repeat(1 << 20)}']`;
    const { r, ms } = quickly(() => parsePattern(p));
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/at most 65536 characters/) });
    expect(ms).toBeLessThan(50);
  });

  it('lexes a 1 MB pattern in linear time when the caller allows that length', () => {
    const p = `[file:name = '${'a'.repeat(1 << 20)}']`;
    const { r, ms } = quickly(() => parsePattern(p, { maxLength: 2 << 20 }));
    expect(r).toMatchObject({ ok: true });
    expect(ms).toBeLessThan(1000);
  });

  it('handles long chains of operators without recursion', () => {
    const p = Array.from({ length: 5000 }, (_, i) => `[file:size = ${i}]`).join(' AND ');
    const { r, ms } = quickly(() => parsePattern(p, { maxLength: 1 << 20 }));
    expect(r).toMatchObject({ ok: true, pattern: { kind: 'obs-and' } });
    expect(ms).toBeLessThan(1000);
  });

  it('does not evaluate pathological LIKE and MATCHES values', () => {
    const evilRegex = `[file:name MATCHES '${'(a+)+'.repeat(2000)}$' AND file:name LIKE '${'%_'.repeat(10_000)}']`;
    const { r, ms } = quickly(() => parsePattern(evilRegex));
    expect(r).toMatchObject({ ok: true });
    expect(ms).toBeLessThan(200);
    const unterminated = `[file:name MATCHES '${'\\\\'.repeat(20_000)}`;
    const bad = quickly(() => parsePattern(unterminated));
    expect(bad.r).toMatchObject({ ok: false, message: 'unterminated string' });
    expect(bad.ms).toBeLessThan(200);
  });

  it('accepts a dense pattern of about one token per character', () => {
    expect(parsePattern(`[file:a${'[*]'.repeat(5000)} = 1]`)).toMatchObject({ ok: true });
  });

  it('refuses a non-string without throwing', () => {
    expect(parsePattern(42 as unknown as string)).toMatchObject({ ok: false });
  });
});

describe('parsePattern, property-based', () => {
  const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
  const path = fc
    .tuple(
      fc.constantFrom('file', 'ipv4-addr', 'network-traffic', 'process', 'x-acme-thing'),
      fc.array(fc.oneof(name, fc.string({ maxLength: 6 }).map((s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`), fc.constantFrom('[*]', '[0]', '[12]')), { maxLength: 4 }),
      name,
    )
    .map(([type, rest, first]) => `${type}:${first}${rest.map((s) => (s.startsWith('[') ? s : `.${s}`)).join('')}`);
  const str = fc.string({ maxLength: 12 }).map((s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`);
  const num = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }).map(String), fc.tuple(fc.nat(999), fc.nat(999)).map(([a, b]) => `${a}.${b}`));
  const primitive = fc.oneof(str, num, fc.constantFrom('true', 'false', "t'2020-02-29T12:00:00.5Z'", "h'00ff'", "b'AAEC'"));
  const test = fc.oneof(
    fc.tuple(path, fc.constantFrom('=', '!=', 'NOT ='), primitive).map(([p, o, v]) => `${p} ${o} ${v}`),
    fc.tuple(path, fc.constantFrom('<', '>=', '>'), fc.oneof(str, num)).map(([p, o, v]) => `${p} ${o} ${v}`),
    fc.tuple(path, fc.constantFrom('LIKE', 'MATCHES', 'ISSUBSET', 'NOT ISSUPERSET'), str).map(([p, o, v]) => `${p} ${o} ${v}`),
    fc.tuple(path, fc.array(primitive, { maxLength: 4 })).map(([p, vs]) => `${p} IN (${vs.join(', ')})`),
    path.map((p) => `EXISTS ${p}`),
  );
  const { comparison } = fc.letrec((tie) => ({
    comparison: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      test,
      fc.tuple(tie('comparison'), fc.constantFrom(' AND ', ' OR '), tie('comparison')).map(([a, op, b]) => `${a}${op}${b}`),
      tie('comparison').map((c) => `(${c})`),
    ) as fc.Arbitrary<string>,
  }));
  const qualifier = fc.oneof(
    fc.integer({ min: 1, max: 9999 }).map((n) => ` WITHIN ${n} SECONDS`),
    fc.integer({ min: 1, max: 99 }).map((n) => ` REPEATS ${n} TIMES`),
    fc.constant(" START t'2016-01-01T00:00:00Z' STOP t'2016-01-02T00:00:00Z'"),
  );
  const { observation } = fc.letrec((tie) => ({
    observation: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(comparison, fc.array(qualifier, { maxLength: 2 })).map(([c, qs]) => `[${c}]${qs.join('')}`),
      fc.tuple(tie('observation'), fc.constantFrom(' AND ', ' OR ', ' FOLLOWEDBY '), tie('observation')).map(([a, op, b]) => `${a}${op}${b}`),
      fc.tuple(tie('observation'), fc.array(qualifier, { maxLength: 1 })).map(([o, qs]) => `(${o})${qs.join('')}`),
    ) as fc.Arbitrary<string>,
  }));

  it('parses every pattern the grammar generates, and printing round-trips', () => {
    fc.assert(
      fc.property(observation, (p) => {
        const r = parsePattern(p);
        if (!r.ok) throw new Error(`${r.message} at ${r.position} in ${p}`);
        const printed = printPattern(r.pattern);
        const again = parsePattern(printed);
        expect(again).toEqual({ ok: true, pattern: r.pattern });
        expect(again.ok && printPattern(again.pattern)).toBe(printed);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parsePattern(s);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
