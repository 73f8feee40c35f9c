import { authenticator } from 'otplib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetTokenLookups } from '../../src/auth/token-lookups.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, SessionClient, TEST_PASSWORD, type TestNode } from '../_util/node.js';

const NEW_PASSWORD = 'a much better passphrase 42';

describe.each(DIALECTS)('sign-in on %s', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  beforeEach(async () => {
    node = await createTestNode(dialect, { loginMaxFailures: 3, loginRatePerMinute: 1000 });
    app = await buildTestApp(node.ctx);
  });
  afterEach(async () => {
    await app.close();
    await node.close();
  });

  it('takes the first admin from one-time password through password change and TOTP enrolment to a full session', async () => {
    const c = new SessionClient(app);
    const r1 = await c.signIn(node.adminEmail, node.adminPassword);
    expect(r1.statusCode).toBe(200);
    expect(r1.json().stage).toBe('password_change');
    const cookie = r1.cookies.find((k) => k.name === 'accord_session_test-node')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');

    // Half signed in: the API beyond the sign-in steps stays closed.
    expect((await c.request('GET', '/api/v1/users')).json()).toMatchObject({ status: 403, stage: 'password_change' });

    const r2 = await c.request('POST', '/api/v1/auth/password', { current_password: node.adminPassword, new_password: NEW_PASSWORD });
    expect(r2.json()).toEqual({ stage: 'totp_enrol' });

    const enrol = (await c.request('POST', '/api/v1/auth/totp/enrolment')).json();
    expect(enrol.otpauth_uri).toMatch(/^otpauth:\/\/totp\//);
    expect(enrol.qr_svg).toContain('<svg');
    expect((await c.request('POST', '/api/v1/auth/totp/enrolment/confirm', { code: '000000' })).statusCode).toBe(400);
    const done = (await c.request('POST', '/api/v1/auth/totp/enrolment/confirm', { code: authenticator.generate(enrol.secret) })).json();
    expect(done.stage).toBe('full');
    expect(done.recovery_codes).toHaveLength(10);
    expect((await c.request('GET', '/api/v1/users')).statusCode).toBe(200);

    // Next time: password, then the TOTP code.
    await c.request('POST', '/api/v1/auth/sign-out');
    expect((await c.request('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    const again = new SessionClient(app);
    expect((await again.signIn(node.adminEmail, NEW_PASSWORD)).json().stage).toBe('totp');
    // The confirming code is used up; the next step's code (one step of drift is accepted) signs in.
    expect((await again.request('POST', '/api/v1/auth/second-factor', { code: authenticator.clone({ epoch: Date.now() + 30_000 }).generate(enrol.secret) })).json()).toEqual({ stage: 'full' });

    // A recovery code works once.
    const third = new SessionClient(app);
    await third.signIn(node.adminEmail, NEW_PASSWORD);
    expect((await third.request('POST', '/api/v1/auth/second-factor', { recovery_code: done.recovery_codes[0] })).json()).toEqual({ stage: 'full' });
    const fourth = new SessionClient(app);
    await fourth.signIn(node.adminEmail, NEW_PASSWORD);
    expect((await fourth.request('POST', '/api/v1/auth/second-factor', { recovery_code: done.recovery_codes[0] })).statusCode).toBe(401);
  });

  it('answers wrong password and unknown user alike, and locks the account after the set number of failures', async () => {
    const u = await buildUser(node.ctx, 'officer');
    const c = new SessionClient(app);
    const unknown = await c.signIn('nobody@example.org', 'whatever-password');
    const wrong = await c.signIn(u.email, 'wrong password!!');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ type: 'urn:accord:problem:invalid-credentials', status: 401 });
    expect(unknown.json().detail).toBe(wrong.json().detail);
    await c.signIn(u.email, 'wrong password!!');
    const locked = await c.signIn(u.email, 'wrong password!!');
    expect(locked.statusCode).toBe(423);
    expect(locked.headers['content-type']).toContain('application/problem+json');
    // Even the right password is refused while locked.
    expect((await c.signIn(u.email, TEST_PASSWORD)).statusCode).toBe(423);
  });

  it('refuses state changes from a session without the CSRF header', async () => {
    const u = await buildUser(node.ctx, 'officer');
    const c = new SessionClient(app);
    expect((await c.signIn(u.email, TEST_PASSWORD)).json().stage).toBe('full');
    const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie: c.cookie }, payload: { name: 'x' } });
    expect(res.json()).toMatchObject({ status: 403, type: 'urn:accord:problem:csrf' });
    expect((await c.request('POST', '/api/v1/tokens', { name: 'x' })).statusCode).toBe(201);
  });

  it('ends sessions and refuses sign-in of a disabled user; a reset unlocks with a new one-time password', async () => {
    const admin = await buildUser(node.ctx, 'admin');
    const u = await buildUser(node.ctx, 'analyst');
    const c = new SessionClient(app);
    await c.signIn(u.email, TEST_PASSWORD);
    const auth = { authorization: `Bearer ${admin.token}` };
    expect((await app.inject({ method: 'PATCH', url: `/api/v1/users/${u.user.id}`, headers: auth, payload: { disabled: true } })).statusCode).toBe(200);
    expect((await c.request('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    expect((await new SessionClient(app).signIn(u.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/node', headers: { authorization: `Bearer ${u.token}` } })).statusCode).toBe(401);

    await app.inject({ method: 'PATCH', url: `/api/v1/users/${u.user.id}`, headers: auth, payload: { disabled: false } });
    const reset = (await app.inject({ method: 'POST', url: `/api/v1/users/${u.user.id}/reset`, headers: auth, payload: {} })).json();
    expect(reset.one_time_password).toHaveLength(20);
    expect((await new SessionClient(app).signIn(u.email, reset.one_time_password)).json().stage).toBe('password_change');
  });

  it('sets the new password right after a one-time-password sign-in without asking for it again, and nowhere else', async () => {
    const admin = await buildUser(node.ctx, 'admin');
    const u = await buildUser(node.ctx, 'analyst');
    const auth = { authorization: `Bearer ${admin.token}` };
    const resetPassword = async () => (await app.inject({ method: 'POST', url: `/api/v1/users/${u.user.id}/reset`, headers: auth, payload: {} })).json().one_time_password as string;

    // A full session must still give the current password.
    const full = new SessionClient(app);
    await full.signIn(u.email, TEST_PASSWORD);
    const refused = await full.request('POST', '/api/v1/auth/password', { new_password: NEW_PASSWORD });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().detail).toMatch(/current_password/);

    // Just signed in with the one-time password: the new one is enough, but not the same one again.
    const otp = await resetPassword();
    const fresh = new SessionClient(app);
    expect((await fresh.signIn(u.email, otp)).json().stage).toBe('password_change');
    expect((await fresh.request('POST', '/api/v1/auth/password', { new_password: otp })).statusCode).toBe(400);
    expect((await fresh.request('POST', '/api/v1/auth/password', { new_password: NEW_PASSWORD })).json()).toEqual({ stage: 'full' });
    expect((await new SessionClient(app).signIn(u.email, NEW_PASSWORD)).json().stage).toBe('full');

    // A password-change session left open past the window must give the one-time password.
    const otp2 = await resetPassword();
    const stale = new SessionClient(app);
    await stale.signIn(u.email, otp2);
    const longAgo = new Date(Date.now() - 20 * 60_000).toISOString();
    await node.ctx.store.db.updateTable('sessions').set({ created_at: longAgo }).where('user_id', '=', u.user.id).execute();
    expect((await stale.request('POST', '/api/v1/auth/password', { new_password: 'another fine passphrase 7' })).statusCode).toBe(400);
    expect((await stale.request('POST', '/api/v1/auth/password', { current_password: otp2, new_password: 'another fine passphrase 7' })).json()).toEqual({ stage: 'full' });
  });

  it('keeps at least one active administrator', async () => {
    const admin = await buildUser(node.ctx, 'admin');
    const first = (await app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${admin.token}` } })).json().find((x: { email: string }) => x.email === node.adminEmail);
    const auth = { authorization: `Bearer ${admin.token}` };
    expect((await app.inject({ method: 'PATCH', url: `/api/v1/users/${first.id}`, headers: auth, payload: { disabled: true } })).statusCode).toBe(200);
    const self = await app.inject({ method: 'PATCH', url: `/api/v1/users/${admin.user.id}`, headers: auth, payload: { role: 'auditor' } });
    expect(self.json()).toMatchObject({ status: 409, type: 'urn:accord:problem:conflict' });
  });

  it('rate-limits sign-in attempts per address with a 429 problem', async () => {
    const limited = await createTestNode(dialect, { loginRatePerMinute: 3 }, 'limited');
    const app2 = await buildTestApp(limited.ctx);
    try {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await new SessionClient(app2).signIn('x@example.org', 'nope-nope-nope')).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await app2.close();
      await limited.close();
    }
  });

  it('revoked and expired API tokens are refused', async () => {
    const u = await buildUser(node.ctx, 'analyst');
    const h = { authorization: `Bearer ${u.token}` };
    const list = (await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: h })).json();
    expect(list).toHaveLength(1);
    expect(list[0]).not.toHaveProperty('token_hash');
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${list[0].id}`, headers: h })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/node', headers: h })).json()).toMatchObject({ status: 401 });
    await node.ctx.store.db.updateTable('api_tokens').set({ revoked_at: null, expires_at: '2020-01-01T00:00:00.000Z' }).execute();
    // Written behind the node's back, as another process would: forget what this one remembers, so the expiry is what refuses.
    forgetTokenLookups();
    expect((await app.inject({ method: 'GET', url: '/api/v1/node', headers: h })).statusCode).toBe(401);
  });

  it('a token user disabled, enabled or given a new role through this node counts at the next request; a change by another process within a second', async () => {
    const admin = await buildUser(node.ctx, 'admin');
    const u = await buildUser(node.ctx, 'analyst');
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    const node_ = () => app.inject({ method: 'GET', url: '/api/v1/node', headers: as(u.token) });
    const users = () => app.inject({ method: 'GET', url: '/api/v1/users', headers: as(u.token) });
    const patch = (body: object) => app.inject({ method: 'PATCH', url: `/api/v1/users/${u.user.id}`, headers: as(admin.token), payload: body });
    expect([(await node_()).statusCode, (await users()).statusCode]).toEqual([200, 403]);
    expect((await patch({ role: 'auditor' })).statusCode).toBe(200);
    expect((await users()).statusCode).toBe(200);
    expect((await patch({ role: 'analyst' })).statusCode).toBe(200);
    expect((await users()).statusCode).toBe(403);
    expect((await patch({ disabled: true })).statusCode).toBe(200);
    expect((await node_()).statusCode).toBe(401);
    expect((await patch({ disabled: false })).statusCode).toBe(200);
    expect((await node_()).statusCode).toBe(200);
    // Another process (the CLI) disables the user: refused within a second.
    const t0 = Date.now();
    await node.ctx.store.db.updateTable('users').set({ disabled: 1 }).where('id', '=', u.user.id).execute();
    await expect.poll(async () => (await node_()).statusCode, { timeout: 3000, interval: 50 }).toBe(401);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('records sign-ins and failures in the audit log', async () => {
    const u = await buildUser(node.ctx, 'officer');
    await new SessionClient(app).signIn(u.email, 'wrong password!!');
    await new SessionClient(app).signIn(u.email, TEST_PASSWORD);
    const actions = (await node.ctx.store.db.selectFrom('audit_log').select('action').orderBy('seq').execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.sign_in_failed', 'auth.sign_in']));
  });
});
