import { tlpOfMarkingId, tlpOfObject } from '../policy/markings.js';

/**
 * Following a remote TAXII 2.1 collection without gaps (pure; feeds.service.ts stores).
 *
 * A feed is read in walks. A walk starts at `added_after` (the newest `date_added` of the last
 * completed walk; none at first: everything) and asks page after page with the same
 * `added_after`, each page after the first naming the server's `next` token, until the server
 * says there is no more. The cursor after each page — the token of the next page and the newest
 * `date_added` seen in the walk (`X-TAXII-Date-Added-Last`) — is saved in the transaction that
 * stores the page, so:
 *   - a failure (network, 5xx, a node killed) before a page is stored leaves the cursor before
 *     that page: the next run asks the same page again, nothing is skipped;
 *   - a page stored twice changes nothing (the store keeps each id and version once);
 *   - a `next` the server no longer knows (4xx) restarts the walk at its own `added_after`:
 *     what was stored is re-read as duplicates, nothing is skipped.
 * Only a completed walk moves `added_after`, to the newest `date_added` it saw. A server that
 * paged by `next` gives every object of the walk once, however many share one `date_added`.
 *
 * The instant a walk ended at is read again: TAXII's `added_after` is exclusive, and the
 * server may add more objects at exactly that `date_added` after the walk read it (servers
 * that keep seconds or milliseconds do). So a walk asks from one microsecond before its
 * `added_after` (`stepBack`): the objects of that instant come again, the store keeps each once
 * and counts them as duplicates, nothing new is missed; a walk that finds nothing new still
 * ends on its first page with `added_after` where it was.
 */
export interface FeedCursor {
  /** Where the next walk starts. */
  added_after: string | null;
  /** The server's token for the page after the last one stored (a walk in progress). */
  next: string | null;
  /** The `added_after` the walk in progress asks with (stepped back from where it starts). */
  run_added_after: string | null;
  /** The newest date_added stored in the walk in progress. */
  run_added_last: string | null;
}

export interface PageSummary {
  more: boolean;
  next: string | null;
  /** X-TAXII-Date-Added-Last, when the server sent it. */
  dateAddedLast: string | null;
}

/** The cursor when a run starts: a walk in progress goes on; otherwise a new walk begins at added_after. */
export function startRun(c: FeedCursor): FeedCursor {
  if (c.next !== null) return c;
  return { ...c, run_added_after: c.added_after === null ? null : stepBack(c.added_after), run_added_last: null };
}

/** What a run asks for: the walk's added_after and, after its first page, the token. */
export function pageRequest(c: FeedCursor): { added_after: string | null; next: string | null } {
  return { added_after: c.run_added_after, next: c.next };
}

/** The cursor after a page was stored, and whether the walk is complete. */
export function afterPage(c: FeedCursor, page: PageSummary): { cursor: FeedCursor; done: boolean } {
  const last = laterOf(c.run_added_last, page.dateAddedLast);
  if (page.more && page.next) return { cursor: { ...c, next: page.next, run_added_last: last }, done: false };
  if (page.more && page.dateAddedLast) {
    // A server that pages by date alone (no token): the next page starts at this one's last
    // instant, or just after it when the whole page was that instant (else it would come again).
    const back = stepBack(page.dateAddedLast);
    const from = c.run_added_after === null || timestampKey(back) > timestampKey(c.run_added_after) ? back : page.dateAddedLast;
    return { cursor: { ...c, next: null, run_added_after: from, run_added_last: last }, done: false };
  }
  return { cursor: { added_after: last ?? c.added_after, next: null, run_added_after: null, run_added_last: null }, done: true };
}

/** The cursor when the server refused the walk's token: the walk starts again at its own added_after. */
export function restartWalk(c: FeedCursor): FeedCursor {
  return { ...c, next: null };
}

/**
 * The instant one microsecond before a TAXII timestamp (microsecond precision), so that an
 * exclusive `added_after` takes the objects of that instant; anything else is left as it is.
 */
export function stepBack(t: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(t);
  const ms = m ? Date.parse(`${m[1]}Z`) : NaN;
  if (!m || Number.isNaN(ms)) return t;
  const micros = BigInt(ms) * 1000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 6)) - 1n;
  const whole = micros / 1_000_000n;
  return `${new Date(Number(whole) * 1000).toISOString().slice(0, 19)}.${String(micros % 1_000_000n).padStart(6, '0')}Z`;
}

/** Orders TAXII timestamps of any precision (…:00Z, …:00.1Z, …:00.123456Z). */
export function timestampKey(t: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(t);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}` : t;
}

export function laterOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return timestampKey(b) > timestampKey(a) ? b : a;
}

/** A TAXII 2.1 timestamp as servers read them. */
export function isTaxiiTimestamp(t: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(t) && !Number.isNaN(Date.parse(t));
}

/** The URL of one page of a collection's objects. */
export function objectsUrl(apiRoot: string, collectionId: string, q: { added_after: string | null; next: string | null; limit: number }): string {
  const u = new URL(`collections/${encodeURIComponent(collectionId)}/objects/`, apiRoot);
  if (q.added_after !== null) u.searchParams.set('added_after', q.added_after);
  u.searchParams.set('limit', String(q.limit));
  if (q.next !== null) u.searchParams.set('next', q.next);
  return u.toString();
}

/**
 * Puts the feed's default marking on an object that carries no TLP marking (on the whole object
 * or a part of it). Marking definitions are left as they are (the TLP definitions themselves
 * are well known and carry no marking). Returns the object to store and whether it was marked.
 */
export function withDefaultMarking(obj: Record<string, unknown>, markingId: string): { object: Record<string, unknown>; marked: boolean } {
  if (obj.type === 'marking-definition' || tlpOfObject(obj) !== null) return { object: obj, marked: false };
  const refs = Array.isArray(obj.object_marking_refs) ? (obj.object_marking_refs as unknown[]) : [];
  return { object: { ...obj, object_marking_refs: [...refs, markingId] }, marked: true };
}

/** A feed setting that is wrong, with the field it concerns. */
export interface ConfigProblem {
  pointer: string;
  code: string;
  message: string;
}

/** An API root URL as the node calls it (http or https, no credentials, query or fragment), ending in `/`; or a problem. */
export function normaliseApiRoot(raw: string): { url: string } | ConfigProblem {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { pointer: '/api_root', code: 'invalid_url', message: 'must be an absolute http or https URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { pointer: '/api_root', code: 'invalid_url', message: 'must be an http or https URL' };
  if (u.username || u.password) return { pointer: '/api_root', code: 'invalid_url', message: 'must not hold a user name or password (give them as the feed’s auth)' };
  if (u.search || u.hash) return { pointer: '/api_root', code: 'invalid_url', message: 'must not hold a query or fragment' };
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return { url: u.toString() };
}

/** A problem when `id` is not a TLP 2.0 marking-definition id. */
export function checkDefaultMarking(id: string): ConfigProblem | null {
  return tlpOfMarkingId(id)?.version === '2.0' ? null : { pointer: '/default_marking', code: 'unknown_marking', message: 'must be the marking-definition id of a TLP 2.0 level (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)' };
}
