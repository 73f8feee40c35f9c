import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import type { Dialect } from '../../src/store/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { bundle } from './_intel.js';

/** A second node (`remote-node`) serving TAXII over real HTTP on 127.0.0.1. */
export interface TaxiiRemote {
  node: TestNode;
  app: FastifyInstance;
  /** An analyst's API token: what a feed of this remote authenticates with. */
  token: string;
  /** Its TAXII API root, `http://127.0.0.1:<port>/taxii2/api/`. */
  apiRoot: string;
  port: number;
  /** Imports objects on the remote (as its administrator); none may be refused. */
  importObjects(objects: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function taxiiRemote(dialect: Dialect): Promise<TaxiiRemote> {
  const node = await createTestNode(dialect, { requireAdminTotp: false }, 'remote-node');
  const app = await buildTestApp(node.ctx);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const token = (await buildUser(node.ctx, 'analyst')).token;
  const admin = (await buildUser(node.ctx, 'admin')).token;
  const port = (app.server.address() as AddressInfo).port;
  return {
    node,
    app,
    token,
    port,
    apiRoot: `http://127.0.0.1:${port}/taxii2/api/`,
    importObjects: async (objects) => {
      const r = await app.inject({ method: 'POST', url: '/api/v1/intel/imports', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/stix+json' }, payload: bundle(objects) });
      expect(r.json()).toMatchObject({ refused: 0 });
    },
    close: async () => {
      await app.close();
      await node.close();
    },
  };
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The node that follows feeds (`local-node`, 127.0.0.1 allowed), with a user and token per role. */
export interface FollowingNode {
  node: TestNode;
  app: FastifyInstance;
  tokens: Record<Role, string>;
  /** Calls its API as a user of `role` (admin unless said). */
  api(method: Method, url: string, body?: unknown, role?: Role): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function followingNode(dialect: Dialect, roles: Role[] = ['admin', 'coordinator', 'analyst', 'auditor']): Promise<FollowingNode> {
  const node = await createTestNode(dialect, { requireAdminTotp: false, feedAllow: ['127.0.0.1'] }, 'local-node');
  const app = await buildTestApp(node.ctx);
  const tokens = {} as Record<Role, string>;
  for (const role of roles) tokens[role] = (await buildUser(node.ctx, role)).token;
  return {
    node,
    app,
    tokens,
    api: (method, url, body, role = 'admin') => app.inject({ method, url, headers: { authorization: `Bearer ${tokens[role]}` }, ...(body !== undefined ? { payload: body as object } : {}) }),
    close: async () => {
      await app.close();
      await node.close();
    },
  };
}
