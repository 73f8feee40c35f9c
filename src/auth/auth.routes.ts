import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { principalOf } from '../auth/access.js';
import { problemResponses, ProblemRef } from '../http/schemas.js';
import {
  PasswordBody,
  SecondFactorBody,
  SessionInfoSchema,
  SignInBody,
  StageReply,
  TotpConfirmBody,
  TotpEnrolBody,
} from './auth.schemas.js';
import {
  changePassword,
  confirmTotpEnrolment,
  signIn,
  signOut,
  startTotpEnrolment,
  verifySecondFactor,
  type Session,
} from './sessions.service.js';
import { sessionCookieName, sessionCookieOptions } from './session-cookie.js';

function sessionInfo(s: Session) {
  return { stage: s.stage, csrf_token: s.csrfToken, expires_at: s.expiresAt, user: s.user };
}

function session(req: Parameters<typeof principalOf>[0]): Session {
  const s = principalOf(req).session;
  if (!s) throw Object.assign(new Error('this route needs a browser session, not an API token'), { statusCode: 400 });
  return s;
}

/** Sign-in: password, then the steps that remain (second factor, new password, TOTP enrolment). */
export function registerAuthRoutes(app: TypedApp, ctx: NodeContext): void {
  const cookieName = sessionCookieName(ctx.identity.node_id, ctx.settings.cookieSecure);
  const setCookie = (reply: FastifyReply, token: string, expiresAt: string) =>
    reply.setCookie(cookieName, token, { ...sessionCookieOptions(ctx.settings.cookieSecure), expires: new Date(expiresAt) });

  app.post(
    '/api/v1/auth/sign-in',
    {
      config: { access: { public: true }, rateLimit: { max: ctx.settings.loginRatePerMinute, timeWindow: 60_000 } },
      schema: { tags: ['auth'], summary: 'Sign in with e-mail and password', body: SignInBody, response: { 200: SessionInfoSchema, 423: ProblemRef, 429: ProblemRef, ...problemResponses } },
    },
    async (req, reply) => {
      const { token, session: s } = await signIn(ctx, req.body.email, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
      setCookie(reply, token, s.expiresAt);
      return sessionInfo(s);
    },
  );

  const stepAccess = (stages: Session['stage'][]) => ({ access: { permission: 'self:manage' as const, stages } });

  app.get(
    '/api/v1/auth/session',
    { config: stepAccess(['totp', 'password_change', 'totp_enrol']), schema: { tags: ['auth'], summary: 'The current session and its CSRF token', response: { 200: SessionInfoSchema, ...problemResponses } } },
    async (req) => sessionInfo(session(req)),
  );

  app.post(
    '/api/v1/auth/sign-out',
    { config: stepAccess(['totp', 'password_change', 'totp_enrol']), schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null(), ...problemResponses } } },
    async (req, reply) => {
      await signOut(ctx, session(req), req.ip);
      reply.clearCookie(cookieName, sessionCookieOptions(ctx.settings.cookieSecure));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/second-factor',
    { config: stepAccess(['totp']), schema: { tags: ['auth'], summary: 'Give a TOTP code or a recovery code', body: SecondFactorBody, response: { 200: StageReply, 423: ProblemRef, ...problemResponses } } },
    async (req) => ({ stage: await verifySecondFactor(ctx, session(req), req.body, req.ip) }),
  );

  app.post(
    '/api/v1/auth/password',
    { config: stepAccess(['password_change']), schema: { tags: ['auth'], summary: 'Change your password', body: PasswordBody, response: { 200: StageReply, 423: ProblemRef, ...problemResponses } } },
    async (req) => {
      const { current_password, new_password } = req.body;
      return { stage: await changePassword(ctx, session(req), current_password, new_password, req.ip) };
    },
  );

  app.post(
    '/api/v1/auth/totp/enrolment',
    {
      config: stepAccess(['totp_enrol']),
      // The sign-in step sends no body at all (nothing to prove there); validate it as {}.
      preValidation: async (req) => {
        req.body ??= {};
      },
      schema: {
        tags: ['auth'],
        summary: 'Start enrolling a TOTP authenticator; from a full session, with the password and a current code',
        body: Type.Optional(TotpEnrolBody),
        response: { 200: Type.Object({ secret: Type.String(), otpauth_uri: Type.String(), qr_svg: Type.String() }), 423: ProblemRef, ...problemResponses },
      },
    },
    async (req) => startTotpEnrolment(ctx, session(req), req.body ?? {}, req.ip),
  );

  app.post(
    '/api/v1/auth/totp/enrolment/confirm',
    {
      config: stepAccess(['totp_enrol']),
      schema: { tags: ['auth'], summary: 'Confirm the authenticator with a code; returns recovery codes once', body: TotpConfirmBody, response: { 200: Type.Object({ stage: Type.String(), recovery_codes: Type.Array(Type.String()) }), ...problemResponses } },
    },
    async (req) => confirmTotpEnrolment(ctx, session(req), req.body.code, req.ip),
  );
}
