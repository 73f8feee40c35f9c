import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, sql, PostgresDialect, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type Transaction } from 'kysely';
import { acceptCopyFromStdin } from './copy-rows.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** Whether a database handle (or a transaction of one) is SQLite. */
export function isSqlite(db: DbOrTrx): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * Takes a PostgreSQL advisory lock held until the transaction ends, keyed by a name and an
 * optional second key (nothing on SQLite, which has one writer). Outside a transaction such a
 * lock would end with its own statement and guard nothing, so that is refused at once.
 *
 * Advisory locks belong to the whole database, while a node's tables live in its schema: the
 * name is taken within the node's schema (`current_schema()`), so that nodes sharing one
 * database (`--db-schema`) never wait for each other's locks.
 */
export async function transactionLock(trx: DbOrTrx, name: string, key?: string): Promise<void> {
  if (isSqlite(trx)) return;
  if (!trx.isTransaction) throw new Error(`the lock "${name}" guards nothing outside a transaction`);
  if (key === undefined) await sql`select pg_advisory_xact_lock(${lockName(name)})`.execute(trx);
  else await sql`select pg_advisory_xact_lock(${lockName(name)}, hashtext(${key}))`.execute(trx);
}

/** The first key of a node's advisory lock `name`: its hash within the node's schema. */
function lockName(name: string) {
  // current_schema() is null only when no schema of the search path exists (a node creates its
  // own when it opens); the lock must still be taken, not become a lock on null that guards nothing.
  return sql`hashtext(coalesce(current_schema(), '') || ':' || ${name})`;
}

/**
 * transactionLock for many keys of one name at once: one statement on PostgreSQL, taking the
 * locks in the order of their own keys (the hashes), so that two transactions taking overlapping
 * sets never wait for each other in a cycle.
 */
export async function transactionLocks(trx: DbOrTrx, name: string, keys: readonly string[]): Promise<void> {
  if (isSqlite(trx) || !keys.length) return;
  if (!trx.isTransaction) throw new Error(`the lock "${name}" guards nothing outside a transaction`);
  await sql`select count(pg_advisory_xact_lock(${lockName(name)}, h)) from (select distinct hashtext(k) as h from unnest(${[...keys]}::text[]) as k order by h) as locks`.execute(trx);
}

export interface StoreHandle {
  db: Db;
  dialect: Dialect;
  /**
   * SQLite only: the connection beneath `db`, for bulk paths that run one prepared statement
   * per row (Kysely's compile per query costs more than the insert). Statements run on it take
   * part in whatever transaction `db` has open, since there is one connection.
   */
  sqlite?: BetterSqlite3.Database;
  /**
   * Runs a compiled read that is asked again and again (a TAXII page) outside any transaction.
   * PostgreSQL gets it as a named prepared statement, parsed and planned once per connection
   * instead of on every request; on SQLite it is `db.executeQuery` (statements are cached).
   * The connection keeps each named statement until it closes: only for queries whose text
   * the caller cannot vary without bound.
   */
  preparedRead<R>(q: CompiledQuery): Promise<R[]>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** `postgres://…` for PostgreSQL, otherwise a path to a SQLite file (or `:memory:`). */
  url: string;
  /** PostgreSQL schema to work in (created if missing); tests use one per run. */
  schema?: string;
  poolSize?: number;
}

export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

export async function openStore(opts: OpenStoreOptions): Promise<StoreHandle> {
  const dialect = dialectOf(opts.url);
  if (dialect === 'postgres') {
    const schema = opts.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new Error(`invalid PostgreSQL schema name: ${schema}`);
    }
    // Loaded only for PostgreSQL: a SQLite node never pays for the driver's memory.
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    pool.on('connect', acceptCopyFromStdin);
    if (schema) {
      const client = await pool.connect();
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        client.release();
      }
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const names = new Map<string, string>();
    const preparedRead = async <R>(q: CompiledQuery): Promise<R[]> => {
      let name = names.get(q.sql);
      if (name === undefined) {
        if (names.size >= 500) names.clear();
        // A name per text: a connection refuses one name given to two texts.
        names.set(q.sql, (name = `accord_${createHash('sha256').update(q.sql).digest('hex').slice(0, 32)}`));
      }
      return (await pool.query({ name, text: q.sql, values: q.parameters as unknown[] })).rows as R[];
    };
    return { db, dialect, preparedRead, close: () => db.destroy() };
  }
  keepPrivate(opts.url);
  const sqlite = new BetterSqlite3(opts.url);
  // WAL lets readers proceed while one writer commits; busy_timeout waits instead of failing.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // Statement journals in memory: on disk, each multi-row write in a transaction created, wrote
  // and removed a temporary file (a quarter of a busy node's write calls).
  sqlite.pragma('temp_store = MEMORY');
  cachePreparedStatements(sqlite);
  // SQLite gives the -wal and -shm files the main file's mode; make sure of it for older nodes.
  for (const suffix of ['-wal', '-shm']) keepPrivate(opts.url + suffix, false);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  return { db, dialect, sqlite, preparedRead: async <R>(q: CompiledQuery) => (await db.executeQuery<R>(q)).rows as R[], close: () => db.destroy() };
}

/**
 * SQLite transactions take the write lock when they begin (BEGIN IMMEDIATE). A deferred one
 * that reads first and writes later gets SQLITE_BUSY at once, without waiting out
 * busy_timeout, when another process (a node's jobs beside an `accord` command on the same
 * file) committed in between. In one process transactions run one at a time anyway.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}

/**
 * The database holds password hashes and secrets: only the node's own user may read it (0600),
 * whatever the umask or the folder it is put in. Creates the file so that it never exists
 * with a wider mode, and narrows an existing one.
 */
function keepPrivate(path: string, create = true): void {
  if (path === ':memory:' || path === '') return;
  if (!existsSync(path)) {
    if (!create) return;
    closeSync(openSync(path, 'a', 0o600));
  }
  chmodSync(path, 0o600);
}

/**
 * Kysely prepares every query anew; preparing costs more than running a small query. Keep
 * the most recent statements by SQL text. (Kysely never streams with them, so reuse is safe.)
 */
function cachePreparedStatements(sqlite: BetterSqlite3.Database, max = 500): void {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (stmt) {
      cache.delete(source);
    } else {
      stmt = prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, stmt);
    return stmt;
  }) as typeof sqlite.prepare;
}
