import type { Migration } from 'kysely';
import * as m0001 from './20261128T120000-node-users-audit.js';

/** Every migration, in order. Never edit one that has shipped; add a new one. */
export const migrations: Record<string, Migration> = {
  '20261128T120000-node-users-audit': m0001,
};
