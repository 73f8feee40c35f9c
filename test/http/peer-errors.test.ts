import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeStore } from '../federation/_federation.js';
import { freePort, runCli, runCliJson, startNodeProcess, type NodeProcess } from '../_util/node-process.js';

interface LogLine {
  level: number;
  msg: string;
  err?: unknown;
  [k: string]: unknown;
}

const FINGERPRINT = 'ab'.repeat(32);
const WARN = 40;
const ERROR = 50;

async function waitFor<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Typos in a peer's address and peers that cannot be reached: clear answers and quiet logs. */
describe('peer address errors', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let token: string;
  const logs: LogLine[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([
      startNodeProcess({ nodeId: 'uz-cert', initArgs: ['--no-require-admin-totp'], settings: { ACCORD_LOG_LEVEL: 'warn', ACCORD_RETRY_BASE_MS: '100', ACCORD_RETRY_CAP_MS: '500' } }),
      startNodeProcess({ nodeId: 'kz-cert', country: 'KZ', initArgs: ['--no-require-admin-totp'] }),
    ]);
    let buf = '';
    a.child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.startsWith('{')) logs.push(JSON.parse(l) as LogLine);
    });
    token = runCliJson<{ token: string }>(['token', 'create', '--data', a.dataDir, '--user', a.adminEmail, '--name', 'test']).token;
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  const addPeer = (url: string) =>
    fetch(`${a.url}/api/v1/peers`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ url, fingerprint: FINGERPRINT }) });

  it('answers a mistyped URL with a 400 problem, and logs nothing', async () => {
    for (const url of ['htp://kz-cert.example', 'http//kz-cert.example', 'http://[kz-cert', 'ftp://kz-cert.example']) {
      const r = await addPeer(url);
      expect(r.status, url).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await r.json()) as unknown, url).toMatchObject({ status: 400, type: 'urn:accord:problem:invalid-input' });
    }
    expect(logs.filter((l) => l.level >= WARN)).toEqual([]);
  });

  it('answers an unreachable peer with a 502 problem that says why, logged as one warning without a stack', async () => {
    const unresolvable = await addPeer('http://kz-cert.invalid');
    expect(unresolvable.status).toBe(502);
    expect(((await unresolvable.json()) as { detail: string }).detail).toMatch(/^could not fetch http:\/\/kz-cert\.invalid\/federation\/v1\/node: the host name (does not resolve \(ENOTFOUND\)|could not be resolved now \(EAI_AGAIN\))$/);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const refused = await addPeer(closed);
    expect(((await refused.json()) as { detail: string }).detail).toBe(`could not fetch ${closed}/federation/v1/node: the connection was refused (ECONNREFUSED)`);

    const lines = await waitFor(() => (logs.filter((l) => /request failed/.test(l.msg)).length >= 2 ? logs.filter((l) => /request failed/.test(l.msg)) : null), 'the two log lines');
    for (const l of lines) {
      expect(l.level).toBe(WARN);
      expect(l.msg).toMatch(/^request failed: could not fetch http:\/\/(kz-cert\.invalid|127\.0\.0\.1:\d+)\/federation\/v1\/node: the /);
      expect(JSON.stringify(l)).not.toMatch(/stack| {4}at /);
    }
    expect(logs.filter((l) => l.level >= ERROR)).toEqual([]);
  });

  it('gives one line from the CLI for a mistyped or unreachable URL', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const typo = runCli(['peer', 'add', 'htp://kz-cert.example', '--data', a.dataDir, '--fingerprint', FINGERPRINT]);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toBe('accord: a peer URL must be http(s)\n');
    const dead = runCli(['peer', 'add', closed, '--data', a.dataDir, '--fingerprint', FINGERPRINT]);
    expect(dead.status).toBe(1);
    expect(dead.stderr).toBe(`accord: could not fetch ${closed}/federation/v1/node: the connection was refused (ECONNREFUSED)\n`);
  });

  it('logs delivery to a peer whose host no longer resolves as one warning line per attempt, no stack', async () => {
    const added = runCli(['peer', 'add', b.url, '--data', a.dataDir, '--fingerprint', b.fingerprint]);
    expect(added.status, added.stderr).toBe(0);
    const store = await openNodeStore(a);
    try {
      await store.db.updateTable('peers').set({ base_url: 'http://kz-cert.invalid' }).where('node_id', '=', 'kz-cert').execute();
    } finally {
      await store.close();
    }
    const r = await fetch(`${a.url}/api/v1/peers/kz-cert/notices`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ subject: 'Hello', text: 'x' }) });
    expect(r.status).toBe(202);
    const failed = await waitFor(() => logs.find((l) => l.msg === 'delivery failed'), 'a delivery failure in the log');
    expect(failed).toMatchObject({ level: WARN, peer: 'kz-cert', error: expect.stringMatching(/^unreachable: (ENOTFOUND|EAI_AGAIN)$/) });
    expect(JSON.stringify(failed)).not.toMatch(/stack/);
    expect(logs.filter((l) => l.level >= ERROR)).toEqual([]);
  });
});
