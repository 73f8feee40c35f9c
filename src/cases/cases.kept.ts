import type { DbOrTrx } from '../store/db.js';
import { countLogged, loadCases, type LoadedCase } from './cases.repository.js';

/*
 * Cases folded by this process, kept between actions: an action otherwise reads its case's whole
 * log, parses every envelope and folds them all again, for each event a busy node signs. A kept
 * case is used only while its log holds exactly the events it was folded from. Logs only grow,
 * and a case is kept only once the transaction that folded it has committed (everything in it is
 * in the log for good), so equal counts of events and of equivocations mean the same events: one
 * count by the logs' indexes for all the cases of a call, instead of reading them. Whatever wrote
 * a log meanwhile (a received event, another process of the node) changes its count, and the case
 * is read again.
 */

/** Cases kept per node (its store), the most recently used last. */
const KEPT_CASES = 1000;
const kept = new WeakMap<object, Map<string, LoadedCase>>();

function keptOf(store: object): Map<string, LoadedCase> {
  let m = kept.get(store);
  if (!m) kept.set(store, (m = new Map()));
  return m;
}

/** Cases as loadCases reads them: the kept ones whose logs have not changed, the others read and folded. */
export async function loadCasesKept(store: object, db: DbOrTrx, caseIds: readonly string[]): Promise<Map<string, LoadedCase>> {
  const m = keptOf(store);
  const fresh = new Map<string, LoadedCase>();
  const candidates = caseIds.filter((id) => m.has(id));
  if (candidates.length) {
    for (const [id, c] of await countLogged(db, candidates)) {
      const l = m.get(id)!;
      if (c.events === l.rows.length && c.equivocations === l.equivocations.length) fresh.set(id, l);
    }
  }
  const missing = caseIds.filter((id) => !fresh.has(id));
  const read = missing.length ? await loadCases(db, missing) : new Map<string, LoadedCase>();
  return new Map(caseIds.map((id) => [id, fresh.get(id) ?? read.get(id)!]));
}

/** Keeps cases as folded in a transaction, once it has committed. */
export function keepCases(store: object, cases: ReadonlyMap<string, LoadedCase>): void {
  const m = keptOf(store);
  for (const [id, l] of cases) {
    m.delete(id);
    if (l.state.request) m.set(id, l);
  }
  for (const id of m.keys()) {
    if (m.size <= KEPT_CASES) break;
    m.delete(id);
  }
}
