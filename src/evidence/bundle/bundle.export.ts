import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack } from 'tar-stream';
import { appendAudit, iterateAudit } from '../../audit/audit.repository.js';
import { getCase } from '../../cases/cases.service.js';
import type { Actor, NodeContext } from '../../context.js';
import { canonicalJson } from '../../crypto/canonical.js';
import { issuedReceiptsFor } from '../../federation/inbox.repository.js';
import { findPeer } from '../../federation/peers.repository.js';
import type { Envelope } from '../../federation/protocol/envelope.js';
import { fingerprintOf, rawPublicKey, type NodeIdentity } from '../../node/identity.js';
import {
  attachmentPath,
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  custodyPath,
  eventPath,
  MANIFEST_PATH,
  MANIFEST_SIG_PATH,
  receiptPath,
  type BundleAttachment,
  type BundleKey,
  type BundleManifest,
  type BundleMember,
  type BundleSignature,
} from './bundle.format.js';
import { signEd25519 } from '../../crypto/ed25519.js';
import { caseAttachmentsOf, custodyEntriesOf, openAttachmentForExport, recordHashExport } from './bundle.sources.js';

/**
 * Writes case bundles (docs/evidence.md, "Case bundle format"). The small members (events,
 * receipts, custody entries) are made first, so the manifest can list their hashes; the
 * attachments' hashes and sizes are the ones recorded when they were stored, and each file
 * is streamed into the archive through a hash that must come out the same, or the export
 * fails naming the file: a bundle never carries a file other than the one its manifest names.
 */

export interface BundleContent {
  caseId: string;
  exportedBy: string;
  createdAt: string;
  parties: string[];
  keys: BundleKey[];
  attachmentsIncluded: boolean;
  attachments: BundleAttachment[];
  /** The case's signed event envelopes, as stored, in the order they are written. */
  events: Envelope[];
  /** Signed receipts (federation.receipt) of the batches that carried the case's events: those the peer returned and those this node issued. */
  receipts: { batch_id: string }[];
  /** The custody log, in seq order. */
  custody: Envelope<{ seq: number }>[];
  /** The plaintext of an attachment marked included. */
  openAttachment?(a: BundleAttachment): Promise<Readable>;
}

export interface BundleWritten {
  manifest: BundleManifest;
  bytes: number;
}

export class AttachmentChangedError extends Error {
  override name = 'AttachmentChangedError';
}

/** A pass-through that checks the bytes against a recorded SHA-256 and size. */
function checked(a: BundleAttachment): Transform {
  const h = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      h.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      const got = h.digest('hex');
      if (got !== a.sha256 || size !== a.size) cb(new AttachmentChangedError(`attachment ${a.id} (${a.name}): the stored file has SHA-256 ${got} and ${size} bytes, not the recorded ${a.sha256} and ${a.size}`));
      else cb();
    },
  });
}

/** Signs the manifest's canonical JSON with a node key (Ed25519, as envelopes are signed). */
export function manifestSigner(id: Pick<NodeIdentity, 'privateKey' | 'fingerprint'>): (canonicalManifest: string) => BundleSignature {
  return (text) => ({ suite: 'ed25519', key: id.fingerprint, value: signEd25519(Buffer.from(text, 'utf8'), id.privateKey).toString('base64url') });
}

