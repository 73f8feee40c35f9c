import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveSettings } from './settings.js';

function dirWithConfig(settings: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'accord-cfg-'));
  writeFileSync(join(dir, 'accord.json'), JSON.stringify({ settings }));
  return dir;
}

describe('resolveSettings', () => {
  it('takes flags over environment over the config file over defaults', () => {
    const dir = dirWithConfig({ port: 7001, host: '0.0.0.0', logLevel: 'debug' });
    const s = resolveSettings({ dataDir: dir, port: '7003' }, { ACCORD_PORT: '7002', ACCORD_HOST: '127.0.0.2' });
    expect(s.port).toBe(7003);
    expect(s.host).toBe('127.0.0.2');
    expect(s.logLevel).toBe('debug');
    expect(s.requireAdminTotp).toBe(true);
    expect(s.db).toBe(join(dir, 'accord.db'));
  });

  it('stops with one line naming the setting and where it came from', () => {
    const dir = dirWithConfig({ sessionTtlMinutes: 'forever' });
    expect(() => resolveSettings({ dataDir: dir }, { ACCORD_PORT: 'eighty' })).toThrow(
      new ConfigError('invalid setting port (ACCORD_PORT): must be an integer from 0 to 65535, got "eighty"'),
    );
    expect(() => resolveSettings({ dataDir: dir }, {})).toThrow(/invalid setting sessionTtlMinutes \(accord\.json settings\.sessionTtlMinutes\)/);
    expect(() => resolveSettings({ dataDir: dir, logLevel: 'loud' }, {})).toThrow(/invalid setting logLevel \(--log-level\)/);
    expect(() => resolveSettings({ dataDir: mkdtempSync(join(tmpdir(), 'x')) }, { ACCORD_REQUIRE_ADMIN_TOTP: 'maybe' })).toThrow(/requireAdminTotp.*true or false/);
  });

  it('never prints the password of a URL it refuses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-cfg-'));
    let message = '';
    try {
      resolveSettings({ dataDir: dir }, { ACCORD_SMTP_URL: 'smtp://mailer:hunter2-s3cret@mail.example.org:587 bad' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/invalid setting smtpUrl \(ACCORD_SMTP_URL\)/);
    expect(message).toContain('mail.example.org');
    expect(message).not.toContain('hunter2-s3cret');
  });

  it('reports a config file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-cfg-'));
    writeFileSync(join(dir, 'accord.json'), '{ nope');
    expect(() => resolveSettings({ dataDir: dir }, {})).toThrow(/invalid config file/);
  });
});
