import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, type Hash } from 'node:crypto';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { appendAudit } from '../audit/audit.repository.js';
import { caseRowOrThrow } from '../cases/cases.service.js';
import type { Actor, NodeContext } from '../context.js';
import { AppError, ConflictError, NotFoundError } from '../errors.js';
import { HOST, newId } from '../util/ids.js';
import { appendCustody, custodyActor } from './custody.service.js';
import { storageKeyOf } from './evidence.keys.js';
import { buildHeader, DEFAULT_CHUNK_BYTES, HEADER_BYTES, newFileKey, openChunk, sealChunkParts, TAG_BYTES } from './storage/chunked-cipher.js';
import { evidenceStoreOf } from './storage/evidence-store.js';
import { lockPath, partPath, removeUploadFiles, tailPath } from './storage/file-store.js';
import { unwrapFileKey, wrapFileKey } from './storage/storage-key.js';
import { EvidenceJob } from './transfer/transfer.schemas.js';

/**
 * Resumable uploads (tus 1.0, core and creation; docs/evidence.md). Plaintext never rests on
 * disk: bytes are hashed and encrypted as they arrive. Every full chunk is sealed (non-last:
 * in this format only the shorter final chunk is last) and appended to the upload's part
 * file; the bytes of a chunk not yet full, at the end of a PATCH, are sealed into a small tail
 * file under a key derived from the file key, and taken back at the start of the next PATCH.
 * So the offset a client sees is every byte it sent, whatever the PATCH sizes.
 *
 * The files are the truth about the offset: a part file cut inside a chunk (a crash while
 * writing) is cut back to whole chunks, and a tail written for fewer chunks than the part file
 * holds is stale (its bytes are in the next chunk) and dropped. The SHA-256 state lives in
 * memory; after a restart, or when another process took the last PATCH, it is rebuilt by
 * decrypting what is stored.
 */
export class UploadTooLargeError extends AppError {
  override name = 'UploadTooLargeError';
  constructor(max: number) {
    super(413, 'upload-too-large', 'Upload too large', `an attachment may have at most ${max} bytes (evidenceMaxBytes)`, { max_bytes: max });
  }
}

export class TooManyUploadsError extends AppError {
  override name = 'TooManyUploadsError';
  constructor(limit: number) {
    super(429, 'too-many-uploads', 'Too many uploads in progress', `a user may have ${limit} uploads in progress (evidenceUploadsPerUser); finish or cancel one first`, { limit });
  }
}

export class OffsetMismatchError extends AppError {
  override name = 'OffsetMismatchError';
  constructor(sent: number, actual: number) {
    super(409, 'upload-offset-mismatch', 'Upload offset does not match', `Upload-Offset ${sent} does not match the ${actual} bytes received; ask with HEAD and resume from there`, { upload_offset: actual });
  }
}

export interface UploadMeta {
  name: string;
  mediaType: string;
  description: string;
  eventId: string | null;
}

export interface UploadRow {
  id: string;
  case_id: string;
  length: number;
  received: number;
}

export interface CompletedUpload {
  attachment_id: string;
  sha256: string;
  size: number;
}

/** Upload-Length must fit this node's limit; a user has a bounded number of uploads in progress. */
export async function createUpload(ctx: NodeContext, actor: Actor, caseId: string, length: number, meta: UploadMeta): Promise<UploadRow> {
  await caseRowOrThrow(ctx, caseId);
  if (length > ctx.settings.evidenceMaxBytes) throw new UploadTooLargeError(ctx.settings.evidenceMaxBytes);
  const open_ = await ctx.store.db.selectFrom('evidence_uploads').select((eb) => eb.fn.countAll<number | string>().as('n')).where('user_id', '=', actor.ref).executeTakeFirstOrThrow();
  if (Number(open_.n) >= ctx.settings.evidenceUploadsPerUser) throw new TooManyUploadsError(ctx.settings.evidenceUploadsPerUser);
  const storageKey = await storageKeyOf(ctx);
  const id = newId();
  const header = buildHeader(DEFAULT_CHUNK_BYTES, randomBytes(4));
  await writeFile(partPath(ctx.settings.dataDir, id), header, { flag: 'wx', mode: 0o600 });
  const now = new Date().toISOString();
  await ctx.store.db
    .insertInto('evidence_uploads')
    .values({
      id,
      case_id: caseId,
      event_id: meta.eventId,
      name: meta.name,
      media_type: meta.mediaType,
      description: meta.description,
      length,
      received: 0,
      chunk_bytes: DEFAULT_CHUNK_BYTES,
      wrapped_key: wrapFileKey(storageKey, newFileKey(), `evidence_uploads:${id}`),
      user_id: actor.ref,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, case_id: caseId, length, received: 0 };
}

async function uploadRow(ctx: NodeContext, actor: Actor, caseId: string, id: string) {
  const r = await ctx.store.db.selectFrom('evidence_uploads').selectAll().where('id', '=', id).where('case_id', '=', caseId).executeTakeFirst();
  // Someone else's upload is as good as absent.
  if (!r || r.user_id !== actor.ref) throw new NotFoundError(`upload ${id}`);
  return r;
}

/** What the files hold: whole sealed chunks, and the plaintext of the tail (the chunk not yet full). */
interface DiskState {
  chunks: number;
  tail: Buffer;
  offset: number;
}

function tailKeyOf(fileKey: Buffer): Buffer {
  return createHmac('sha256', fileKey).update('accord evidence upload tail').digest();
}

function tailAad(uploadId: string, chunks: number): Buffer {
  return Buffer.from(`${uploadId}:${chunks}`, 'utf8');
}

// Tail file: chunks it follows (u64 BE) | nonce (12) | ciphertext | tag (16).
function sealTail(fileKey: Buffer, uploadId: string, chunks: number, plain: Buffer): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', tailKeyOf(fileKey), nonce);
  c.setAAD(tailAad(uploadId, chunks));
  const head = Buffer.alloc(8);
  head.writeBigUInt64BE(BigInt(chunks));
  return Buffer.concat([head, nonce, c.update(plain), c.final(), c.getAuthTag()]);
}