/** Writes one bundle to `out` (streaming); resolves when the archive is written whole. */
export async function writeBundle(out: Writable, c: BundleContent, signManifest: (canonicalManifest: string) => BundleSignature): Promise<BundleWritten> {
  const small: { path: string; bytes: Buffer }[] = [
    ...c.events.map((e, i) => ({ path: eventPath(i + 1, e.id), bytes: Buffer.from(canonicalJson(e)) })),
    ...c.receipts.map((r) => ({ path: receiptPath(r.batch_id), bytes: Buffer.from(canonicalJson(r)) })),
    ...c.custody.map((e) => ({ path: custodyPath(e.body.seq), bytes: Buffer.from(canonicalJson(e)) })),
  ];
  const included = c.attachmentsIncluded ? c.attachments.filter((a) => a.included) : [];
  const members: BundleMember[] = [
    ...small.map((m) => ({ path: m.path, sha256: createHash('sha256').update(m.bytes).digest('hex'), size: m.bytes.length })),
    ...included.map((a) => ({ path: attachmentPath(a.sha256), sha256: a.sha256, size: a.size })),
  ];
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    case_id: c.caseId,
    exported_by: c.exportedBy,
    created_at: c.createdAt,
    parties: c.parties,
    keys: c.keys,
    attachments_included: c.attachmentsIncluded,
    attachments: c.attachments.map((a) => ({ ...a, included: c.attachmentsIncluded && a.included })),
    members,
  };
  const manifestText = canonicalJson(manifest);
  const sig = signManifest(manifestText);

  const pack = tarPack();
  const mtime = new Date(c.createdAt);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  const written = pipeline(pack as unknown as Readable, counter, out);
  const put = (name: string, data: Buffer) =>
    new Promise<void>((res, rej) => {
      pack.entry({ name, size: data.length, mtime, mode: 0o644 }, data, (err) => (err ? rej(err) : res()));
    });
  try {
    await put(MANIFEST_PATH, Buffer.from(manifestText));
    await put(MANIFEST_SIG_PATH, Buffer.from(canonicalJson(sig)));
    for (const m of small) await put(m.path, m.bytes);
    for (const a of included) {
      if (!c.openAttachment) throw new Error('attachments are to be included but there is no way to read them');
      const src = await c.openAttachment(a);
      const entry = pack.entry({ name: attachmentPath(a.sha256), size: a.size, mtime, mode: 0o644 });
      await pipeline(src, checked(a), entry);
    }
    pack.finalize();
  } catch (e) {
    pack.destroy(e as Error);
    await written.catch(() => undefined);
    throw e;
  }
  await written;
  return { manifest, bytes };
}

interface RetiredKeyRecord {
  public_key: string;
  fingerprint: string;
  retired_at: string;
}

/** A node's keys with their validity: retired ones in the order they were retired, then the current one. */
export function keysWithValidity(nodeId: string, current: { public_key: string; fingerprint: string }, retired: RetiredKeyRecord[]): BundleKey[] {
  const sorted = [...retired].sort((x, y) => (x.retired_at < y.retired_at ? -1 : x.retired_at > y.retired_at ? 1 : 0));
  const out: BundleKey[] = [];
  let from: string | null = null;
  for (const r of sorted) {
    out.push({ node_id: nodeId, suite: 'ed25519', fingerprint: r.fingerprint, public_key: r.public_key, valid_from: from, valid_until: r.retired_at });
    from = r.retired_at;
  }
  out.push({ node_id: nodeId, suite: 'ed25519', fingerprint: current.fingerprint, public_key: current.public_key, valid_from: from, valid_until: null });
  return out;
}

/**
 * This node's retired keys among `needed` fingerprints: the key files kept under keys/retired/
 * by a rotation, retired at the time the audit log recorded the rotation.
 */
async function ownRetiredKeys(ctx: NodeContext, needed: Set<string>): Promise<RetiredKeyRecord[]> {
  const want = [...needed].filter((fp) => fp !== ctx.identity.fingerprint && /^[0-9a-f]{64}$/.test(fp));
  if (want.length === 0) return [];
  const found: RetiredKeyRecord[] = [];
  const when = new Map<string, string>();
  for await (const a of iterateAudit(ctx.store.db)) {
    if (a.action === 'node.key_rotate' && typeof a.details.old_fingerprint === 'string') when.set(a.details.old_fingerprint, a.at);
  }
  for (const fp of want) {
    const file = join(ctx.settings.dataDir, 'keys', 'retired', `${fp}.pem`);
    const at = when.get(fp);
    if (!existsSync(file) || !at) continue;
    const pub = createPublicKey(createPrivateKey(readFileSync(file)));
    if (fingerprintOf(pub) !== fp) continue;
    found.push({ public_key: rawPublicKey(pub).toString('base64url'), fingerprint: fp, retired_at: at });
  }
  return found;
}

