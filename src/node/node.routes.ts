import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { problemResponses } from '../http/schemas.js';
import { describeNode } from './node.service.js';

export const NodeInfoSchema = Type.Object({
  node_id: Type.String(),
  country: Type.String(),
  names: Type.Record(Type.String(), Type.String()),
  authority_kinds: Type.Array(Type.String()),
  key_suite: Type.String(),
  public_key: Type.String({ description: 'raw Ed25519 public key, base64url' }),
  fingerprint: Type.String({ description: 'SHA-256 of the raw public key, hex' }),
  created_at: Type.String(),
  version: Type.String(),
});

export function registerNodeRoutes(app: TypedApp, ctx: NodeContext): void {
  app.get(
    '/api/v1/node',
    {
      config: { access: { permission: 'node:read' } },
      schema: { tags: ['node'], summary: "This node's identity and key fingerprint", response: { 200: NodeInfoSchema, ...problemResponses } },
    },
    async () => describeNode(ctx.identity),
  );
}
