import { audit } from '../audit/index.js';
import { cases } from '../cases/index.js';
import { auth } from '../auth/index.js';
import type { Capability } from '../capability.js';
import { desk } from '../desk/index.js';
import { directory } from '../directory/index.js';
import { evidence } from '../evidence/index.js';
import { federation } from '../federation/index.js';
import { groups } from '../groups/index.js';
import { intel } from '../intel/index.js';
import { node } from '../node/index.js';
import { norms } from '../norms/index.js';
import { notifications } from '../notifications/index.js';
import { plans } from '../plans/index.js';
import { statements } from '../statements/index.js';

/**
 * Everything this node can do, once. The HTTP app, the message registry, the migrator, the
 * permission table, the notification kinds, the release gate and the job runner are all built
 * by walking this list (see assembly.ts). Adding a capability is a new folder and one line here.
 */
export const CAPABILITIES: readonly Capability[] = [
  // The node's own parts, which the others build on.
  node,
  auth,
  audit,
  federation,
  // Capabilities.
  groups,
  directory,
  cases,
  evidence,
  intel,
  plans,
  norms,
  statements,
  notifications,
  desk,
];
