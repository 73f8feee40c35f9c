import { describe, expect, it } from 'vitest';
import { sessionCookieName, sessionCookieOptions } from './session-cookie.js';

describe('session cookie name', () => {
  it('differs per node, so two nodes on one host keep their own sessions', () => {
    expect(sessionCookieName('uz-cert', false)).toBe('accord_session_uz-cert');
    expect(sessionCookieName('kz-cert', false)).not.toBe(sessionCookieName('uz-cert', false));
  });

  it('takes the __Host- prefix over HTTPS, with the flags the prefix requires', () => {
    expect(sessionCookieName('uz-cert', true)).toBe('__Host-accord_session_uz-cert');
    expect(sessionCookieOptions(true)).toEqual({ path: '/', httpOnly: true, sameSite: 'strict', secure: true });
  });

  it('keeps only token characters in the name', () => {
    expect(sessionCookieName('a b;c=d', false)).toBe('accord_session_a_b_c_d');
  });
});
