import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSealed, newSecretKey, openSecret, sealSecret, secretBox, secretPlace, SecretUnreadableError } from './secret-box.js';

const key = newSecretKey();
const here = secretPlace('users', 'totp_secret', 'u1');

describe('secret box', () => {
  it('opens what it sealed, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(openSecret(key, sealSecret(key, text, here), here)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('writes the versioned format with a fresh nonce each time, never the plaintext', () => {
    const a = sealSecret(key, 'JBSWY3DPEHPK3PXP', here);
    const b = sealSecret(key, 'JBSWY3DPEHPK3PXP', here);
    expect(a).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(isSealed(a)).toBe(true);
    expect(isSealed('JBSWY3DPEHPK3PXP')).toBe(false);
    expect(isSealed('whsec_abc')).toBe(false);
  });

  it('refuses a value moved to another row or column', () => {
    const sealed = sealSecret(key, 'secret', here);
    expect(() => openSecret(key, sealed, secretPlace('users', 'totp_secret', 'u2'))).toThrow(SecretUnreadableError);
    expect(() => openSecret(key, sealed, secretPlace('users', 'totp_pending_secret', 'u1'))).toThrow(SecretUnreadableError);
  });

  it('refuses another key, a changed byte, a cut value and plaintext, with a clear error', () => {
    const sealed = sealSecret(key, 'secret', here);
    expect(() => openSecret(newSecretKey(), sealed, here)).toThrow(/users\.totp_secret:u1 cannot be decrypted with this node's secrets key/);
    const [v, nonce, body] = sealed.split(':') as [string, string, string];
    const flipped = body.slice(0, 3) + (body[3] === 'A' ? 'B' : 'A') + body.slice(4);
    expect(() => openSecret(key, `${v}:${nonce}:${flipped}`, here)).toThrow(SecretUnreadableError);
    expect(() => openSecret(key, `${v}:${nonce}:${body.slice(0, 10)}`, here)).toThrow(SecretUnreadableError);
    expect(() => openSecret(key, 'JBSWY3DPEHPK3PXP', here)).toThrow(SecretUnreadableError);
    expect(() => openSecret(key, `v2:${nonce}:${body}`, here)).toThrow(SecretUnreadableError);
  });

  it('takes only a 32-byte key', () => {
    expect(() => sealSecret(Buffer.alloc(16), 'x', here)).toThrow(/32 bytes/);
    expect(() => secretBox(Buffer.alloc(31))).toThrow(/32 bytes/);
    const box = secretBox(key);
    expect(box.open(box.seal('x', here), here)).toBe('x');
  });
});
