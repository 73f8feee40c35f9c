import { createHmac } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { authenticator } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app/build-app.js';
import { initNode } from '../../src/app/init-node.js';
import { openNode } from '../../src/app/open-node.js';
import { resolveSettings } from '../../src/config/settings.js';
import type { NodeContext } from '../../src/context.js';
import { newSecretKey } from '../../src/crypto/secret-box.js';
import { SECRETS_KEY_FILE } from '../../src/node/identity.js';
import { NotificationKind } from '../../src/notifications/notifications.rules.js';
import { notify } from '../../src/notifications/notifications.service.js';
import { NotificationWorker } from '../../src/notifications/notifications.worker.js';
import { DIALECTS, newTestDbTarget, type TestDbTarget } from '../_util/db.js';
import { runCli } from '../_util/node-process.js';
import { buildUser, SessionClient, TEST_PASSWORD } from '../_util/node.js';

/** A webhook receiver that keeps what it got. */
async function startReceiver() {
  const calls: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as { port: number }).port;
  return { calls, url: `http://127.0.0.1:${port}/hook`, close: () => new Promise<void>((res) => server.close(() => res())) };
}

const signature = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const open = (dataDir: string) => openNode(resolveSettings({ dataDir }, {}));

async function rawSecrets(ctx: NodeContext) {
  const db = ctx.store.db;
  return {
    users: await db.selectFrom('users').select(['id', 'totp_secret', 'totp_pending_secret']).execute(),
    prefs: await db.selectFrom('notification_preferences').select(['user_id', 'webhook_secret']).execute(),
    direct: await db.selectFrom('notifications').select(['id', 'webhook_secret']).where('webhook_secret', 'is not', null).execute(),
  };
}

