import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { actorOf } from '../auth/access.js';
import { problemResponses } from '../http/schemas.js';
import { clearSmtpSettings, getSmtpSettings, sendSmtpTest, setSmtpSettings } from './smtp-settings.service.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Security = Type.Union([Type.Literal('starttls'), Type.Literal('tls'), Type.Literal('none')], { description: 'starttls: upgrade required; tls: implicit TLS (usually port 465); none: no encryption (a local relay only)' });

const SmtpSettingsSchema = Type.Object({
  source: Type.Union([Type.Literal('environment'), Type.Literal('web'), Type.Literal('none')], { description: 'environment: ACCORD_SMTP_URL (read-only here); web: saved here; none: e-mail is off' }),
  editable: Type.Boolean(),
  host: Nullable(Type.String()),
  port: Nullable(Type.Integer()),
  security: Nullable(Type.Union([Type.Literal('starttls'), Type.Literal('tls'), Type.Literal('none'), Type.Literal('opportunistic')], { description: 'opportunistic: STARTTLS when the server offers it (an smtp:// URL)' })),
  username: Nullable(Type.String()),
  password_set: Type.Boolean({ description: 'The password itself is never returned' }),
  from: Nullable(Type.String()),
  updated_at: Nullable(Type.String()),
  updated_by: Nullable(Type.String()),
});

const EmailStatusSchema = Type.Object({
  configured: Type.Boolean({ description: 'False: e-mail notifications are recorded as skipped' }),
  source: Type.Union([Type.Literal('environment'), Type.Literal('web'), Type.Literal('none')]),
});

const SmtpSettingsBody = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    security: Security,
    username: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
    password: Type.Optional(Nullable(Type.String({ maxLength: 1000, description: 'Write-only. Absent: keep the stored one; null or empty: remove it' }))),
    from: Type.String({ minLength: 3, maxLength: 320, description: 'Sender: accord@cert.example.org or Accord <accord@cert.example.org>' }),
  },
  { additionalProperties: false },
);

const SmtpTestResultSchema = Type.Object({
  sent: Type.Boolean(),
  response: Nullable(Type.String({ description: "The server's final answer when it took the message" })),
  error: Nullable(Type.String({ description: 'Why it was not sent (passwords removed)' })),
  smtp_code: Nullable(Type.Integer()),
});

/** The node's mail server, for administrators: see it, set it, remove it, and send a test e-mail. */
export function registerSmtpRoutes(app: TypedApp, ctx: NodeContext): void {
  const admin = { access: { permission: 'notifications:smtp' as const } };
  const tags = ['notifications'];

  app.get(
    '/api/v1/notifications/email-status',
    {
      config: { access: { permission: 'notifications:own' as const } },
      schema: { tags, summary: 'Whether this node can send e-mail (without the server details)', response: { 200: EmailStatusSchema, ...problemResponses } },
    },
    async () => {
      const s = await getSmtpSettings(ctx);
      return { configured: s.source !== 'none', source: s.source };
    },
  );

  app.get(
    '/api/v1/notifications/smtp',
    { config: admin, schema: { tags, summary: "The node's mail server (ACCORD_SMTP_URL first, else the one saved here); never the password", response: { 200: SmtpSettingsSchema, ...problemResponses } } },
    () => getSmtpSettings(ctx),
  );

  app.put(
    '/api/v1/notifications/smtp',
    {
      config: admin,
      schema: { tags, summary: 'Save the mail server (refused with 409 while ACCORD_SMTP_URL is set)', body: SmtpSettingsBody, response: { 200: SmtpSettingsSchema, ...problemResponses } },
    },
    (req) => setSmtpSettings(ctx, actorOf(req), { ...req.body, username: req.body.username ?? null }),
  );

  app.delete(
    '/api/v1/notifications/smtp',
    { config: admin, schema: { tags, summary: 'Remove the saved mail server: e-mail is off (unless ACCORD_SMTP_URL is set)', response: { 200: SmtpSettingsSchema, ...problemResponses } } },
    (req) => clearSmtpSettings(ctx, actorOf(req)),
  );

  app.post(
    '/api/v1/notifications/smtp/test',
    {
      config: admin,
      schema: {
        tags,
        summary: "Send a test e-mail now with the mail server in use; answers the server's reply or the error",
        body: Type.Object({ to: Type.String({ minLength: 3, maxLength: 320 }) }, { additionalProperties: false }),
        response: { 200: SmtpTestResultSchema, ...problemResponses },
      },
    },
    (req) => sendSmtpTest(ctx, actorOf(req), req.body.to.trim()),
  );
}