function openTail(fileKey: Buffer, uploadId: string, sealed: Buffer): { chunks: number; plain: Buffer } | null {
  if (sealed.length < 8 + 12 + 16) return null;
  const chunks = Number(sealed.readBigUInt64BE(0));
  try {
    const d = createDecipheriv('aes-256-gcm', tailKeyOf(fileKey), sealed.subarray(8, 20));
    d.setAAD(tailAad(uploadId, chunks));
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    const plain = Buffer.concat([d.update(sealed.subarray(20, sealed.length - 16)), d.final()]);
    return { chunks, plain };
  } catch {
    return null;
  }
}

/**
 * What the files hold. Only the holder of the upload's lock may `repair` (cut a torn chunk
 * away): a HEAD that did so while a PATCH was writing would cut a chunk being written.
 */
async function diskState(dataDir: string, id: string, chunkBytes: number, fileKey: Buffer, repair: boolean): Promise<DiskState> {
  const part = partPath(dataDir, id);
  const size = (await stat(part)).size;
  const sealed = chunkBytes + TAG_BYTES;
  const chunks = Math.max(0, Math.floor((size - HEADER_BYTES) / sealed));
  const whole = HEADER_BYTES + chunks * sealed;
  if (repair && size !== whole) {
    const fh = await open(part, 'r+');
    try {
      await fh.truncate(whole);
    } finally {
      await fh.close();
    }
  }
  let tail: Buffer = Buffer.alloc(0);
  const raw = await readFile(tailPath(dataDir, id)).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (raw) {
    const t = openTail(fileKey, id, raw);
    if (t && t.chunks === chunks) tail = t.plain;
  }
  return { chunks, tail, offset: chunks * chunkBytes + tail.length };
}

/** The hash of the bytes received so far, per upload, in this process. */
const hashes = new Map<string, { offset: number; hash: Hash }>();
/** Uploads a PATCH is writing now, in this process. */
const busy = new Set<string>();

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the upload for one PATCH across the node's processes: a lock file holding
 * `host:pid`. A lock left by a process of this host that no longer runs (kill -9) is taken
 * over; a live one answers 409, and the client asks again with HEAD.
 */
