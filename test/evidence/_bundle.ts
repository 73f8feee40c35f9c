import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pack as tarPack } from 'tar-stream';
import { canonicalJson } from '../../src/crypto/canonical.js';
import { manifestSigner, keysWithValidity, writeBundle, type BundleContent } from '../../src/evidence/bundle/bundle.export.js';
import type { BundleAttachment, BundleManifest } from '../../src/evidence/bundle/bundle.format.js';
import type { CustodyBody } from '../../src/evidence/bundle/bundle.sources.js';
import { TarReader } from '../../src/evidence/bundle/tar-reader.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import { signReceipt, type Receipt } from '../../src/federation/protocol/receipt.js';
import type { NodeIdentity } from '../../src/node/identity.js';
import { makeIdentity } from '../federation/_inbox.js';

/** Collects a writable's bytes. */
export function sink(): { stream: Writable; bytes(): Buffer } {
  const parts: Buffer[] = [];
  return {
    stream: new Writable({
      write(c: Buffer, _e, cb) {
        parts.push(c);
        cb();
      },
    }),
    bytes: () => Buffer.concat(parts),
  };
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 8, 0) + minutes * 60_000).toISOString();

export interface SyntheticCase {
  a: NodeIdentity;
  b: NodeIdentity;
  caseId: string;
  content: BundleContent;
  files: Map<string, Buffer>;
}

export function caseEvent(id: NodeIdentity, to: string, caseId: string, issuedAt: string, body: Record<string, unknown>): Envelope<Record<string, unknown>> {
  const full = { event_id: newMessageId(), case_id: caseId, created_at: issuedAt, seen: [], ...body };
  return signEnvelope(id, { v: 1, id: newMessageId(), from: id.node_id, to: [to], type: 'cases.event/v1', issued_at: issuedAt, seq: 1, body: full });
}

export function custodyChain(id: NodeIdentity, caseId: string, entries: Omit<CustodyBody, 'case_id' | 'seq' | 'prev'>[]): Envelope<CustodyBody>[] {
  const out: Envelope<CustodyBody>[] = [];
  for (const [i, e] of entries.entries()) {
    const prev = i === 0 ? null : sha256(canonicalJson(out[i - 1]));
    out.push(signEnvelope(id, { v: 1, id: newMessageId(), from: id.node_id, to: [id.node_id], type: 'evidence.custody/v1', issued_at: e.at, body: { case_id: caseId, seq: i + 1, prev, ...e } }));
  }
  return out;
}

/**
 * A case between uz-cert (a, requesting, the exporter) and kz-cert (b): opened, acknowledged,
 * a message with two files; b's receipts of a's events; a's custody log of the files.
 */
export function syntheticCase(): SyntheticCase {
  const a = makeIdentity('uz-cert');
  const b = makeIdentity('kz-cert');
  const caseId = newMessageId();
  const open = caseEvent(a, b.node_id, caseId, at(0), { action: 'open', requested: b.node_id, request: { subject: 'Ransomware C2 server logs' } });
  const ack = caseEvent(b, a.node_id, caseId, at(5), { action: 'acknowledge', seen: [{ author: a.node_id, event_id: open.body.event_id as string }] });
  const msg = caseEvent(a, b.node_id, caseId, at(10), { action: 'message', text: 'The logs are attached.', seen: [{ author: b.node_id, event_id: ack.body.event_id as string }] });
  const r1: Receipt = signReceipt(b, { batch_id: newMessageId(), received_at: at(1), items: [{ message_id: open.id, digest: sha256(canonicalJson(open)), status: 'accepted' }, { message_id: newMessageId(), digest: sha256('another case'), status: 'accepted' }] });
  const r2: Receipt = signReceipt(b, { batch_id: newMessageId(), received_at: at(11), items: [{ message_id: msg.id, digest: sha256(canonicalJson(msg)), status: 'accepted' }] });
  const files = new Map<string, Buffer>();
  const log = Buffer.from('203.0.113.7 - - [20/Nov/2026:03:14:07 +0000] "GET /beacon HTTP/1.1" 200 512\n'.repeat(2000));
  const image = Buffer.alloc(300_000, 7);
  const attachments: BundleAttachment[] = [
    { id: newMessageId(), sha256: sha256(log), name: 'access.log', media_type: 'text/plain', size: log.length, included: true },
    { id: newMessageId(), sha256: sha256(image), name: 'disk.img', media_type: 'application/octet-stream', size: image.length, included: true },
  ];
  files.set(attachments[0]!.sha256, log);
  files.set(attachments[1]!.sha256, image);
  const custody = custodyChain(a, caseId, [
    { at: at(9), actor: 'user:1', from: '192.0.2.10', action: 'upload', attachment_id: attachments[0]!.id, sha256: attachments[0]!.sha256 },
    { at: at(9), actor: 'user:1', from: '192.0.2.10', action: 'upload', attachment_id: attachments[1]!.id, sha256: attachments[1]!.sha256 },
    { at: at(12), actor: 'system', from: b.node_id, action: 'receipt', attachment_id: attachments[0]!.id, sha256: attachments[0]!.sha256, details: { batch_id: r2.batch_id } },
  ]);
  const content: BundleContent = {
    caseId,
    exportedBy: a.node_id,
    createdAt: at(60),
    parties: [a.node_id, b.node_id],
    keys: [...keysWithValidity(a.node_id, { public_key: a.publicKeyRaw, fingerprint: a.fingerprint }, []), ...keysWithValidity(b.node_id, { public_key: b.publicKeyRaw, fingerprint: b.fingerprint }, [])],
    attachmentsIncluded: true,
    attachments,
    events: [open, ack, msg],
    receipts: [r1, r2],
    custody,
    openAttachment: async (x) => Readable.from([files.get(x.sha256)!.subarray(0, 1000), files.get(x.sha256)!.subarray(1000)]),
  };
  return { a, b, caseId, content, files };
}

