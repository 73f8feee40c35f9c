import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { actorOf, principalOf } from '../auth/access.js';
import { problemResponses } from '../http/schemas.js';
import { ChannelPreference } from './notifications.rules.js';
import { getPreferences, listNotifications, rotateWebhookSecret, sendTestNotification, setPreferences } from './notifications.service.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const ChannelPreferenceSchema = Type.Union([
  Type.Literal(ChannelPreference.email),
  Type.Literal(ChannelPreference.webhook),
  Type.Literal(ChannelPreference.both),
  Type.Literal(ChannelPreference.none),
]);
// One field per notification kind the node's capabilities declared.
const KindsSchema = (kinds: readonly string[], optional: boolean) =>
  Type.Object(Object.fromEntries(kinds.map((k) => [k, optional ? Type.Optional(ChannelPreferenceSchema) : ChannelPreferenceSchema])), { additionalProperties: false });

const NotificationSchema = Type.Object({
  id: Type.String(),
  user_id: Nullable(Type.String()),
  kind: Type.String(),
  channel: Type.Union([Type.Literal('email'), Type.Literal('webhook'), Type.Literal('none')]),
  recipient: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  link: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  state: Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed'), Type.Literal('skipped')]),
  attempts: Type.Integer(),
  next_attempt_at: Nullable(Type.String()),
  response: Nullable(Type.String({ description: "The SMTP server's reply, HTTP status, or why it was skipped" })),
  last_error: Nullable(Type.String()),
  created_at: Type.String(),
  sent_at: Nullable(Type.String()),
});
const NotificationPage = Type.Object({ notifications: Type.Array(NotificationSchema), next_before: Nullable(Type.String()) });
const PageQuery = Type.Object(
  { before: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
  { additionalProperties: false },
);
/** Each user's notifications and preferences; admins and auditors may list everyone's. */
export function registerNotificationRoutes(app: TypedApp, ctx: NodeContext): void {
  const own = { access: { permission: 'notifications:own' as const } };
  const kinds = ctx.catalog.notificationKinds.map((k) => k.kind);
  const PreferencesSchema = Type.Object({
    kinds: KindsSchema(kinds, false),
    webhook_url: Nullable(Type.String()),
    webhook_secret_set: Type.Boolean(),
    webhook_secret: Type.Optional(Type.String({ description: 'Only when just generated; shown once' })),
  });
  const PreferencesBody = Type.Object(
    {
      kinds: Type.Optional(KindsSchema(kinds, true)),
      webhook_url: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 2000, pattern: '^https?://' }))),
    },
    { additionalProperties: false },
  );
  const tags = ['notifications'];

  app.get(
    '/api/v1/notifications',
    { config: own, schema: { tags, summary: 'Your notifications, newest first; page with ?before=<id>', querystring: PageQuery, response: { 200: NotificationPage, ...problemResponses } } },
    (req) => listNotifications(ctx.store.db, { userId: principalOf(req).user.id, before: req.query.before, limit: req.query.limit ?? 50 }),
  );

  app.get(
    '/api/v1/notifications/all',
    {
      config: { access: { permission: 'notifications:all' as const } },
      schema: { tags, summary: "Every user's notifications, newest first", querystring: PageQuery, response: { 200: NotificationPage, ...problemResponses } },
    },
    (req) => listNotifications(ctx.store.db, { viewerId: principalOf(req).user.id, before: req.query.before, limit: req.query.limit ?? 50 }),
  );

  app.get(
    '/api/v1/notifications/preferences',
    { config: own, schema: { tags, summary: 'Your channel for each kind of event, and your webhook', response: { 200: PreferencesSchema, ...problemResponses } } },
    (req) => getPreferences(ctx, principalOf(req).user.id),
  );

  app.put(
    '/api/v1/notifications/preferences',
    {
      config: own,
      schema: { tags, summary: 'Change your preferences (a new webhook gets a secret, shown once)', body: PreferencesBody, response: { 200: PreferencesSchema, ...problemResponses } },
    },
    (req) => setPreferences(ctx, actorOf(req), principalOf(req).user.id, req.body),
  );

  app.post(
    '/api/v1/notifications/webhook-secret',
    { config: own, schema: { tags, summary: 'Replace your webhook secret (shown once)', response: { 200: Type.Object({ webhook_secret: Type.String() }), ...problemResponses } } },
    (req) => rotateWebhookSecret(ctx, actorOf(req), principalOf(req).user.id),
  );

  app.post(
    '/api/v1/notifications/test',
    {
      config: own,
      schema: { tags, summary: 'Send yourself a test notification through your channels', response: { 202: Type.Object({ notifications: Type.Array(NotificationSchema) }), ...problemResponses } },
    },
    async (req, reply) => reply.status(202).send({ notifications: await sendTestNotification(ctx, principalOf(req).user.id) }),
  );
}
