import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { DIALECTS, newTestDbTarget, type TestDbTarget } from '../_util/db.js';
import { runCli } from '../_util/node-process.js';

describe('accord without a node', () => {
  it('prints help for every command', () => {
    const top = runCli(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/Usage: accord/);
    // Every subcommand, in-process (spawning each would only re-test the binary's start).
    const walk = (cmd: Command, path: string[]): void => {
      for (const sub of cmd.commands) {
        const help = sub.helpInformation();
        expect(help, [...path, sub.name()].join(' ')).toMatch(new RegExp(`^Usage: accord ${[...path, sub.name()].join(' ')}`));
        expect(sub.description().length, `${sub.name()} has a description`).toBeGreaterThan(5);
        walk(sub, [...path, sub.name()]);
      }
    };
    walk(buildProgram(), []);
  });

  it('asks nothing without a terminal: a missing option is one clear error', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'accord-cli-')), 'n');
    const r = runCli(['init', '--data', dir, '--country', 'UZ', '--name', 'X']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('accord: missing --node-id (no terminal to ask on)');
  });

  it('refuses a bad country or node id without creating anything', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'accord-cli-')), 'n');
    const r = runCli(['init', '--data', dir, '--node-id', 'X Y', '--country', 'UZ', '--name', 'X']);
    expect(r.stderr).toMatch(/node id must be/);
    const r2 = runCli(['init', '--data', dir, '--node-id', 'ok-id', '--country', 'Uzbekistan', '--name', 'X']);
    expect(r2.stderr).toMatch(/ISO 3166-1 alpha-2/);
    expect(() => statSync(dir)).toThrow();
  });

  it('says which node folder is missing instead of failing obscurely', () => {
    const r = runCli(['user', 'list', '--data', '/nonexistent/accord']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no Accord node in \/nonexistent\/accord: run `accord init/);
  });

  it('stops on invalid configuration with one line naming the setting', () => {
    const r = runCli(['serve', '--data', '/tmp', '--port', '99999']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['accord: invalid setting port (--port): must be an integer from 0 to 65535, got "99999"']);
  });
});

describe.each(DIALECTS)('accord commands on %s', (dialect) => {
  let target: TestDbTarget;
  let admin: { admin_email: string; one_time_password: string; fingerprint: string };
  const d = () => ['--data', target.dataDir];

  beforeAll(() => {
    target = newTestDbTarget(dialect);
    const r = runCli([
      'init', ...d(), '--node-id', 'kz-cert', '--country', 'kz', '--name', 'en=Kazakhstan CERT', '--name', 'ru=КЗ-ЦЕРТ', '--name', 'uz=Qozogʻiston CERT',
      '--authority', 'cert', 'law_enforcement_24_7', '--admin-email', 'Chief@Example.org', '--json',
      ...(target.db ? ['--db', target.db, '--db-schema', target.dbSchema!] : []),
    ]);
    expect(r.stderr).toBe('');
    admin = JSON.parse(r.stdout);
  });
  afterAll(() => target.cleanup());

  it('init creates key (0600), config and database, and names the first admin', () => {
    expect(admin.admin_email).toBe('Chief@Example.org');
    expect(admin.one_time_password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(statSync(join(target.dataDir, 'keys', 'node-ed25519.pem')).mode & 0o777).toBe(0o600);
    const cfg = JSON.parse(readFileSync(join(target.dataDir, 'accord.json'), 'utf8'));
    expect(cfg.node).toMatchObject({ node_id: 'kz-cert', country: 'KZ', authority_kinds: ['cert', 'law_enforcement_24_7'] });
    expect(JSON.stringify(cfg)).not.toContain('PRIVATE KEY');
    if (dialect === 'sqlite') expect(statSync(join(target.dataDir, 'accord.db')).isFile()).toBe(true);
  });

  it('init refuses to run twice and leaves the node as it was', () => {
    const keyBefore = readFileSync(join(target.dataDir, 'keys', 'node-ed25519.pem'), 'utf8');
    const r = runCli(['init', ...d(), '--node-id', 'other', '--country', 'KZ', '--name', 'Other']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/holds an Accord node already; nothing was changed/);
    expect(readFileSync(join(target.dataDir, 'keys', 'node-ed25519.pem'), 'utf8')).toBe(keyBefore);
    expect(JSON.parse(runCli(['node', 'show', ...d(), '--json']).stdout).node_id).toBe('kz-cert');
  });

  it('node show prints the fingerprint in groups for reading out, and as JSON', () => {
    const text = runCli(['node', 'show', ...d()]).stdout;
    expect(text).toContain(admin.fingerprint.match(/.{4}/g)!.join(' '));
    const json = JSON.parse(runCli(['node', 'show', ...d(), '--json']).stdout);
    expect(json).toMatchObject({ node_id: 'kz-cert', country: 'KZ', fingerprint: admin.fingerprint, key_suite: 'ed25519' });
    expect(json.names.ru).toBe('КЗ-ЦЕРТ');
  });

  it('user add, list, disable, enable and reset', () => {
    const add = runCli(['user', 'add', ...d(), '--email', 'analyst@example.org', '--name', 'An Analyst', '--role', 'analyst', '--password-stdin', '--json'], { input: 'a long enough password\n' });
    expect(add.status).toBe(0);
    expect(JSON.parse(add.stdout).user).toMatchObject({ email: 'analyst@example.org', role: 'analyst', must_change_password: false });
    expect(runCli(['user', 'add', ...d(), '--email', 'x@example.org', '--name', 'X', '--role', 'king']).stderr).toMatch(/Allowed choices are admin, coordinator, officer, analyst, auditor/);
    expect(runCli(['user', 'add', ...d(), '--email', 'analyst@example.org', '--name', 'Again', '--role', 'analyst']).stderr).toMatch(/exists already/);

    expect(runCli(['user', 'disable', ...d(), 'analyst@example.org']).stdout).toMatch(/is disabled/);
    const list = JSON.parse(runCli(['user', 'list', ...d(), '--json']).stdout) as { email: string; disabled: boolean }[];
    expect(list.map((u) => [u.email, u.disabled])).toEqual([['analyst@example.org', true], ['chief@example.org', false]]);
    expect(runCli(['user', 'list', ...d()]).stdout).toMatch(/analyst@example\.org\s+analyst\s+disabled/);
    expect(runCli(['user', 'disable', ...d(), 'chief@example.org']).stderr).toMatch(/at least one active administrator/);
    expect(runCli(['user', 'enable', ...d(), 'analyst@example.org']).stdout).toMatch(/is enabled/);
    const reset = JSON.parse(runCli(['user', 'reset', ...d(), 'analyst@example.org', '--totp', '--json']).stdout);
    expect(reset.user.must_change_password).toBe(true);
    expect(reset.one_time_password).toHaveLength(20);
    expect(runCli(['user', 'reset', ...d(), 'ghost@example.org']).stderr).toMatch(/user ghost@example.org does not exist/);
  });

  it('token create shows the secret once; list never shows it; revoke ends it', () => {
    const created = JSON.parse(runCli(['token', 'create', ...d(), '--user', 'chief@example.org', '--name', 'nightly export', '--json']).stdout);
    expect(created.token).toMatch(/^acc_/);
    const listed = runCli(['token', 'list', ...d(), '--json']).stdout;
    expect(listed).toContain(created.record.id);
    expect(listed).not.toContain(created.token);
    expect(runCli(['token', 'revoke', ...d(), created.record.id]).stdout).toMatch(/revoked at/);
    expect(JSON.parse(runCli(['token', 'list', ...d(), '--json']).stdout)[0].revoked_at).not.toBeNull();
    expect(runCli(['token', 'revoke', ...d(), 'no-such-token']).status).toBe(1);
  });

  it('every command above left an intact audit trail', () => {
    const v = JSON.parse(runCli(['audit', 'verify', ...d(), '--json']).stdout);
    expect(v.ok).toBe(true);
    expect(v.checked).toBeGreaterThanOrEqual(8);
  });
});
