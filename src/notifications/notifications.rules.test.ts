import { describe, expect, it } from 'vitest';
import { standardAssembly } from '../app/standard.js';
import { afterFailure, checkWebhookUrl, defaultPreferences, isPermanentFailure, planDeliveries, resolvePreferences } from './notifications.rules.js';
import { signWebhookBody } from './webhook.js';

describe('notification rules', () => {
  const kinds = standardAssembly().catalog.notificationKinds;
  const DEFAULT_PREFERENCES = defaultPreferences(kinds);

  it('has a default for every kind the capabilities declare: e-mail for ping tests and expiring entries, none for case deadlines', () => {
    expect(Object.keys(DEFAULT_PREFERENCES).sort()).toEqual(['case.deadline', 'cases.preservation_expiring', 'cases.received', 'cases.unacknowledged', 'directory.expiring', 'notification.test', 'ping_test.escalation', 'ping_test.request', 'ping_test.result']);
    expect(DEFAULT_PREFERENCES['ping_test.request']).toBe('email');
    expect(DEFAULT_PREFERENCES['ping_test.escalation']).toBe('email');
    expect(DEFAULT_PREFERENCES['directory.expiring']).toBe('email');
    expect(DEFAULT_PREFERENCES['case.deadline']).toBe('none');
  });

  it('lays stored choices over the defaults and ignores unknown kinds and values', () => {
    const p = resolvePreferences(kinds, { 'case.deadline': 'webhook', 'ping_test.request': 'carrier-pigeon', 'no.such.kind': 'email' });
    expect(p['case.deadline']).toBe('webhook');
    expect(p['ping_test.request']).toBe('email');
    expect(p).not.toHaveProperty('no.such.kind');
  });

  it('plans one row per chosen channel, and a skipped row that says why otherwise', () => {
    expect(planDeliveries('both', { email: true, webhook: true })).toEqual([{ channel: 'email' }, { channel: 'webhook' }]);
    expect(planDeliveries('email', { email: true, webhook: false })).toEqual([{ channel: 'email' }]);
    expect(planDeliveries('none', { email: true, webhook: true })).toEqual([{ channel: 'none', skipReason: expect.stringMatching(/turned off/) }]);
    expect(planDeliveries('email', { email: false, webhook: true })[0]).toMatchObject({ channel: 'email', skipReason: expect.stringMatching(/ACCORD_SMTP_URL/) });
    expect(planDeliveries('webhook', { email: true, webhook: false })[0]).toMatchObject({ channel: 'webhook', skipReason: expect.stringMatching(/no webhook/) });
  });

  it('backs off exponentially with jitter and gives up after the last attempt', () => {
    const o = { maxAttempts: 4, baseMs: 1000 };
    expect(afterFailure(1, { ...o, random: () => 0 })).toEqual({ giveUp: false, delayMs: 500 });
    expect(afterFailure(1, { ...o, random: () => 1 })).toEqual({ giveUp: false, delayMs: 1000 });
    expect(afterFailure(3, { ...o, random: () => 1 })).toEqual({ giveUp: false, delayMs: 4000 });
    expect(afterFailure(4, o)).toEqual({ giveUp: true });
    expect(afterFailure(1, { ...o, permanent: true })).toEqual({ giveUp: true });
    expect(afterFailure(40, { maxAttempts: 100, baseMs: 1000, random: () => 1 })).toEqual({ giveUp: false, delayMs: 3_600_000 });
  });

  it('treats SMTP 5xx and HTTP 4xx (but 408, 425, 429) as permanent', () => {
    expect(isPermanentFailure({ smtpCode: 550 })).toBe(true);
    expect(isPermanentFailure({ smtpCode: 451 })).toBe(false);
    expect(isPermanentFailure({ smtpCode: 421 })).toBe(false);
    expect(isPermanentFailure({ httpStatus: 410 })).toBe(true);
    expect(isPermanentFailure({ httpStatus: 429 })).toBe(false);
    expect(isPermanentFailure({ httpStatus: 503 })).toBe(false);
    expect(isPermanentFailure({})).toBe(false);
  });

  it('accepts only http(s) webhook URLs without credentials', () => {
    expect(checkWebhookUrl('https://hooks.example.org/accord')).toBeNull();
    expect(checkWebhookUrl('http://127.0.0.1:9000/x')).toBeNull();
    expect(checkWebhookUrl('ftp://example.org/')).toMatch(/http/);
    expect(checkWebhookUrl('not a url')).toMatch(/http/);
    expect(checkWebhookUrl('https://user:pw@example.org/')).toMatch(/credentials/);
    expect(checkWebhookUrl(`https://example.org/${'x'.repeat(2000)}`)).toMatch(/2000/);
  });

  it('signs the raw body with HMAC-SHA256 as sha256=<hex>', () => {
    // RFC 4231 test case 2.
    expect(signWebhookBody('Jefe', 'what do ya want for nothing?')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('SMTP URL', () => {
  it('reads host, port, TLS mode and credentials', async () => {
    const { parseSmtpUrl } = await import('./smtp.js');
    expect(parseSmtpUrl('smtp://mail.example.org')).toEqual({ host: 'mail.example.org', port: 587, security: 'opportunistic' });
    expect(parseSmtpUrl('smtps://u%40x:p%3Ass@mail.example.org:2465')).toEqual({ host: 'mail.example.org', port: 2465, security: 'tls', auth: { user: 'u@x', pass: 'p:ss' } });
    expect(parseSmtpUrl('smtp://[::1]:25').host).toBe('::1');
  });
});