export interface ExportOptions {
  /** Only the attachments' hashes, not their content. */
  hashesOnly?: boolean;
  /** The role of the user exporting (an auditor gets the content only where the node allows it). */
  role?: string;
}

/** Gathers what a case bundle holds, as this node has it. Reading the case is audited as a read by `actor`. */
export async function collectCaseBundle(ctx: NodeContext, actor: Actor, caseId: string, opts: ExportOptions = {}): Promise<BundleContent> {
  const c = await getCase(ctx, actor, caseId);
  const me = ctx.identity;
  const events = c.history.map((h) => h.envelope);
  const receipts = new Map<string, { batch_id: string }>();
  for (const h of c.history) {
    const r = h.delivery?.receipt as { batch_id?: unknown } | null | undefined;
    if (r && typeof r.batch_id === 'string') receipts.set(r.batch_id, r as { batch_id: string });
  }
  // The receipts this node signed for the peer's batches that carried the case's events.
  const issued = await issuedReceiptsFor(ctx.store.db, events.filter((e) => e.from !== me.node_id).map((e) => e.id));
  const issuedKeys: string[] = [];
  for (const [batchId, text] of issued) {
    const r = JSON.parse(text) as { batch_id: string; sig?: { key?: unknown } };
    receipts.set(batchId, r);
    if (typeof r.sig?.key === 'string') issuedKeys.push(r.sig.key);
  }
  const rows = await caseAttachmentsOf(ctx, caseId);
  const include = !opts.hashesOnly;
  // Each attachment's export is a custody entry, recorded before the log is read; the content
  // streams only when the archive is written.
  const streams = new Map<string, Readable>();
  for (const a of rows) {
    if (include && a.present) streams.set(a.id, await openAttachmentForExport(ctx, actor, caseId, a, opts.role));
    else await recordHashExport(ctx, actor, caseId, a);
  }
  const custody = await custodyEntriesOf(ctx, caseId);
  const attachments: BundleAttachment[] = rows.map((a) => ({ id: a.id, sha256: a.sha256, name: a.name, media_type: a.media_type, size: Number(a.size), included: include && a.present }));

  const ownNeeded = new Set([...events.filter((e) => e.from === me.node_id).map((e) => e.sig.key), ...custody.map((e) => e.sig.key), ...issuedKeys]);
  const keys = keysWithValidity(me.node_id, { public_key: me.publicKeyRaw, fingerprint: me.fingerprint }, await ownRetiredKeys(ctx, ownNeeded));
  const peer = await findPeer(ctx.store.db, c.peer);
  if (peer) keys.push(...keysWithValidity(peer.node_id, { public_key: peer.public_key, fingerprint: peer.fingerprint }, JSON.parse(peer.retired_keys) as RetiredKeyRecord[]));

  return {
    caseId,
    exportedBy: me.node_id,
    createdAt: new Date().toISOString(),
    parties: [c.requesting, c.requested],
    keys,
    attachmentsIncluded: !opts.hashesOnly,
    attachments,
    events,
    receipts: [...receipts.values()],
    custody,
    openAttachment: async (a) => {
      const s = streams.get(a.id);
      if (!s) throw new Error(`attachment ${a.id} was not opened for the bundle`);
      return s;
    },
  };
}

/** Exports a case as a signed bundle into `out`. */
export async function exportCaseBundle(ctx: NodeContext, actor: Actor, caseId: string, out: Writable, opts: ExportOptions = {}): Promise<BundleWritten> {
  let content: BundleContent;
  try {
    content = await collectCaseBundle(ctx, actor, caseId, opts);
  } catch (e) {
    out.destroy();
    throw e;
  }
  const written = await writeBundle(out, content, manifestSigner(ctx.identity));
  const m = written.manifest;
  await ctx.store.db.transaction().execute((trx) => appendAudit(trx, ctx.store.dialect, {
    actor: actor.ref,
    ip: actor.ip ?? null,
    action: 'case.bundle_export',
    target: `case:${caseId}`,
    details: { hashes_only: !m.attachments_included, members: m.members.length, bytes: written.bytes, manifest_sha256: createHash('sha256').update(canonicalJson(m)).digest('hex') },
  }));
  return written;
}