/** Writes a bundle to memory. */
export async function bundleOf(content: BundleContent, signer: NodeIdentity): Promise<Buffer> {
  const s = sink();
  await writeBundle(s.stream, content, manifestSigner(signer));
  return s.bytes();
}

export interface MemberAt {
  path: string;
  headerOffset: number;
  dataOffset: number;
  size: number;
}

/** Where each member lies in an archive. */
export function membersOf(tar: Buffer): MemberAt[] {
  const out: MemberAt[] = [];
  const r = new TarReader({ entry: (e) => (out.push({ path: e.path, headerOffset: e.headerOffset, dataOffset: e.dataOffset, size: e.size }), null) });
  r.push(tar);
  r.end();
  return out;
}

export function memberAt(tar: Buffer, path: string | RegExp): MemberAt {
  const m = membersOf(tar).find((x) => (typeof path === 'string' ? x.path === path : path.test(x.path)));
  if (!m) throw new Error(`no member ${String(path)}`);
  return m;
}

/** A copy of the archive with one byte of a member changed: at the first occurrence of `text` in it, or in its middle. */
export function flipByte(tar: Buffer, path: string | RegExp, text?: string): { bundle: Buffer; path: string } {
  const m = memberAt(tar, path);
  const data = tar.subarray(m.dataOffset, m.dataOffset + m.size);
  const i = text === undefined ? Math.floor(m.size / 2) : data.indexOf(text);
  if (i < 0) throw new Error(`${text} is not in ${m.path}`);
  const out = Buffer.from(tar);
  out[m.dataOffset + i] = out[m.dataOffset + i]! ^ 0x20;
  return { bundle: out, path: m.path };
}

/** A copy of the archive without one member (its header and data blocks cut out). */
export function removeMember(tar: Buffer, path: string | RegExp): { bundle: Buffer; path: string } {
  const m = memberAt(tar, path);
  const end = m.dataOffset + Math.ceil(m.size / 512) * 512;
  return { bundle: Buffer.concat([tar.subarray(0, m.headerOffset), tar.subarray(end)]), path: m.path };
}

/** Unpacks, changes members (return null to drop one), packs again. */
export async function rewrite(tar: Buffer, change: (path: string, bytes: Buffer) => Buffer | null, extra: { path: string; bytes: Buffer }[] = []): Promise<Buffer> {
  const members: { path: string; bytes: Buffer }[] = [];
  const r = new TarReader({
    entry(e) {
      const parts: Buffer[] = [];
      return { data: (c) => void parts.push(Buffer.from(c)), end: () => void members.push({ path: e.path, bytes: Buffer.concat(parts) }) };
    },
  });
  r.push(tar);
  r.end();
  const p = tarPack();
  const s = sink();
  const done = new Promise<void>((res, rej) => {
    (p as unknown as Readable).pipe(s.stream).on('finish', res).on('error', rej);
  });
  for (const m of [...members, ...extra]) {
    const bytes = change(m.path, m.bytes);
    if (bytes) await new Promise<void>((res, rej) => p.entry({ name: m.path, size: bytes.length }, bytes, (err) => (err ? rej(err) : res())));
  }
  p.finalize();
  await done;
  return s.bytes();
}

/** Changes the manifest and signs it again with `signer` (a dishonest exporter, or another node). */
export async function resignManifest(tar: Buffer, signer: NodeIdentity, change: (m: BundleManifest) => void): Promise<Buffer> {
  return rewrite(tar, (path, bytes) => {
    if (path === 'manifest.json') {
      const m = JSON.parse(bytes.toString()) as BundleManifest;
      change(m);
      return Buffer.from(canonicalJson(m));
    }
    return bytes;
  }).then((t) =>
    rewrite(t, (path, bytes) => {
      if (path !== 'manifest.sig') return bytes;
      const m = memberBytes(t, 'manifest.json').toString();
      return Buffer.from(canonicalJson(manifestSigner(signer)(canonicalJson(JSON.parse(m)))));
    }),
  );
}

export function memberBytes(tar: Buffer, path: string | RegExp): Buffer {
  const m = memberAt(tar, path);
  return tar.subarray(m.dataOffset, m.dataOffset + m.size);
}
