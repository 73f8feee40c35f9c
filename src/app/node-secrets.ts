import type { Kysely } from 'kysely';
import { AUTH_SEALED_COLUMNS } from '../auth/auth.tables.js';
import { ConfigError, type Settings } from '../config/settings.js';
import { isSealed, secretBox, secretPlace, SecretUnreadableError, type SealedColumn, type SecretBox } from '../crypto/secret-box.js';
import { generateSecretsKey, readSecretsKey, secretsKeyPath } from '../node/identity.js';
import type { Db } from '../store/db.js';

// Table and column names come from the capability descriptors, not from requests.
type AnyDb = Kysely<Record<string, Record<string, string | null>>>;

/** Every sealed column: the node's own (TOTP) and those its capabilities declare. */
export function sealedColumns(assembly: { capabilities: readonly { sealedColumns?: SealedColumn[] }[] }): SealedColumn[] {
  return [...AUTH_SEALED_COLUMNS, ...assembly.capabilities.flatMap((c) => c.sealedColumns ?? [])];
}

const SAMPLE = 5;
const BATCH = 500;

async function sealedSamples(db: AnyDb, col: SealedColumn, limit: number): Promise<{ key: string; value: string }[]> {
  const rows = await db
    .selectFrom(col.table)
    .select([`${col.rowKey} as key`, `${col.column} as value`])
    .where(col.column, 'like', 'v1:%')
    .limit(limit)
    .execute();
  return rows.filter((r): r is { key: string; value: string } => r.key !== null && r.value !== null);
}

/**
 * Opens the node's secrets key, or makes one. A node without a key file gets a new one only
 * when its database holds no sealed secret yet (a node from before sealing, or a new node): a
 * database with sealed secrets and no key, or a key that opens none of them, stops the start
 * with one line rather than running without its secrets.
 */
export async function openSecretsKey(settings: Settings, db: Db, columns: readonly SealedColumn[], o: { create?: boolean } = {}): Promise<SecretBox> {
  const any = db as unknown as AnyDb;
  const path = secretsKeyPath(settings);
  let key = readSecretsKey(path);
  if (!key) {
    const setting = `secretsKeyFile, ACCORD_SECRETS_KEY_FILE`;
    if (settings.secretsKeyFile !== undefined && !o.create) throw new ConfigError(`the secrets key ${path} (${setting}) does not exist`);
    for (const col of columns) {
      if ((await sealedSamples(any, col, 1)).length > 0) {
        throw new ConfigError(`the secrets key ${path} is missing but the database holds secrets sealed with it: restore the key file from a backup (${setting})`);
      }
    }
    try {
      key = generateSecretsKey(path);
    } catch (e) {
      // Another process of this node made it meanwhile.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      key = readSecretsKey(path)!;
    }
  }
  const box = secretBox(key);
  let tried = 0;
  let opened = 0;
  for (const col of columns) {
    for (const r of await sealedSamples(any, col, SAMPLE)) {
      tried++;
      try {
        box.open(r.value, secretPlace(col.table, col.column, r.key));
        opened++;
      } catch (e) {
        if (!(e instanceof SecretUnreadableError)) throw e;
      }
    }
  }
  if (tried > 0 && opened === 0) throw new ConfigError(`the secrets key ${path} opens none of the secrets in the database: it is not this node's key`);
  await sealPlaintextSecrets(db, box, columns);
  return box;
}

/**
 * Seals every value still in plaintext (rows written before sealing existed). Idempotent, and
 * safe with several processes: each row is replaced only if it still holds the plaintext read.
 * @returns how many values it sealed
 */
export async function sealPlaintextSecrets(db: Db, box: SecretBox, columns: readonly SealedColumn[]): Promise<number> {
  const any = db as unknown as AnyDb;
  let sealed = 0;
  for (const col of columns) {
    let after: string | null = null;
    for (;;) {
      let q = any
        .selectFrom(col.table)
        .select([`${col.rowKey} as key`, `${col.column} as value`])
        .where(col.column, 'is not', null)
        .where(col.column, 'not like', 'v1:%')
        .orderBy(col.rowKey)
        .limit(BATCH);
      if (after !== null) q = q.where(col.rowKey, '>', after);
      const rows = (await q.execute()) as { key: string; value: string }[];
      for (const r of rows) {
        if (isSealed(r.value)) continue;
        const value = box.seal(r.value, secretPlace(col.table, col.column, r.key));
        const u = await any.updateTable(col.table).set({ [col.column]: value }).where(col.rowKey, '=', r.key).where(col.column, '=', r.value).executeTakeFirst();
        sealed += Number(u.numUpdatedRows);
      }
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]!.key;
    }
  }
  return sealed;
}
