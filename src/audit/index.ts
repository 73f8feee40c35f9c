import type { Capability } from '../capability.js';
import { registerAuditRoutes } from './audit.routes.js';

/** The hash-chained audit log; admins and auditors read and verify it. */
export const audit: Capability = {
  name: 'audit',
  permissions: { 'audit:read': ['admin', 'auditor'] },
  tables: ['audit_log'],
  routes: (app, ctx) => registerAuditRoutes(app, ctx),
  webPages: ['/audit'],
};