describe.each(DIALECTS)('secrets at rest on %s', (dialect) => {
  let target: TestDbTarget;
  let ctx: NodeContext;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  const keyPath = () => join(target.dataDir, SECRETS_KEY_FILE);

  beforeAll(async () => {
    hook = await startReceiver();
    target = newTestDbTarget(dialect);
    const r = await initNode({
      dataDir: target.dataDir,
      nodeId: 'sealed-node',
      country: 'UZ',
      names: { en: 'Sealed' },
      db: target.db,
      dbSchema: target.dbSchema,
      settings: { logLevel: 'silent', loginRatePerMinute: 1000, webhookAllow: '127.0.0.1' },
    });
    ctx = r.ctx;
  });
  afterAll(async () => {
    await ctx.store.close();
    await hook.close();
    await target.cleanup();
  });

  it('creates the secrets key 0600 beside the signing key at init', () => {
    expect(statSync(keyPath()).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyPath(), 'utf8').trim(), 'base64url')).toHaveLength(32);
  });

  it('keeps TOTP and webhook secrets sealed in the rows, and sign-in with TOTP and webhook signing still work', async () => {
    const app = await buildApp(ctx, { logger: false });
    try {
      const { user, token, email } = await buildUser(ctx, 'analyst');
      const c = new SessionClient(app);
      expect((await c.signIn(email, TEST_PASSWORD)).json().stage).toBe('full');
      const enrol = (await c.request('POST', '/api/v1/auth/totp/enrolment', { current_password: TEST_PASSWORD })).json() as { secret: string };
      let raw = await rawSecrets(ctx);
      const pending = raw.users.find((u) => u.id === user.id)!.totp_pending_secret!;
      expect(pending).toMatch(/^v1:/);
      expect(pending).not.toContain(enrol.secret);
      expect((await c.request('POST', '/api/v1/auth/totp/enrolment/confirm', { code: authenticator.generate(enrol.secret) })).json().stage).toBe('full');

      const put = await app.inject({ method: 'PUT', url: '/api/v1/notifications/preferences', headers: { authorization: `Bearer ${token}` }, payload: { kinds: { [NotificationKind.test]: 'webhook' }, webhook_url: hook.url } });
      const webhookSecret = put.json().webhook_secret as string;
      expect(webhookSecret).toMatch(/^whsec_/);
      const direct = await ctx.store.db.transaction().execute((trx) =>
        notify(ctx, trx, { kind: NotificationKind.test, to: { webhook: hook.url, webhookSecret: 'direct-secret-123' }, subject: 'Direct', text: 'x' }),
      );
      const [mine] = await ctx.store.db.transaction().execute((trx) => notify(ctx, trx, { kind: NotificationKind.test, userIds: [user.id], subject: 'Mine', text: 'y' }));

      raw = await rawSecrets(ctx);
      const dump = JSON.stringify(raw);
      for (const secret of [enrol.secret, webhookSecret, 'direct-secret-123']) expect(dump).not.toContain(secret);
      expect(raw.users.find((u) => u.id === user.id)).toMatchObject({ totp_secret: expect.stringMatching(/^v1:/), totp_pending_secret: null });
      expect(raw.prefs.find((p) => p.user_id === user.id)!.webhook_secret).toMatch(/^v1:/);
      expect(raw.direct.find((n) => n.id === direct[0]!.id)!.webhook_secret).toMatch(/^v1:/);

      // Both webhooks go out signed with the secrets as given.
      const worker = new NotificationWorker(ctx);
      await worker.pass();
      await worker.idle();
      const got = (id: string) => hook.calls.find((x) => x.headers['x-accord-delivery'] === id)!;
      expect(got(mine!.id).headers['x-accord-signature']).toBe(signature(webhookSecret, got(mine!.id).body));
      expect(got(direct[0]!.id).headers['x-accord-signature']).toBe(signature('direct-secret-123', got(direct[0]!.id).body));

      // Sign-in with the sealed TOTP secret.
      const again = new SessionClient(app);
      expect((await again.signIn(email, TEST_PASSWORD)).json().stage).toBe('totp');
      const next = authenticator.clone({ epoch: Date.now() + 30_000 }).generate(enrol.secret);
      expect((await again.request('POST', '/api/v1/auth/second-factor', { code: next })).json()).toEqual({ stage: 'full' });

      // A sealed value copied into another user's row does not open there: a clear problem, no crash.
      const other = await buildUser(ctx, 'analyst');
      const sealed = raw.users.find((u) => u.id === user.id)!.totp_secret!;
      await ctx.store.db.updateTable('users').set({ totp_secret: sealed, totp_enabled: 1 }).where('id', '=', other.user.id).execute();
      const thief = new SessionClient(app);
      expect((await thief.signIn(other.email, TEST_PASSWORD)).json().stage).toBe('totp');
      const res = await thief.request('POST', '/api/v1/auth/second-factor', { code: authenticator.generate(enrol.secret) });
      expect(res.json()).toMatchObject({ status: 500, type: 'urn:accord:problem:secret-unreadable', detail: expect.stringContaining(`users.totp_secret:${other.user.id}`) });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      await ctx.store.db.updateTable('users').set({ totp_secret: null, totp_enabled: 0 }).where('id', '=', other.user.id).execute();
    } finally {
      await app.close();
    }
  });

  it('seals the plaintext of a node from before sealing on first open, making its key then', async () => {
    const { user, email } = await buildUser(ctx, 'analyst');
    const totp = authenticator.generateSecret();
    await ctx.store.db.updateTable('users').set({ totp_secret: totp, totp_enabled: 1 }).where('id', '=', user.id).execute();
    await ctx.store.db.updateTable('notification_preferences').set({ webhook_secret: 'whsec_plain-old-secret' }).execute();
    await ctx.store.db.deleteFrom('notifications').execute();
    // An old node had no key and no sealed values at all.
    await ctx.store.db.updateTable('users').set({ totp_secret: null, totp_pending_secret: null, totp_enabled: 0 }).where('id', '!=', user.id).execute();
    await ctx.store.close();
    rmSync(keyPath());

    ctx = await open(target.dataDir);
    expect(statSync(keyPath()).mode & 0o777).toBe(0o600);
    const raw = await rawSecrets(ctx);
    expect(JSON.stringify(raw)).not.toContain(totp);
    expect(JSON.stringify(raw)).not.toContain('plain-old-secret');
    expect(raw.users.find((u) => u.id === user.id)!.totp_secret).toMatch(/^v1:/);

    // Opening again changes nothing (the pass is idempotent).
    await ctx.store.close();
    ctx = await open(target.dataDir);
    expect(await rawSecrets(ctx)).toEqual(raw);

    const app = await buildApp(ctx, { logger: false });
    try {
      const c = new SessionClient(app);
      expect((await c.signIn(email, TEST_PASSWORD)).json().stage).toBe('totp');
      expect((await c.request('POST', '/api/v1/auth/second-factor', { code: authenticator.generate(totp) })).json()).toEqual({ stage: 'full' });
    } finally {
      await app.close();
    }
  });

  it('refuses to open without its key, or with another key, in one line', async () => {
    await ctx.store.close();
    const key = readFileSync(keyPath());
    try {
      rmSync(keyPath());
      await expect(open(target.dataDir)).rejects.toThrow(/secrets key .* is missing but the database holds secrets sealed with it: restore the key file from a backup/);
      const cli = runCli(['user', 'list', '--data', target.dataDir]);
      expect(cli.status).toBe(1);
      expect(cli.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^accord: the secrets key .* is missing/)]);

      writeFileSync(keyPath(), `${newSecretKey().toString('base64url')}\n`, { mode: 0o600 });
      await expect(open(target.dataDir)).rejects.toThrow(/opens none of the secrets in the database: it is not this node's key/);
      writeFileSync(keyPath(), 'not a key\n');
      await expect(open(target.dataDir)).rejects.toThrow(/is not valid: it must hold 32 bytes in base64url/);
      await expect(openNode(resolveSettings({ dataDir: target.dataDir }, { ACCORD_SECRETS_KEY_FILE: join(target.dataDir, 'elsewhere.key') }))).rejects.toThrow(/elsewhere\.key \(secretsKeyFile, ACCORD_SECRETS_KEY_FILE\) does not exist/);
    } finally {
      writeFileSync(keyPath(), key, { mode: 0o600 });
      ctx = await open(target.dataDir);
    }
  });
});
