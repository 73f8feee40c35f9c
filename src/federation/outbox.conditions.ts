import { sql, type SqlBool } from 'kysely';
import { KEY_ROTATION_TYPE } from './keyring.js';

// Spelled as literals, exactly as in the partial indexes (migration 20261129T040000), so that a
// planner matches them without looking at bound values (a generic plan on PostgreSQL cannot).
/** `outbox.state = 'pending'`, served by the index of pending messages per peer and release number. */
export const isPending = sql<SqlBool>`outbox.state = ${sql.lit('pending')}`;
/** A pending key rotation, served by its own (almost always empty) index. */
export const isPendingRotation = sql<SqlBool>`outbox.state = ${sql.lit('pending')} AND outbox.type = ${sql.lit(KEY_ROTATION_TYPE)}`;