async function lockUpload(dataDir: string, id: string): Promise<() => Promise<void>> {
  const path = lockPath(dataDir, id);
  const me = `${HOST}:${process.pid}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, me, { flag: 'wx', mode: 0o600 });
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readFile(path, 'utf8').catch(() => '');
    const at = holder.lastIndexOf(':');
    const stale = holder === '' || (holder.slice(0, at) === HOST && !running(Number(holder.slice(at + 1))));
    if (!stale || holder === me) break;
    await rm(path, { force: true });
  }
  throw new ConflictError(`another PATCH of upload ${id} is in progress`);
}

async function hashSoFar(dataDir: string, id: string, chunkBytes: number, fileKey: Buffer, state: DiskState): Promise<Hash> {
  const known = hashes.get(id);
  if (known && known.offset === state.offset) return known.hash;
  const hash = createHash('sha256');
  const fh = await open(partPath(dataDir, id), 'r');
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    await fh.read(header, 0, HEADER_BYTES, 0);
    const buf = Buffer.alloc(chunkBytes + TAG_BYTES);
    for (let i = 0; i < state.chunks; i++) {
      await fh.read(buf, 0, buf.length, HEADER_BYTES + i * buf.length);
      hash.update(openChunk(fileKey, header, i, false, buf));
    }
  } finally {
    await fh.close();
  }
  hash.update(state.tail);
  return hash;
}

/** The offset of an upload (tus HEAD). */
export async function uploadOffset(ctx: NodeContext, actor: Actor, caseId: string, id: string): Promise<{ offset: number; length: number }> {
  const r = await uploadRow(ctx, actor, caseId, id);
  const fileKey = unwrapFileKey(await storageKeyOf(ctx), r.wrapped_key, `evidence_uploads:${id}`);
  const s = await diskState(ctx.settings.dataDir, id, r.chunk_bytes, fileKey, false);
  return { offset: s.offset, length: Number(r.length) };
}

export interface PatchResult {
  offset: number;
  length: number;
  completed: CompletedUpload | null;
}

/**
 * Appends the bytes of one PATCH at `offset` (tus), encrypting as they come; holds at most one
 * chunk in memory. A body cut short (a broken connection) keeps every byte that arrived. When
 * the last byte arrives the file is finished: the attachment is created and the file enters
 * the store (once per content).
 */
export async function appendToUpload(ctx: NodeContext, actor: Actor, caseId: string, id: string, offset: number, body: AsyncIterable<Buffer>): Promise<PatchResult> {
  const r = await uploadRow(ctx, actor, caseId, id);
  if (busy.has(id)) throw new ConflictError(`another PATCH of upload ${id} is in progress`);
  busy.add(id);
  const dataDir = ctx.settings.dataDir;
  const length = Number(r.length);
  const chunkBytes = r.chunk_bytes;
  let unlock: (() => Promise<void>) | null = null;
  try {
    unlock = await lockUpload(dataDir, id);
    const fileKey = unwrapFileKey(await storageKeyOf(ctx), r.wrapped_key, `evidence_uploads:${id}`);
    const state = await diskState(dataDir, id, chunkBytes, fileKey, true);
    if (offset !== state.offset) throw new OffsetMismatchError(offset, state.offset);
    const hash = await hashSoFar(dataDir, id, chunkBytes, fileKey, state);
    hashes.delete(id);
    const fh = await open(partPath(dataDir, id), 'r+');
    const header = Buffer.alloc(HEADER_BYTES);
    await fh.read(header, 0, HEADER_BYTES, 0);
    let chunks = state.chunks;
    let pos = HEADER_BYTES + chunks * (chunkBytes + TAG_BYTES);
    let pending = Buffer.allocUnsafe(chunkBytes);
    let fill = state.tail.copy(pending, 0);
    let received = state.offset;
    let tooMuch = false;
    let broken: unknown = null;
    const flushChunk = async (plain: Buffer) => {
      const [ct, tag] = sealChunkParts(fileKey, header, chunks, false, plain);
      await fh.writev([ct, tag], pos);
      pos += ct.length + tag.length;
      chunks++;
    };
    try {
      for await (const piece of body) {
        let data = piece;
        if (received + data.length > length) {
          tooMuch = true;
          data = data.subarray(0, length - received);
        }
        hash.update(data);
        received += data.length;
        // Whole chunks straight from the request when nothing is pending: no copy.
        while (fill === 0 && data.length >= chunkBytes) {
          await flushChunk(data.subarray(0, chunkBytes));
          data = data.subarray(chunkBytes);
        }
        while (data.length > 0) {
          const n = Math.min(chunkBytes - fill, data.length);
          data.copy(pending, fill, 0, n);
          fill += n;
          data = data.subarray(n);
          if (fill === chunkBytes) {
            await flushChunk(pending);
            pending = Buffer.allocUnsafe(chunkBytes);
            fill = 0;
          }
        }
        if (tooMuch) break;
      }
    } catch (e) {
      // The connection broke: keep what arrived.
      broken = e;
    }
    const tail = pending.subarray(0, fill);
    const complete = received === length && !broken && !tooMuch;
    let completed: CompletedUpload | null = null;
    try {
      if (complete) {
        await flushLast(fh, fileKey, header, chunks, tail, pos);
        await fh.sync();
      } else if (fill > 0) {
        const t = tailPath(dataDir, id);
        await writeFile(`${t}.tmp`, sealTail(fileKey, id, chunks, tail), { mode: 0o600 });
        await rename(`${t}.tmp`, t);
      } else {
        await rm(tailPath(dataDir, id), { force: true });
      }
    } finally {
      await fh.close();
    }
    if (complete) {
      completed = await finishUpload(ctx, actor, r, fileKey, hash.digest('hex'));
    } else {
      hashes.set(id, { offset: received, hash });
      await ctx.store.db.updateTable('evidence_uploads').set({ received, updated_at: new Date().toISOString() }).where('id', '=', id).execute();
    }
    if (tooMuch) throw new AppError(413, 'upload-too-long', 'More bytes than Upload-Length', `the upload has ${length} bytes; the bytes after them were refused`, { upload_offset: received });
    if (broken) throw broken;
    return { offset: received, length, completed };
  } finally {
    await unlock?.();
    busy.delete(id);
  }
}

async function flushLast(fh: Awaited<ReturnType<typeof open>>, fileKey: Buffer, header: Buffer, index: number, tail: Buffer, pos: number): Promise<void> {
  const [ct, tag] = sealChunkParts(fileKey, header, index, true, tail);
  await fh.writev([ct, tag], pos);
  await fh.truncate(pos + ct.length + tag.length);
}

type UploadFull = Awaited<ReturnType<typeof uploadRow>>;

/**
 * The last byte arrived: the file enters the store under its hash (or, when that content is
 * stored already, the new copy is dropped and the stored one serves), the attachment is made,
 * and custody records the upload; all in one transaction.
 */
async function finishUpload(ctx: NodeContext, actor: Actor, r: UploadFull, fileKey: Buffer, sha256: string): Promise<CompletedUpload> {
  const storageKey = await storageKeyOf(ctx);
  const dataDir = ctx.settings.dataDir;
  const size = Number(r.length);
  const attachmentId = newId();
  const now = new Date().toISOString();
  await ctx.store.db.transaction().execute(async (trx) => {
    const wrapped = wrapFileKey(storageKey, fileKey, `evidence_files:${sha256}`);
    const ins = await trx
      .insertInto('evidence_files')
      .values({ sha256, size, chunk_bytes: r.chunk_bytes, wrapped_key: wrapped, origin: 'uploaded', stored_at: now, removed_at: null })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .executeTakeFirst();
    let take = Number(ins.numInsertedOrUpdatedRows ?? 0) > 0;
    if (!take) {
      // Stored before and deleted since: this upload brings the content back.
      const revived = await trx.updateTable('evidence_files').set({ wrapped_key: wrapped, size, chunk_bytes: r.chunk_bytes, stored_at: now, removed_at: null }).where('sha256', '=', sha256).where('removed_at', 'is not', null).executeTakeFirst();
      take = Number(revived.numUpdatedRows) > 0;
    }
    // Only the upload that made or revived the row stores its copy (each copy has its own key).
    if (take) await evidenceStoreOf(ctx.settings).put(sha256, partPath(dataDir, r.id));
    await trx
      .insertInto('evidence_attachments')
      .values({ id: attachmentId, case_id: r.case_id, event_id: r.event_id, sha256, name: r.name, media_type: r.media_type, description: r.description, size, added_by: actor.ref, added_at: now, hold: 0, deleted_at: null, transfer_state: 'local' })
      .execute();
    await trx.deleteFrom('evidence_uploads').where('id', '=', r.id).execute();
    await appendCustody(ctx, trx, { caseId: r.case_id, attachmentId, sha256, action: 'upload', actor: custodyActor(ctx, actor.ref), from: actor.ip ?? null, details: { name: r.name, media_type: r.media_type, size }, at: new Date(now) });
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'evidence.upload', target: `case:${r.case_id}`, details: { attachment: attachmentId, sha256, size, name: r.name, stored_once: !take } });
  });
  hashes.delete(r.id);
  removeUploadFiles(dataDir, r.id);
  ctx.events.publish({ type: 'desk.changed', source: 'evidence' });
  // The new attachment goes to the other party of the case now, not at the offer job's next safety run.
  ctx.jobs.runSoon(EvidenceJob.offer);
  return { attachment_id: attachmentId, sha256, size };
}

/** Cancels an upload (tus termination): its files and row go. */
export async function cancelUpload(ctx: NodeContext, actor: Actor, caseId: string, id: string): Promise<void> {
  await uploadRow(ctx, actor, caseId, id);
  if (busy.has(id)) throw new ConflictError(`a PATCH of upload ${id} is in progress`);
  await ctx.store.db.deleteFrom('evidence_uploads').where('id', '=', id).execute();
  hashes.delete(id);
  removeUploadFiles(ctx.settings.dataDir, id);
}

/** Forgets the in-memory hash states, as a restart does (tests). */
export function dropUploadCache(): void {
  hashes.clear();
}
