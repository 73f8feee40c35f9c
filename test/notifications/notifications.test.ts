import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DirectoryNotification } from '../../src/directory/directory.rules.js';
import { NotificationKind } from '../../src/notifications/notifications.rules.js';
import { listNotifications, notify, sendTestNotification, TooManyTestsError, type Notification, type NotifyInput } from '../../src/notifications/notifications.service.js';
import { NotificationWorker } from '../../src/notifications/notifications.worker.js';
import { DIALECTS } from '../_util/db.js';
import { freePort } from '../_util/node-process.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}
type SmtpFault = 'close' | '451';

/** A real SMTP server on a free port that records what it accepts; faults are queued per test. */
async function startSmtp() {
  const mails: Mail[] = [];
  const faults: SmtpFault[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, cb) {
      if (faults[0] === 'close') {
        faults.shift();
        return cb(Object.assign(new Error('Service not available, closing channel'), { responseCode: 421 }));
      }
      cb();
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('reject')) return cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
      if (faults[0] === '451') {
        faults.shift();
        return cb(Object.assign(new Error('Try again later'), { responseCode: 451 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const env = session.envelope;
        mails.push({ from: env.mailFrom ? env.mailFrom.address : '', to: env.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb(null, 'Message queued as test-1');
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', res));
  return { mails, faults, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((res) => server.close(() => res())) };
}

/** A webhook receiver that keeps the raw bodies and headers. */
async function startReceiver() {
  const calls: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: HttpServer = createHttpServer((req, res) => {
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

/** Accepts TCP connections and never says a word: the worst kind of mail server. */
async function startSilentServer() {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((res) => {
      for (const s of sockets) s.destroy();
      server.close(() => res());
    }),
  };
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

function validSignature(secret: string, body: string, header: string | string[] | undefined): boolean {
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const got = Buffer.from(String(header ?? ''));
  return got.length === want.length && timingSafeEqual(got, want);
}

describe.each(DIALECTS)('notifications on %s', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  let worker: NotificationWorker;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hook: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    hook = await startReceiver();
    // The test receivers listen on 127.0.0.1, which webhooks may reach only when allowed.
    node = await createTestNode(dialect, { requireAdminTotp: false, smtpUrl: smtp.url, smtpFrom: 'Accord <accord@test.example>', notifyRetryBaseMs: 20, notifyMaxAttempts: 6, webhookAllow: '127.0.0.1' });
    app = await buildTestApp(node.ctx);
    worker = new NotificationWorker(node.ctx, undefined, { intervalMs: 20, timeoutMs: 400 });
    worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await app.close();
    await node.close();
    await smtp.close();
    await hook.close();
  });

  const send = (input: NotifyInput) => node.ctx.store.db.transaction().execute((trx) => notify(node.ctx, trx, input));
  const rowsOf = async (userId: string) => (await listNotifications(node.ctx.store.db, { userId, limit: 100 })).notifications;
  const row = async (id: string) => (await node.ctx.store.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const settled = (id: string) => waitFor(async () => { const r = await row(id); return r.state !== 'pending' && r; }, `notification ${id} to settle`);
  const api = (token: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

  it('e-mails a user through a real SMTP conversation, with the subject and recipient, and records the reply', async () => {
    const { user } = await buildUser(node.ctx, 'officer');
    const [n] = await send({ kind: DirectoryNotification.pingTestRequest, userIds: [user.id], subject: 'Ping test: please confirm', text: 'Confirm within 30 minutes.', link: 'https://node.example/ping/1' });
    expect(n).toMatchObject({ channel: 'email', recipient: user.email, state: 'pending' });
    const done = await settled(n!.id);
    expect(done).toMatchObject({ state: 'sent', attempts: 1 });
    expect(done.response).toMatch(/^250 .*test-1/);
    const mail = smtp.mails.find((m) => m.to.includes(user.email))!;
    expect(mail.from).toBe('accord@test.example');
    expect(mail.raw).toMatch(/^Subject: Ping test: please confirm$/m);
    expect(mail.raw).toContain('https://node.example/ping/1');
  });

  it('posts a webhook signed with the user\'s secret (X-Accord-Signature: sha256=<hex>)', async () => {
    const { user, token } = await buildUser(node.ctx, 'analyst');
    const put = await api(token, 'PUT', '/api/v1/notifications/preferences', { kinds: { 'ping_test.result': 'webhook' }, webhook_url: hook.url });
    expect(put.statusCode).toBe(200);
    const secret = put.json().webhook_secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect((await api(token, 'GET', '/api/v1/notifications/preferences')).json()).toEqual({ kinds: expect.objectContaining({ 'ping_test.result': 'webhook' }), webhook_url: hook.url, webhook_secret_set: true });

    const [n] = await send({ kind: DirectoryNotification.pingTestResult, userIds: [user.id], subject: 'Ping test answered', text: 'kz-cert answered in 4 min', data: { node: 'kz-cert', minutes: 4 } });
    expect(n).toMatchObject({ channel: 'webhook', recipient: hook.url });
    expect(await settled(n!.id)).toMatchObject({ state: 'sent', response: 'HTTP 204' });
    const call = hook.calls.find((c) => c.headers['x-accord-delivery'] === n!.id)!;
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers['x-accord-event']).toBe('ping_test.result');
    expect(validSignature(secret, call.body, call.headers['x-accord-signature'])).toBe(true);
    expect(JSON.parse(call.body)).toMatchObject({ id: n!.id, kind: 'ping_test.result', subject: 'Ping test answered', data: { node: 'kz-cert', minutes: 4 } });

    // A rotated secret signs the next call; the old one no longer verifies.
    const rotated = (await api(token, 'POST', '/api/v1/notifications/webhook-secret')).json().webhook_secret as string;
    expect(rotated).not.toBe(secret);
    const [m] = await send({ kind: DirectoryNotification.pingTestResult, userIds: [user.id], subject: 'Again', text: 'x' });
    await settled(m!.id);
    const again = hook.calls.find((c) => c.headers['x-accord-delivery'] === m!.id)!;
    expect(validSignature(rotated, again.body, again.headers['x-accord-signature'])).toBe(true);
    expect(validSignature(secret, again.body, again.headers['x-accord-signature'])).toBe(false);
  });

  it('respects preferences per kind: none records one skipped row and sends nothing; both sends both', async () => {
    const { user, token } = await buildUser(node.ctx, 'coordinator');
    await api(token, 'PUT', '/api/v1/notifications/preferences', { kinds: { 'ping_test.request': 'none', 'ping_test.escalation': 'both' }, webhook_url: hook.url });
    const mailsBefore = smtp.mails.length;
    const hooksBefore = hook.calls.length;
    const off = await send({ kind: DirectoryNotification.pingTestRequest, userIds: [user.id], subject: 'Ping', text: 'x' });
    expect(off).toEqual([expect.objectContaining({ channel: 'none', state: 'skipped', response: 'turned off in the preferences' })]);
    const deadline = await send({ kind: NotificationKind.caseDeadline, userIds: [user.id], subject: 'Deadline', text: 'x' });
    expect(deadline).toEqual([expect.objectContaining({ channel: 'none', state: 'skipped' })]); // the default for case deadlines
    await worker.idle();
    expect(smtp.mails.length).toBe(mailsBefore);
    expect(hook.calls.length).toBe(hooksBefore);

    const both = await send({ kind: DirectoryNotification.pingTestEscalation, userIds: [user.id], subject: 'Escalation', text: 'nobody answered' });
    expect(both.map((n) => n.channel).sort()).toEqual(['email', 'webhook']);
    for (const n of both) expect(await settled(n.id)).toMatchObject({ state: 'sent' });
    expect((await rowsOf(user.id)).map((n) => n.kind)).toEqual(['ping_test.escalation', 'ping_test.escalation', 'case.deadline', 'ping_test.request']);
  });

  it('retries a mail server that closes the connection or answers 451, with backoff, and delivers once it recovers', async () => {
    const { user } = await buildUser(node.ctx, 'officer');
    smtp.faults.push('close', '451', '451');
    const [n] = await send({ kind: DirectoryNotification.expiring, userIds: [user.id], subject: 'Your directory entry expires soon', text: 'Renew it.' });
    const done = await settled(n!.id);
    expect(done).toMatchObject({ state: 'sent', attempts: 4 });
    expect(smtp.faults).toEqual([]);
    expect(smtp.mails.filter((m) => m.to.includes(user.email))).toHaveLength(1);
  });

  it('gives up at once on a permanent refusal (550)', async () => {
    const [n] = await send({ kind: DirectoryNotification.pingTestRequest, to: { email: 'reject-me@example.org' }, subject: 'Ping', text: 'x' });
    const done = await settled(n!.id);
    expect(done).toMatchObject({ state: 'failed', attempts: 1 });
    expect(done.last_error).toMatch(/550/);
  });

  it('marks e-mail failed after the last attempt when the mail server is dead, while webhooks go out and requests stay fast', async () => {
    const silent = await startSilentServer();
    node.ctx.settings.smtpUrl = silent.url;
    try {
      const { token } = await buildUser(node.ctx, 'analyst');
      await api(token, 'PUT', '/api/v1/notifications/preferences', { webhook_url: hook.url });
      const started = Date.now();
      const res = await api(token, 'POST', '/api/v1/notifications/test');
      // Far below the 10 s SMTP timeout: the request never waits for the mail server.
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.statusCode).toBe(202);
      const sent = res.json().notifications as Notification[];
      const email = sent.find((n) => n.channel === 'email')!;
      const webhook = sent.find((n) => n.channel === 'webhook')!;
      // The webhook is delivered while the e-mail is still waiting for a greeting.
      expect(await settled(webhook.id)).toMatchObject({ state: 'sent' });
      expect((await row(email.id)).state).toBe('pending');
      for (let i = 0; i < 5; i++) {
        const t = Date.now();
        expect((await api(token, 'GET', '/api/v1/notifications')).statusCode).toBe(200);
        expect(Date.now() - t).toBeLessThan(2000);
      }
      const failed = await settled(email.id);
      expect(failed).toMatchObject({ state: 'failed', attempts: node.ctx.settings.notifyMaxAttempts });
      expect(failed.last_error).toMatch(/greeting|timeout/i);
    } finally {
      node.ctx.settings.smtpUrl = smtp.url;
      await silent.close();
    }
  });

  it('records e-mail as skipped when no SMTP server is configured', async () => {
    node.ctx.settings.smtpUrl = undefined;
    try {
      const { user } = await buildUser(node.ctx, 'auditor');
      const [n] = await send({ kind: DirectoryNotification.pingTestRequest, userIds: [user.id], subject: 'Ping', text: 'x' });
      expect(n).toMatchObject({ channel: 'email', state: 'skipped', response: expect.stringMatching(/ACCORD_SMTP_URL/) });
    } finally {
      node.ctx.settings.smtpUrl = smtp.url;
    }
  });

  it('lists only your own notifications, newest first, in pages; admins and auditors see all', async () => {
    const a = await buildUser(node.ctx, 'analyst');
    const b = await buildUser(node.ctx, 'analyst');
    for (let i = 1; i <= 3; i++) await send({ kind: NotificationKind.caseDeadline, userIds: [a.user.id], subject: `Deadline ${i}`, text: 'x' });
    await send({ kind: NotificationKind.caseDeadline, userIds: [b.user.id], subject: 'Not yours', text: 'x' });
    const first = (await api(a.token, 'GET', '/api/v1/notifications?limit=2')).json();
    expect(first.notifications.map((n: Notification) => n.subject)).toEqual(['Deadline 3', 'Deadline 2']);
    const second = (await api(a.token, 'GET', `/api/v1/notifications?limit=2&before=${first.next_before}`)).json();
    expect(second).toMatchObject({ notifications: [expect.objectContaining({ subject: 'Deadline 1' })], next_before: null });
    expect(JSON.stringify(second)).not.toContain('secret');
    const admin = await buildUser(node.ctx, 'admin');
    const all = (await api(admin.token, 'GET', '/api/v1/notifications/all?limit=500')).json();
    expect(all.notifications.some((n: Notification) => n.subject === 'Not yours')).toBe(true);
    expect((await api(a.token, 'GET', '/api/v1/notifications/all')).statusCode).toBe(403);
  });

  it("shows admins and auditors everyone's notifications without the links (tokens) of others", async () => {
    const a = await buildUser(node.ctx, 'officer');
    const auditor = await buildUser(node.ctx, 'auditor');
    const secretLink = 'http://node.example/ping-tests/confirm?token=SeCrEt-token-of-someone-else-123';
    const text = `Confirm here: ${secretLink}\nor in Accord.`;
    await send({ kind: DirectoryNotification.pingTestRequest, userIds: [a.user.id], subject: 'Others ping', text, link: secretLink });
    await send({ kind: DirectoryNotification.pingTestRequest, to: { email: 'duty@elsewhere.example' }, subject: 'Contact ping', text, link: secretLink });
    await send({ kind: DirectoryNotification.pingTestRequest, userIds: [auditor.user.id], subject: 'My ping', text, link: secretLink });
    const all = (await api(auditor.token, 'GET', '/api/v1/notifications/all?limit=500')).json().notifications as Notification[];
    const others = all.filter((n) => n.subject === 'Others ping' || n.subject === 'Contact ping');
    expect(others.length).toBeGreaterThanOrEqual(2);
    for (const n of others) {
      expect(n.link).toBeNull();
      expect(JSON.stringify(n)).not.toContain('SeCrEt-token');
      expect(n.text).toContain('Confirm here:');
    }
    // Someone's webhook URL may hold their receiver's secret in its path: only its origin is shown.
    expect((await api(a.token, 'PUT', '/api/v1/notifications/preferences', { kinds: { 'case.deadline': 'webhook' }, webhook_url: `${hook.url}/T0001/B0002/hook-secret-xyz` })).statusCode).toBe(200);
    await send({ kind: NotificationKind.caseDeadline, userIds: [a.user.id], subject: 'Others hook', text: 'x' });
    const hookRow = ((await api(auditor.token, 'GET', '/api/v1/notifications/all?limit=500')).json().notifications as Notification[]).find((n) => n.subject === 'Others hook')!;
    expect(hookRow.recipient).toBe(`${new URL(hook.url).origin}/…`);
    // The viewer's own notifications, and each user's own list, keep their links.
    expect(all.find((n) => n.subject === 'My ping')).toMatchObject({ link: secretLink, text });
    const own = (await api(a.token, 'GET', '/api/v1/notifications')).json().notifications as Notification[];
    expect(own.find((n) => n.subject === 'Others ping')).toMatchObject({ link: secretLink, text });
    expect(own.find((n) => n.subject === 'Others hook')?.recipient).toContain('hook-secret-xyz');
  });

  it('refuses bad preferences with a 400 problem and changes nothing', async () => {
    const { token } = await buildUser(node.ctx, 'officer');
    const bad: object[] = [
      { kinds: { 'ping_test.request': 'pigeon' } },
      { kinds: { 'no.such.kind': 'email' } },
      { webhook_url: 'ftp://example.org/hook' },
      { webhook_url: 'https://user:pw@example.org/hook' },
      { webhook_url: 42 },
      { is_admin: true },
    ];
    for (const payload of bad) {
      const res = await api(token, 'PUT', '/api/v1/notifications/preferences', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await api(token, 'GET', '/api/v1/notifications/preferences')).json()).toMatchObject({ kinds: { 'ping_test.request': 'email' }, webhook_url: null, webhook_secret_set: false });
    for (const q of ['limit=0', 'limit=abc', `before=${'x'.repeat(200)}`, 'sort=asc']) {
      expect((await api(token, 'GET', `/api/v1/notifications?${q}`)).statusCode, q).toBe(400);
    }
  });

  it('refuses webhooks to loopback, private, link-local, unique-local and metadata addresses, in every spelling', async () => {
    const { token } = await buildUser(node.ctx, 'auditor');
    const internal = [
      'http://localhost:8480/',
      'http://127.0.0.1:22/',
      'http://[::1]:5432/',
      'http://167772161/', // 10.0.0.1 as a decimal number
      'http://0x0a.0.0.1/',
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0:8480/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://[::]/',
      'http://[::ffff:10.0.0.1]/',
      'http://[::ffff:169.254.169.254]/',
    ];
    node.ctx.settings.webhookAllow = [];
    try {
      for (const webhook_url of internal) {
        const res = await api(token, 'PUT', '/api/v1/notifications/preferences', { webhook_url });
        expect(res.statusCode, webhook_url).toBe(400);
        expect(res.json().detail).toMatch(/public address/);
      }
      expect((await api(token, 'GET', '/api/v1/notifications/preferences')).json().webhook_url).toBeNull();
      await expect(send({ kind: NotificationKind.test, to: { webhook: 'http://192.168.0.10/' }, subject: 'x', text: 'x' })).rejects.toThrow(/public address/);
    } finally {
      node.ctx.settings.webhookAllow = ['127.0.0.1'];
    }
    // What feeds may follow (ACCORD_FEED_ALLOW) does not open webhooks.
    node.ctx.settings.webhookAllow = [];
    node.ctx.settings.feedAllow = ['127.0.0.1'];
    try {
      expect((await api(token, 'PUT', '/api/v1/notifications/preferences', { webhook_url: 'http://127.0.0.1:22/' })).statusCode).toBe(400);
    } finally {
      node.ctx.settings.webhookAllow = ['127.0.0.1'];
      node.ctx.settings.feedAllow = [];
    }
    // What the operator allows (ACCORD_WEBHOOK_ALLOW) is accepted.
    expect((await api(token, 'PUT', '/api/v1/notifications/preferences', { webhook_url: 'http://127.0.0.1:22/' })).statusCode).toBe(200);
  });

  it('checks the address again when sending, and shows the user no connection details', async () => {
    const { user, token } = await buildUser(node.ctx, 'analyst');
    const closedPort = await freePort();
    expect((await api(token, 'PUT', '/api/v1/notifications/preferences', { kinds: { 'ping_test.result': 'webhook' }, webhook_url: `http://127.0.0.1:${closedPort}/hook` })).statusCode).toBe(200);
    const [dead] = await send({ kind: DirectoryNotification.pingTestResult, userIds: [user.id], subject: 'x', text: 'x' });
    const failed = await settled(dead!.id);
    expect(failed.state).toBe('failed');
    expect(failed.last_error).toBe('the webhook could not be reached');

    // Allowed when saved, no longer when sent (the setting changed; DNS may do the same): nothing goes out.
    expect((await api(token, 'PUT', '/api/v1/notifications/preferences', { webhook_url: hook.url })).statusCode).toBe(200);
    const before = hook.calls.length;
    node.ctx.settings.webhookAllow = [];
    try {
      const [n] = await send({ kind: DirectoryNotification.pingTestResult, userIds: [user.id], subject: 'x', text: 'x' });
      const refused = await settled(n!.id);
      expect(refused).toMatchObject({ state: 'failed', attempts: 1 });
      expect(refused.last_error).toMatch(/not allowed/);
      expect(refused.last_error).not.toContain('127.0.0.1');
      expect(hook.calls.length).toBe(before);
    } finally {
      node.ctx.settings.webhookAllow = ['127.0.0.1'];
    }
  });

  it('limits test sends per user', async () => {
    const { token } = await buildUser(node.ctx, 'auditor');
    for (let i = 0; i < 5; i++) expect((await api(token, 'POST', '/api/v1/notifications/test')).statusCode).toBe(202);
    const res = await api(token, 'POST', '/api/v1/notifications/test');
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toContain('application/problem+json');
    // Another user is not held back.
    expect((await api((await buildUser(node.ctx, 'auditor')).token, 'POST', '/api/v1/notifications/test')).statusCode).toBe(202);
  });

  it('counts test sends made in the same millisecond one by one', async () => {
    const { user } = await buildUser(node.ctx, 'officer');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      for (let i = 0; i < 5; i++) await sendTestNotification(node.ctx, user.id);
      await expect(sendTestNotification(node.ctx, user.id)).rejects.toBeInstanceOf(TooManyTestsError);
    } finally {
      vi.useRealTimers();
    }
  });

  it('audits preference changes and secret rotations', async () => {
    const { user, token } = await buildUser(node.ctx, 'officer');
    await api(token, 'PUT', '/api/v1/notifications/preferences', { kinds: { 'case.deadline': 'email' } });
    await api(token, 'POST', '/api/v1/notifications/webhook-secret');
    const actions = await node.ctx.store.db.selectFrom('audit_log').select('action').where('target', '=', `user:${user.id}`).execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['notifications.preferences', 'notifications.webhook_secret']));
  });
});
