import { sql } from 'kysely';
import { sha256Hex } from '../crypto/canonical.js';
import type { DbOrTrx } from '../store/db.js';
import { normaliseEmail } from './users.repository.js';

export interface LockPolicy {
  maxFailures: number;
  lockoutMinutes: number;
}

/**
 * An attempt is counted before it is judged, by one UPDATE that also sets the lock, so that
 * parallel attempts cannot read the same count: at most `maxFailures` are ever judged per lock
 * period. `admitted: false` means the account is locked until `lockedUntil`; otherwise
 * `lockedUntil` is set when this attempt used the last one allowed (it is lifted if it succeeds).
 */
export type Admission = { admitted: true; lockedUntil: string | null } | { admitted: false; lockedUntil: string };

function lockEnd(policy: LockPolicy, now: Date): string {
  return new Date(now.getTime() + policy.lockoutMinutes * 60_000).toISOString();
}

/** Counts one attempt on a user's account (sign-in, second factor, password check). */
export async function admitUserAttempt(db: DbOrTrx, userId: string, policy: LockPolicy, now: Date): Promise<Admission> {
  const at = now.toISOString();
  // An expired lock starts the count again.
  const count = sql<number>`(CASE WHEN locked_until IS NOT NULL AND locked_until <= ${at} THEN 0 ELSE failed_logins END + 1)`;
  const row = await db
    .updateTable('users')
    .set({ failed_logins: count, locked_until: sql<string | null>`CASE WHEN ${count} >= ${policy.maxFailures} THEN ${lockEnd(policy, now)} ELSE NULL END` })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
    .returning(['locked_until'])
    .executeTakeFirst();
  if (row) return { admitted: true, lockedUntil: row.locked_until };
  const locked = await db.selectFrom('users').select('locked_until').where('id', '=', userId).executeTakeFirst();
  return { admitted: false, lockedUntil: locked?.locked_until ?? lockEnd(policy, now) };
}

/** After a successful attempt: the count starts again and a lock this attempt set is lifted. */
export async function clearUserFailures(db: DbOrTrx, userId: string): Promise<void> {
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
}

/** The same count for an e-mail with no usable account, in a table of its own. */
export async function admitUnknownAttempt(db: DbOrTrx, email: string, policy: LockPolicy, now: Date): Promise<Admission> {
  const at = now.toISOString();
  const key = sha256Hex(normaliseEmail(email));
  const count = sql<number>`(CASE WHEN sign_in_throttle.locked_until IS NOT NULL AND sign_in_throttle.locked_until <= ${at} THEN 0 ELSE sign_in_throttle.failures END + 1)`;
  const until = lockEnd(policy, now);
  const row = await db
    .insertInto('sign_in_throttle')
    .values({ key, failures: 1, locked_until: policy.maxFailures <= 1 ? until : null, updated_at: at })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ failures: count, locked_until: sql<string | null>`CASE WHEN ${count} >= ${policy.maxFailures} THEN ${until} ELSE NULL END`, updated_at: at })
        .where((eb) => eb.or([eb('sign_in_throttle.locked_until', 'is', null), eb('sign_in_throttle.locked_until', '<=', at)])),
    )
    .returning(['locked_until'])
    .executeTakeFirst();
  if (row) return { admitted: true, lockedUntil: row.locked_until };
  const locked = await db.selectFrom('sign_in_throttle').select('locked_until').where('key', '=', key).executeTakeFirst();
  return { admitted: false, lockedUntil: locked?.locked_until ?? until };
}

/** Forgets counts of e-mails nobody tried since `before` and whose lock, if any, has ended. */
export async function pruneSignInThrottle(db: DbOrTrx, before: Date): Promise<number> {
  const at = before.toISOString();
  const r = await db
    .deleteFrom('sign_in_throttle')
    .where('updated_at', '<', at)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
