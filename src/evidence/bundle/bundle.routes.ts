import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Type } from 'typebox';
import { actorOf, principalOf } from '../../auth/access.js';
import type { TypedApp } from '../../capability.js';
import { caseAccessOf } from '../../cases/index.js';
import type { NodeContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { problemResponses } from '../../http/schemas.js';
import { CaseParams } from '../evidence.schemas.js';
import { BUNDLE_EXTENSION } from './bundle.format.js';
import { exportCaseBundle } from './bundle.export.js';

const BundleQuery = Type.Object({ hashes_only: Type.Optional(Type.Boolean({ description: "only the attachments' hashes, not their content" })) }, { additionalProperties: false });

/**
 * The case bundle over HTTP, as `accord case export` writes it: streamed as it is written
 * (attachments are never held in memory), each attachment's export a custody entry, the
 * export audited. An auditor gets hashes only unless the node allows content.
 */
export function registerBundleRoutes(app: TypedApp, ctx: NodeContext): void {
  app.get(
    '/api/v1/cases/:id/bundle',
    {
      config: { access: { permission: 'evidence:read' as const } },
      schema: {
        tags: ['evidence'],
        summary: 'The case bundle (docs/case-bundle.md): signed events, receipts, custody log, keys and the attachments or only their hashes; check it with accord bundle verify or /verify',
        params: CaseParams,
        querystring: BundleQuery,
        response: { 200: Type.String({ description: 'the bundle', contentMediaType: 'application/octet-stream' }), ...problemResponses },
      },
    },
    async (req, reply) => {
      const id = req.params.id;
      // To an officer or analyst outside the case's team the case does not exist (src/cases/team.rules.ts).
      if (!(await caseAccessOf(ctx, principalOf(req).user, id)).case) throw new NotFoundError(`case ${id}`);
      const out = new PassThrough();
      const written = exportCaseBundle(ctx, actorOf(req), id, out, { hashesOnly: req.query.hashes_only === true, role: principalOf(req).user.role });
      // What fails before the first byte (no such case, no access) is an ordinary problem answer.
      const first = await Promise.race([written.then(() => 'done' as const), once(out, 'readable').then(() => 'data' as const)]);
      if (first === 'data') written.catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))));
      return reply
        .status(200)
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="case-${id}${BUNDLE_EXTENSION}"`)
        .header('cache-control', 'no-store')
        .send(out);
    },
  );
}
