import { authenticator } from 'otplib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auth } from '../../src/auth/index.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, SessionClient, TEST_PASSWORD, type TestNode } from '../_util/node.js';

/** A code of `secret` for the time step `offset` steps from now (the check accepts one step of drift). */
function codeAt(secret: string, offset = 0): string {
  return authenticator.clone({ epoch: Date.now() + offset * 30_000 }).generate(secret);
}

const STEP = 30_000;

describe.each(DIALECTS)('sign-in hardening on %s (issue 10)', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  beforeEach(async () => {
    node = await createTestNode(dialect, { loginMaxFailures: 5, loginRatePerMinute: 10_000 });
    app = await buildTestApp(node.ctx);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await app.close();
    await node.close();
  });

  const actions = async (action: string) =>
    (await node.ctx.store.db.selectFrom('audit_log').select(['action', 'target', 'details']).where('action', '=', action).orderBy('seq').execute());

  /** A signed-in officer who enrolled TOTP from their full session; returns the client and the secret. */
  async function officerWithTotp() {
    const u = await buildUser(node.ctx, 'officer');
    const c = new SessionClient(app);
    expect((await c.signIn(u.email, TEST_PASSWORD)).json().stage).toBe('full');
    const start = await c.request('POST', '/api/v1/auth/totp/enrolment', { current_password: TEST_PASSWORD });
    expect(start.statusCode).toBe(200);
    const secret = start.json().secret as string;
    expect((await c.request('POST', '/api/v1/auth/totp/enrolment/confirm', { code: codeAt(secret) })).statusCode).toBe(200);
    return { u, c, secret };
  }

  // Finding 2: the count and the lock are one atomic step, so a burst cannot outrun them.
  it('locks the account under 30 parallel wrong passwords, and refuses the right one until the lock ends', async () => {
    const u = await buildUser(node.ctx, 'officer');
    const burst = await Promise.all(Array.from({ length: 30 }, () => new SessionClient(app).signIn(u.email, 'wrong password!!')));
    const codes = burst.map((r) => r.statusCode);
    expect(codes.every((s) => s === 401 || s === 423)).toBe(true);
    // No more guesses were judged than the limit allows.
    expect(codes.filter((s) => s === 401).length).toBeLessThan(5);
    expect(codes.filter((s) => s === 423).length).toBeGreaterThan(25);
    expect((await new SessionClient(app).signIn(u.email, TEST_PASSWORD)).statusCode).toBe(423);

    // When the lock ends, the right password works again.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    expect((await new SessionClient(app).signIn(u.email, TEST_PASSWORD)).json().stage).toBe('full');
  });

  // Finding 16: an unknown (or disabled) account locks exactly like an existing one.
  it('answers an unknown or disabled account like an existing one, lock included', async () => {
    const known = await buildUser(node.ctx, 'officer');
    const disabled = await buildUser(node.ctx, 'analyst');
    const admin = await buildUser(node.ctx, 'admin');
    await app.inject({ method: 'PATCH', url: `/api/v1/users/${disabled.user.id}`, headers: { authorization: `Bearer ${admin.token}` }, payload: { disabled: true } });
    const run = async (email: string) => {
      const out = [];
      for (let i = 0; i < 7; i++) {
        const r = await new SessionClient(app).signIn(email, 'wrong password!!');
        out.push([r.statusCode, r.json().type, r.json().locked_until === undefined]);
      }
      return out;
    };
    const a = await run(known.email);
    expect(a.map((x) => x[0])).toEqual([401, 401, 401, 401, 423, 423, 423]);
    expect(await run('nobody@example.org')).toEqual(a);
    expect(await run(disabled.email)).toEqual(a);
    // In parallel as well.
    const burst = await Promise.all(Array.from({ length: 12 }, () => new SessionClient(app).signIn('Ghost@Example.org', 'wrong password!!')));
    expect(burst.filter((r) => r.statusCode === 423).length).toBeGreaterThanOrEqual(8);
  });

  it('forgets the counts of unknown e-mails after a quiet day, but not a lock still running', async () => {
    for (let i = 0; i < 5; i++) await new SessionClient(app).signIn('locked@example.org', 'wrong password!!');
    await new SessionClient(app).signIn('once@example.org', 'wrong password!!');
    const db = node.ctx.store.db;
    expect(await db.selectFrom('sign_in_throttle').select('key').execute()).toHaveLength(2);
    const prune = auth.jobs!.find((j) => j.name === 'auth.prune-sign-in-throttle')!;
    const log = { info() {}, warn() {}, error() {}, debug() {} } as never;
    await prune.run(node.ctx, { log, now: new Date(Date.now() + 2 * 86_400_000) });
    expect(await db.selectFrom('sign_in_throttle').select('key').execute()).toHaveLength(0);

    for (let i = 0; i < 5; i++) await new SessionClient(app).signIn('locked@example.org', 'wrong password!!');
    await db.updateTable('sign_in_throttle').set({ updated_at: '2020-01-01T00:00:00.000Z' }).execute();
    await prune.run(node.ctx, { log, now: new Date() });
    expect(await db.selectFrom('sign_in_throttle').select('locked_until').execute()).toHaveLength(1);
    expect((await new SessionClient(app).signIn('locked@example.org', 'wrong password!!')).statusCode).toBe(423);
  });

  // Finding 6: the second factor cannot be removed from a session without the password and a code.
  it('refuses to re-enrol TOTP without the password and a current code, keeps the old factor until confirmed, audits it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { u, c, secret } = await officerWithTotp();

    expect((await c.request('POST', '/api/v1/auth/totp/enrolment')).statusCode).toBe(400);
    expect((await c.request('POST', '/api/v1/auth/totp/enrolment', { current_password: 'wrong password!!', code: codeAt(secret, 1) })).statusCode).toBe(401);
    expect((await c.request('POST', '/api/v1/auth/totp/enrolment', { current_password: TEST_PASSWORD })).statusCode).toBe(400);
    expect((await c.request('POST', '/api/v1/auth/totp/enrolment', { current_password: TEST_PASSWORD, code: '000000' })).statusCode).toBe(401);
    const user = async () => (await app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: c.cookie } })).json().user;
    expect((await user()).totp_enabled).toBe(true);

    vi.setSystemTime(Date.now() + STEP);
    const start = await c.request('POST', '/api/v1/auth/totp/enrolment', { current_password: TEST_PASSWORD, code: codeAt(secret) });
    expect(start.statusCode).toBe(200);
    const next = start.json().secret as string;
    expect(next).not.toBe(secret);
    expect((await user()).totp_enabled).toBe(true);

    // Not confirmed yet: the old authenticator still signs in, the new one does not.
    vi.setSystemTime(Date.now() + STEP);
    const other = new SessionClient(app);
    expect((await other.signIn(u.email, TEST_PASSWORD)).json().stage).toBe('totp');
    expect((await other.request('POST', '/api/v1/auth/second-factor', { code: codeAt(next) })).statusCode).toBe(401);
    expect((await other.request('POST', '/api/v1/auth/second-factor', { code: codeAt(secret) })).json()).toEqual({ stage: 'full' });

    // Confirmed: the new one replaces the old one, and other sessions end.
    vi.setSystemTime(Date.now() + STEP);
    expect((await c.request('POST', '/api/v1/auth/totp/enrolment/confirm', { code: codeAt(next) })).statusCode).toBe(200);
    expect((await other.request('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    vi.setSystemTime(Date.now() + STEP);
    const third = new SessionClient(app);
    await third.signIn(u.email, TEST_PASSWORD);
    expect((await third.request('POST', '/api/v1/auth/second-factor', { code: codeAt(secret) })).statusCode).toBe(401);
    expect((await third.request('POST', '/api/v1/auth/second-factor', { code: codeAt(next) })).json()).toEqual({ stage: 'full' });

    expect((await actions('auth.totp_enrolment_started')).map((a) => a.target)).toEqual([`user:${u.user.id}`, `user:${u.user.id}`]);
    expect(await actions('auth.totp_enrolled')).toHaveLength(2);
  });

  // Finding 12: a code is good once.
  it('refuses a TOTP code already used, also when two sessions race with it', async () => {
    const { u, secret } = await officerWithTotp();
    const code = codeAt(secret, 1);
    const a = new SessionClient(app);
    const b = new SessionClient(app);
    const d = new SessionClient(app);
    await a.signIn(u.email, TEST_PASSWORD);
    await b.signIn(u.email, TEST_PASSWORD);
    await d.signIn(u.email, TEST_PASSWORD);
    const raced = await Promise.all([a, b].map((x) => x.request('POST', '/api/v1/auth/second-factor', { code })));
    expect(raced.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    expect((await d.request('POST', '/api/v1/auth/second-factor', { code })).statusCode).toBe(401);
    // An older step than the last one used is refused as well.
    expect((await d.request('POST', '/api/v1/auth/second-factor', { code: codeAt(secret) })).statusCode).toBe(401);
  });

  // Sibling of 12: a recovery code is spent once, also by two sessions racing with it.
  it('spends a recovery code once under a race', async () => {
    const u = await buildUser(node.ctx, 'officer');
    const c = new SessionClient(app);
    await c.signIn(u.email, TEST_PASSWORD);
    const secret = (await c.request('POST', '/api/v1/auth/totp/enrolment', { current_password: TEST_PASSWORD })).json().secret as string;
    const recovery = (await c.request('POST', '/api/v1/auth/totp/enrolment/confirm', { code: codeAt(secret) })).json().recovery_codes[0] as string;
    const clients = [new SessionClient(app), new SessionClient(app), new SessionClient(app)];
    for (const x of clients) await x.signIn(u.email, TEST_PASSWORD);
    const raced = await Promise.all(clients.map((x) => x.request('POST', '/api/v1/auth/second-factor', { recovery_code: recovery })));
    expect(raced.map((r) => r.statusCode).sort()).toEqual([200, 401, 401]);
  });

  // Finding 11: a reset ends every credential; a promotion to admin needs the second factor first.
  it('revokes API tokens on reset', async () => {
    const admin = await buildUser(node.ctx, 'admin');
    const u = await buildUser(node.ctx, 'analyst');
    const h = { authorization: `Bearer ${u.token}` };
    expect((await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: h })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/api/v1/users/${u.user.id}/reset`, headers: { authorization: `Bearer ${admin.token}` }, payload: {} })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: h })).statusCode).toBe(401);
    // The body of a reset is optional: none at all is a reset without the TOTP part.
    const bare = await app.inject({ method: 'POST', url: `/api/v1/users/${u.user.id}/reset`, headers: { authorization: `Bearer ${admin.token}` } });
    expect(bare.statusCode).toBe(200);
  });

  it('on promotion to admin, steps the session back to TOTP enrolment and revokes the tokens', async () => {
    const admin = await buildUser(node.ctx, 'admin');
    const u = await buildUser(node.ctx, 'analyst');
    const c = new SessionClient(app);
    expect((await c.signIn(u.email, TEST_PASSWORD)).json().stage).toBe('full');
    const patch = await app.inject({ method: 'PATCH', url: `/api/v1/users/${u.user.id}`, headers: { authorization: `Bearer ${admin.token}` }, payload: { role: 'admin' } });
    expect(patch.statusCode).toBe(200);

    expect((await app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${u.token}` } })).statusCode).toBe(401);
    expect((await c.request('GET', '/api/v1/users')).json()).toMatchObject({ status: 403, stage: 'totp_enrol' });
    expect((await c.request('GET', '/api/v1/auth/session')).json().stage).toBe('totp_enrol');

    // Enrolling from that session (no factor to remove) brings it back to full.
    const enrol = (await c.request('POST', '/api/v1/auth/totp/enrolment')).json();
    expect((await c.request('POST', '/api/v1/auth/totp/enrolment/confirm', { code: codeAt(enrol.secret) })).json().stage).toBe('full');
    expect((await c.request('GET', '/api/v1/users')).statusCode).toBe(200);
  });
});
