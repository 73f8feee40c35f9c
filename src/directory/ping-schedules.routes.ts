import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { actorOf } from '../auth/access.js';
import { IdParams, problemResponses } from '../http/schemas.js';
import { createPingSchedule, deletePingSchedule, listPingSchedules } from './ping-schedules.service.js';

const NullableText = Type.Union([Type.String(), Type.Null()]);

export const PingScheduleSchema = Type.Object({
  id: Type.String(),
  node_id: NullableText,
  group_id: NullableText,
  interval_days: Type.Integer(),
  window_minutes: Type.Integer(),
  next_run_at: Type.String(),
  last_run_at: NullableText,
  created_by: Type.String(),
  created_at: Type.String(),
});

const NewScheduleBody = Type.Object(
  {
    node_id: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    group_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    interval_days: Type.Integer({ minimum: 1, maximum: 366 }),
    // The same bounds as a ping test started by hand.
    window_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080 })),
    first_run_at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  },
  { additionalProperties: false },
);

/** Scheduled ping tests: coordinators create and delete them; everyone may see them. */
export function registerPingScheduleRoutes(app: TypedApp, ctx: NodeContext): void {
  const read = { access: { permission: 'directory:read' as const } };
  const write = { access: { permission: 'directory:write' as const } };

  app.post(
    '/api/v1/ping-schedules',
    { config: write, schema: { tags: ['directory'], summary: 'Schedule a ping test of a node or a group, repeated every interval_days', body: NewScheduleBody, response: { 201: PingScheduleSchema, ...problemResponses } } },
    async (req, reply) => reply.status(201).send(await createPingSchedule(ctx, actorOf(req), req.body)),
  );

  app.get(
    '/api/v1/ping-schedules',
    { config: read, schema: { tags: ['directory'], summary: 'Scheduled ping tests, next due first', response: { 200: Type.Array(PingScheduleSchema), ...problemResponses } } },
    () => listPingSchedules(ctx),
  );

  app.delete(
    '/api/v1/ping-schedules/:id',
    { config: write, schema: { tags: ['directory'], summary: 'Delete a schedule (the tests it started stay)', params: IdParams, response: { 204: Type.Null(), ...problemResponses } } },
    async (req, reply) => {
      await deletePingSchedule(ctx, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
