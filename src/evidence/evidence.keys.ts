import type { Settings } from '../config/settings.js';
import type { NodeContext } from '../context.js';
import { createEvidenceKey, EvidenceKeyError, evidenceKeyPath, readEvidenceKey } from './storage/storage-key.js';

const keys = new WeakMap<object, Buffer>();

/** Makes the node's evidence storage key if it has none (`accord init`: a new node stores no evidence yet). */
export function ensureEvidenceKey(settings: Pick<Settings, 'dataDir' | 'evidenceKeyFile'>): void {
  const path = evidenceKeyPath(settings);
  if (!readEvidenceKey(path)) createEvidenceKey(path);
}

/**
 * The node's evidence storage key, read once per open node. Missing, it is made only while
 * no evidence is stored or being uploaded: otherwise the wrapped keys in the database would
 * be unreadable with a new one, so nothing is read or stored until the key file is restored.
 */
export async function storageKeyOf(ctx: NodeContext): Promise<Buffer> {
  const known = keys.get(ctx.store);
  if (known) return known;
  const path = evidenceKeyPath(ctx.settings);
  let key = readEvidenceKey(path);
  if (!key) {
    if (ctx.settings.evidenceKeyFile !== undefined) throw new EvidenceKeyError(`the evidence storage key ${path} (evidenceKeyFile, ACCORD_EVIDENCE_KEY_FILE) does not exist`);
    const stored = await ctx.store.db.selectFrom('evidence_files').select('sha256').where('wrapped_key', 'is not', null).limit(1).executeTakeFirst();
    const pending = await ctx.store.db.selectFrom('evidence_uploads').select('id').limit(1).executeTakeFirst();
    if (stored || pending) throw new EvidenceKeyError(`the evidence storage key ${path} is missing but the database holds evidence keys wrapped with it: restore the key file from a backup`);
    key = createEvidenceKey(path);
  }
  keys.set(ctx.store, key);
  return key;
}
