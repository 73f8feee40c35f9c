import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import { sha256Hex } from '../crypto/canonical.js';

// RFC 6238: 30-second steps, 6 digits; one step of drift either way is accepted.
authenticator.options = { window: 1 };

export function newTotpSecret(): string {
  return authenticator.generateSecret(20);
}

export function totpUri(secret: string, account: string, issuer: string): string {
  return authenticator.keyuri(account, issuer, secret);
}

const STEP_MS = 30_000;

/**
 * The time step (30-second steps since the epoch) that `code` belongs to, or null when it
 * matches none of the steps accepted now. Callers keep the last step used and refuse any step
 * at or before it, so that a code is good once.
 */
export function matchTotpStep(code: string, secret: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = authenticator.clone({ epoch: now }).checkDelta(code, secret);
  return delta === null ? null : Math.floor(now / STEP_MS) + delta;
}

export function currentTotp(secret: string): string {
  return authenticator.generate(secret);
}

/** Ten single-use recovery codes, shown once; only their hashes are kept. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => {
    const s = randomBytes(5).toString('hex');
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

export function hashRecoveryCode(code: string): string {
  return sha256Hex(code.trim().toLowerCase());
}
