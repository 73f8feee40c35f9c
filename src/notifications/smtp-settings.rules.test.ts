import { describe, expect, it } from 'vitest';
import { checkSmtpSettings, effectiveSmtpServer, isFromAddress, isSmtpHost, redactSecrets, type SmtpSettingsInput } from './smtp-settings.rules.js';
import { transportOptions } from './smtp.js';

const saved: SmtpSettingsInput & { password: string | null } = { host: 'mail.cert.example.org', port: 587, security: 'starttls', username: 'accord', password: 's3cret', from: 'Accord <accord@cert.example.org>' };

describe('mail server settings', () => {
  it('accepts host names and IP addresses, not URLs or spaces', () => {
    for (const h of ['mail.example.org', 'localhost', '127.0.0.1', '::1', 'smtp-1.cert.uz']) expect(isSmtpHost(h), h).toBe(true);
    for (const h of ['smtp://mail.example.org', 'mail example.org', '-mail.example.org', 'mail_.example.org', 'a'.repeat(254)]) expect(isSmtpHost(h), h).toBe(false);
  });

  it('accepts a sender address with or without a name, never with a line break', () => {
    expect(isFromAddress('accord@cert.example.org')).toBe(true);
    expect(isFromAddress('Accord UZ-CERT <accord@cert.example.org>')).toBe(true);
    expect(isFromAddress('accord@localhost')).toBe(true);
    expect(isFromAddress('Accord')).toBe(false);
    expect(isFromAddress('a <b> <accord@cert.example.org>')).toBe(false);
    expect(isFromAddress('accord@cert.example.org\r\nBcc: everyone@example.org')).toBe(false);
    expect(checkSmtpSettings({ ...saved, from: 'nobody' })).toMatch(/^from must be/);
    expect(checkSmtpSettings({ ...saved, host: 'bad host' })).toMatch(/^host must be/);
    expect(checkSmtpSettings(saved)).toBeNull();
  });

  it('prefers ACCORD_SMTP_URL to the saved server, and has none without either', () => {
    expect(effectiveSmtpServer('smtps://env:pw@relay.example.org', 'Env <env@example.org>', saved)).toEqual({
      source: 'environment',
      server: { host: 'relay.example.org', port: 465, security: 'tls', auth: { user: 'env', pass: 'pw' } },
      from: 'Env <env@example.org>',
    });
    expect(effectiveSmtpServer(undefined, 'Env <env@example.org>', saved)).toEqual({
      source: 'web',
      server: { host: 'mail.cert.example.org', port: 587, security: 'starttls', auth: { user: 'accord', pass: 's3cret' } },
      from: 'Accord <accord@cert.example.org>',
    });
    expect(effectiveSmtpServer(undefined, 'x@example.org', { ...saved, username: null, password: null })?.server.auth).toBeUndefined();
    expect(effectiveSmtpServer(undefined, 'x@example.org', null)).toBeNull();
  });

  it('maps security to the connection: STARTTLS required, implicit TLS, plain, or STARTTLS when offered', () => {
    const s = { host: 'h', port: 25 };
    expect(transportOptions({ ...s, security: 'starttls' })).toEqual({ host: 'h', port: 25, secure: false, requireTLS: true });
    expect(transportOptions({ ...s, security: 'tls' })).toEqual({ host: 'h', port: 25, secure: true });
    expect(transportOptions({ ...s, security: 'none' })).toEqual({ host: 'h', port: 25, secure: false, ignoreTLS: true });
    expect(transportOptions({ ...s, security: 'opportunistic' })).toEqual({ host: 'h', port: 25, secure: false });
  });

  it('removes passwords from what the server or the client said, in plain, URL and base64 forms', () => {
    const pw = 'p@ss word';
    expect(redactSecrets(`535 Invalid login: ${pw}`, [pw])).toBe('535 Invalid login: ***');
    expect(redactSecrets(`AUTH PLAIN ${Buffer.from(pw).toString('base64')}`, [pw])).toBe('AUTH PLAIN ***');
    expect(redactSecrets(`connect smtp://user:${encodeURIComponent(pw)}@host:25 failed`, [pw])).toBe('connect smtp://user:***@host:25 failed');
    expect(redactSecrets('connect smtps://u:other@host failed', [])).toBe('connect smtps://u:***@host failed');
    expect(redactSecrets('250 OK', [null, undefined, ''])).toBe('250 OK');
  });
});
