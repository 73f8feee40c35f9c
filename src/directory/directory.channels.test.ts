import { describe, expect, it } from 'vitest';
import { PGP_FINGERPRINT, PGP_KEY, SMIME_CERTIFICATE, SMIME_FINGERPRINT } from '../../test/directory/_keys.js';
import { certificateFingerprint, channelProblems, normaliseChannel, normaliseFingerprint, openPgpFingerprint } from './directory.channels.js';
import type { ContactChannel } from './directory.schemas.js';

const codes = (...channels: ContactChannel[]) => channelProblems([{ channels }]).map((p) => `${p.pointer} ${p.code}`);

describe('channel rules', () => {
  it('keeps fingerprints as upper-case hex however they were pasted', () => {
    expect(normaliseFingerprint('6dc9 1998 207c:c96c ffa4 9dcd 014a cd2a e217 bfe2')).toBe(PGP_FINGERPRINT);
    expect(normaliseChannel({ kind: 'smime', value: '78:0f:29:9c:4d:b2:b6:d8:21:26:eb:2c:d2:05:03:56:2c:fc:da:e2:5b:f2:66:da:7a:d7:30:6b:33:3c:f5:82' }).value).toBe(SMIME_FINGERPRINT);
    expect(normaliseChannel({ kind: 'phone', value: '+998 71 000' }).value).toBe('+998 71 000');
  });

  it('accepts OpenPGP v4 (40 hex) and v5 (64 hex) fingerprints and S/MIME SHA-256 (64 hex), with or without the key', () => {
    expect(codes({ kind: 'pgp', value: PGP_FINGERPRINT }, { kind: 'pgp', value: 'A'.repeat(64) }, { kind: 'smime', value: SMIME_FINGERPRINT })).toEqual([]);
    expect(codes({ kind: 'pgp', value: PGP_FINGERPRINT, key: PGP_KEY }, { kind: 'smime', value: SMIME_FINGERPRINT, certificate: SMIME_CERTIFICATE })).toEqual([]);
  });

  it('refuses fingerprints of the wrong length or alphabet, naming the field', () => {
    expect(codes({ kind: 'pgp', value: 'A'.repeat(39) })).toEqual(['/contacts/0/channels/0/value invalid_pgp_fingerprint']);
    expect(codes({ kind: 'pgp', value: 'A'.repeat(41) })).toEqual(['/contacts/0/channels/0/value invalid_pgp_fingerprint']);
    expect(codes({ kind: 'phone', value: '1' }, { kind: 'pgp', value: 'G'.repeat(40) })).toEqual(['/contacts/0/channels/1/value invalid_pgp_fingerprint']);
    expect(codes({ kind: 'smime', value: PGP_FINGERPRINT })).toEqual(['/contacts/0/channels/0/value invalid_smime_fingerprint']);
  });

  it('computes the fingerprint of a pasted key or certificate and refuses one that does not match', () => {
    expect(openPgpFingerprint(PGP_KEY)).toBe(PGP_FINGERPRINT);
    expect(openPgpFingerprint(PGP_KEY.replace('\n\n', '\nComment: from gpg\n\n'))).toBe(PGP_FINGERPRINT);
    expect(certificateFingerprint(SMIME_CERTIFICATE)).toBe(SMIME_FINGERPRINT);
    expect(codes({ kind: 'pgp', value: 'B'.repeat(40), key: PGP_KEY })).toEqual(['/contacts/0/channels/0/value fingerprint_mismatch']);
    expect(codes({ kind: 'smime', value: 'C'.repeat(64), certificate: SMIME_CERTIFICATE })).toEqual(['/contacts/0/channels/0/value fingerprint_mismatch']);
    expect(codes({ kind: 'pgp', value: PGP_FINGERPRINT, key: 'not a key' })).toEqual(['/contacts/0/channels/0/key invalid_pgp_key']);
    expect(codes({ kind: 'smime', value: SMIME_FINGERPRINT, certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' })).toEqual(['/contacts/0/channels/0/certificate invalid_certificate']);
  });

  it('asks a messenger channel which messenger, and keeps keys and messengers on their own kinds', () => {
    expect(codes({ kind: 'messenger', value: '@duty' })).toEqual(['/contacts/0/channels/0/messenger messenger_required']);
    expect(codes({ kind: 'messenger', messenger: 'signal', value: '+998 71 000 00 00' })).toEqual([]);
    expect(codes({ kind: 'email', value: 'a@b', key: PGP_KEY, messenger: 'wire' })).toEqual(['/contacts/0/channels/0/messenger unexpected_field', '/contacts/0/channels/0/key unexpected_field']);
  });
});
