import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealed } from '../../src/crypto/secret-box.js';
import { NotificationWorker } from '../../src/notifications/notifications.worker.js';
import { DIALECTS } from '../_util/db.js';
import { freePort } from '../_util/node-process.js';
import { startMailbox } from '../_util/smtp.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';

/** The node's mail server set from the API: stored (password sealed, never returned), audited, used for test e-mails and notifications; ACCORD_SMTP_URL wins. */

const USER = 'accord-relay';
const PASSWORD = 'pa55:word/with@odd chars';

/** A real SMTP server that requires a login (over plain TCP, as a local relay would) and keeps what it accepts. */
async function startRelay() {
  const mails: { from: string; to: string[]; user: string | undefined; raw: string }[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === USER && auth.password === PASSWORD) return cb(null, { user: auth.username });
      return cb(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const env = session.envelope;
        mails.push({ from: env.mailFrom ? env.mailFrom.address : '', to: env.rcptTo.map((r) => r.address), user: session.user as string | undefined, raw: Buffer.concat(chunks).toString('utf8') });
        cb(null, 'Message queued as relay-1');
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', res));
  return { port, mails, close: () => new Promise<void>((res) => server.close(() => res())) };
}

async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(DIALECTS)('mail server settings on %s', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  let worker: NotificationWorker;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let admin: Awaited<ReturnType<typeof buildUser>>;
  let officer: Awaited<ReturnType<typeof buildUser>>;

  beforeAll(async () => {
    relay = await startRelay();
    // No ACCORD_SMTP_URL: e-mail is off until an administrator sets a server.
    node = await createTestNode(dialect, { requireAdminTotp: false, notifyRetryBaseMs: 20 });
    app = await buildTestApp(node.ctx);
    worker = new NotificationWorker(node.ctx, undefined, { intervalMs: 20, timeoutMs: 2000 });
    worker.start();
    admin = await buildUser(node.ctx, 'admin');
    officer = await buildUser(node.ctx, 'officer');
  });
  afterAll(async () => {
    await worker.stop();
    await app.close();
    await node.close();
    await relay.close();
  });

  const api = (token: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const good = () => ({ host: '127.0.0.1', port: relay.port, security: 'none', username: USER, password: PASSWORD, from: 'Accord UZ-CERT <accord@cert.example.org>' });
  const auditOf = async (action: string) =>
    (await node.ctx.store.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', action).orderBy('seq', 'desc').execute()).map((r) => ({ actor: r.actor, details: r.details }));

  it('says e-mail is off before a server is set, and records e-mail notifications as skipped with where to set it', async () => {
    expect((await api(admin.token, 'GET', '/api/v1/notifications/smtp')).json()).toEqual({
      source: 'none', editable: true, host: null, port: null, security: null, username: null, password_set: false, from: null, updated_at: null, updated_by: null,
    });
    expect((await api(officer.token, 'GET', '/api/v1/notifications/email-status')).json()).toEqual({ configured: false, source: 'none' });
    const sent = (await api(officer.token, 'POST', '/api/v1/notifications/test')).json().notifications as { channel: string; state: string; response: string }[];
    expect(sent.find((n) => n.channel === 'email')).toMatchObject({ state: 'skipped', response: expect.stringContaining('Notifications page') });
    const test = await api(admin.token, 'POST', '/api/v1/notifications/smtp/test', { to: 'duty@cert.example.org' });
    expect(test.statusCode).toBe(409);
    expect(test.headers['content-type']).toContain('application/problem+json');
    expect(test.json()).toMatchObject({ type: expect.stringContaining('email-not-configured') });
  });

  it.each([
    ['a port out of range', { port: 0 }],
    ['an unknown security', { security: 'ssl' }],
    ['a host with spaces', { host: 'mail example org' }],
    ['a URL for a host', { host: 'smtp://mail.example.org' }],
    ['a sender with a line break (header injection)', { from: 'accord@cert.example.org\r\nBcc: all@example.org' }],
    ['a sender that is no address', { from: 'Accord' }],
    ['an unknown field', { tls: true }],
    ['a password without a user name', { username: null }],
  ])('refuses %s with a 400 problem and keeps e-mail off', async (_what, change) => {
    const res = await api(admin.token, 'PUT', '/api/v1/notifications/smtp', { ...good(), ...change });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await api(admin.token, 'GET', '/api/v1/notifications/smtp')).json().source).toBe('none');
  });

  it('saves the server with the password sealed and never shown, audits it without the password, and sends a test e-mail through a real SMTP login', async () => {
    const put = await api(admin.token, 'PUT', '/api/v1/notifications/smtp', good());
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ source: 'web', editable: true, host: '127.0.0.1', port: relay.port, security: 'none', username: USER, password_set: true, from: 'Accord UZ-CERT <accord@cert.example.org>', updated_by: `user:${admin.user.id}` });
    expect(put.body).not.toContain(PASSWORD);
    expect((await api(admin.token, 'GET', '/api/v1/notifications/smtp')).body).not.toContain(PASSWORD);
    const stored = await node.ctx.store.db.selectFrom('notification_smtp').selectAll().executeTakeFirstOrThrow();
    expect(isSealed(stored.password!)).toBe(true);
    expect(stored.password).not.toContain(PASSWORD);
    const [audit] = await auditOf('notifications.smtp');
    expect(audit!.actor).toBe(`user:${admin.user.id}`);
    expect(JSON.parse(audit!.details)).toMatchObject({ host: '127.0.0.1', security: 'none', password: 'changed' });
    expect(audit!.details).not.toContain(PASSWORD);
    expect((await api(officer.token, 'GET', '/api/v1/notifications/email-status')).json()).toEqual({ configured: true, source: 'web' });

    const test = await api(admin.token, 'POST', '/api/v1/notifications/smtp/test', { to: 'duty@cert.example.org' });
    expect(test.statusCode).toBe(200);
    expect(test.json()).toEqual({ sent: true, response: expect.stringMatching(/^250 .*relay-1/), error: null, smtp_code: 250 });
    const mail = relay.mails.at(-1)!;
    expect(mail).toMatchObject({ from: 'accord@cert.example.org', to: ['duty@cert.example.org'], user: USER });
    expect(mail.raw).toMatch(/^Subject: Accord test e-mail$/m);
    expect(JSON.parse((await auditOf('notifications.smtp_test'))[0]!.details)).toMatchObject({ to: 'duty@cert.example.org', source: 'web', sent: true, smtp_code: 250 });
  });

  it("shows the server's refusal of a wrong password without the password, and keeps a password that is not sent again", async () => {
    const wrong = 'wrong-Secret-9';
    expect((await api(admin.token, 'PUT', '/api/v1/notifications/smtp', { ...good(), password: wrong })).statusCode).toBe(200);
    const test = await api(admin.token, 'POST', '/api/v1/notifications/smtp/test', { to: 'duty@cert.example.org' });
    expect(test.json()).toMatchObject({ sent: false, response: null, smtp_code: 535, error: expect.stringMatching(/535|Invalid login/i) });
    expect(test.body).not.toContain(wrong);
    expect(test.body).not.toContain(Buffer.from(wrong).toString('base64'));

    expect((await api(admin.token, 'PUT', '/api/v1/notifications/smtp', good())).statusCode).toBe(200);
    // Saved again without a password: the stored one stays.
    const { password: _omitted, ...withoutPassword } = good();
    const kept = await api(admin.token, 'PUT', '/api/v1/notifications/smtp', { ...withoutPassword, port: relay.port });
    expect(kept.json()).toMatchObject({ password_set: true });
    expect(JSON.parse((await auditOf('notifications.smtp'))[0]!.details)).toMatchObject({ password: 'kept' });
    expect((await api(admin.token, 'POST', '/api/v1/notifications/smtp/test', { to: 'duty@cert.example.org' })).json()).toMatchObject({ sent: true });
    expect((await api(admin.token, 'POST', '/api/v1/notifications/smtp/test', { to: 'not an address' })).statusCode).toBe(400);
  });

  it('e-mails a notification through the saved server once it is set', async () => {
    const before = relay.mails.length;
    const res = await api(officer.token, 'POST', '/api/v1/notifications/test');
    expect(res.statusCode).toBe(202);
    const email = (res.json().notifications as { id: string; channel: string; state: string }[]).find((n) => n.channel === 'email')!;
    expect(email.state).toBe('pending');
    const done = await waitFor(async () => {
      const r = await node.ctx.store.db.selectFrom('notifications').selectAll().where('id', '=', email.id).executeTakeFirstOrThrow();
      return r.state !== 'pending' && r;
    }, 'the e-mail to be sent');
    expect(done).toMatchObject({ state: 'sent', recipient: officer.email });
    expect(done.response).toMatch(/^250 /);
    expect(relay.mails.slice(before)).toEqual([expect.objectContaining({ to: [officer.email], from: 'accord@cert.example.org', user: USER })]);
  });

  it('lets ACCORD_SMTP_URL take precedence: shown read-only without its password, not changeable here, and used for tests', async () => {
    const mailbox = await startMailbox();
    node.ctx.settings.smtpUrl = mailbox.url.replace('smtp://', 'smtp://env-user:env-Secret-1@');
    try {
      const got = await api(admin.token, 'GET', '/api/v1/notifications/smtp');
      expect(got.json()).toMatchObject({ source: 'environment', editable: false, host: '127.0.0.1', security: 'opportunistic', username: 'env-user', password_set: true });
      expect(got.body).not.toContain('env-Secret-1');
      const put = await api(admin.token, 'PUT', '/api/v1/notifications/smtp', good());
      expect(put.statusCode).toBe(409);
      expect(put.json()).toMatchObject({ type: expect.stringContaining('smtp-from-environment') });
      expect((await api(admin.token, 'DELETE', '/api/v1/notifications/smtp')).statusCode).toBe(409);
      node.ctx.settings.smtpUrl = mailbox.url;
      const test = await api(admin.token, 'POST', '/api/v1/notifications/smtp/test', { to: 'env@cert.example.org' });
      expect(test.json()).toMatchObject({ sent: true });
      expect(mailbox.mails.map((m) => m.to)).toEqual([['env@cert.example.org']]);
    } finally {
      node.ctx.settings.smtpUrl = undefined;
      await mailbox.close();
    }
  });

  it('removes the saved server: e-mail is off again', async () => {
    const del = await api(admin.token, 'DELETE', '/api/v1/notifications/smtp');
    expect(del.json()).toMatchObject({ source: 'none', password_set: false });
    expect((await api(officer.token, 'GET', '/api/v1/notifications/email-status')).json()).toEqual({ configured: false, source: 'none' });
    expect(await auditOf('notifications.smtp_removed')).toHaveLength(1);
  });

  it('is for administrators only', async () => {
    for (const [method, url, body] of [['GET', '/api/v1/notifications/smtp'], ['PUT', '/api/v1/notifications/smtp', good()], ['DELETE', '/api/v1/notifications/smtp'], ['POST', '/api/v1/notifications/smtp/test', { to: 'x@example.org' }]] as const) {
      const res = await api(officer.token, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });
});
