/**
 * Who a bearer token belongs to, remembered for a second. A script that calls the API a
 * thousand times a second would otherwise cost the database one lookup per request, as much
 * as the work it asked for. Any change to users or tokens made in this process (a revocation,
 * a role changed, a user disabled or reset) forgets every lookup, before its transaction and
 * again after it commits, so it takes effect at the next request; a change made by another
 * process (the CLI, a second `accord serve`) takes effect within `TTL_MS`. Unknown tokens are
 * not remembered: guessing cannot fill the cache.
 */
const TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

let generation = 0;
/** Per database (tests run several nodes in one process), by SHA-256 of the token. */
const caches = new WeakMap<object, Map<string, { at: number; generation: number; row: unknown }>>();

/** Forgets every remembered lookup (users or tokens changed). */
export function forgetTokenLookups(): void {
  generation++;
}

/** The row looked up for this token hash less than a second ago, unless something changed since. */
export function rememberedLookup<R>(db: object, hash: string, now = Date.now()): R | undefined {
  const hit = caches.get(db)?.get(hash);
  return hit && hit.generation === generation && now - hit.at < TTL_MS ? (hit.row as R) : undefined;
}

/** Remembers a lookup that found a token, as of the generation read before the query began. */
export function rememberLookup(db: object, hash: string, row: unknown, readAtGeneration: number, now = Date.now()): void {
  if (readAtGeneration !== generation) return;
  let m = caches.get(db);
  if (!m) caches.set(db, (m = new Map()));
  if (m.size >= MAX_ENTRIES) m.clear();
  m.set(hash, { at: now, generation, row });
}

/** The generation to pass to `rememberLookup`: taken before the query, so a change made meanwhile keeps its result out. */
export function lookupGeneration(): number {
  return generation;
}
