import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import canonicalizeImpl from 'canonicalize';
import {
  ATTACHMENT_PATH,
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleProblem,
  CASE_EVENT_TYPE,
  CUSTODY_PATH,
  CUSTODY_TYPE,
  EVENT_PATH,
  MANIFEST_PATH,
  MANIFEST_SIG_PATH,
  RECEIPT_PATH,
  type BundleIssue,
  type BundleKey,
  type BundleManifest,
  type BundleReport,
} from './bundle.format.js';
import { TarFormatError, TarReader } from './tar-reader.js';

/**
 * The case bundle verifier (docs/evidence.md, "Case bundle format"). Pure and platform-neutral:
 * it reads the archive as a sequence of byte chunks, hashes every member as it streams by and
 * keeps only the small JSON members (manifest, events, receipts, custody entries), so a bundle
 * of any size verifies in bounded memory, in Node or in a browser. The hash and signature
 * primitives are injected: @noble by default (works anywhere), node:crypto from the Node
 * wrapper (bundle.node.ts) where speed matters. It never stops at the first problem: the report
 * names every part that is missing, altered or signed by a key not valid at the time.
 */

export interface Sha256Stream {
  update(chunk: Uint8Array): void;
  /** Lowercase hex. */
  digestHex(): string;
}

export interface BundleCrypto {
  sha256(): Sha256Stream;
  /** Ed25519 (RFC 8032) over `message`; false for anything malformed. */
  verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** @noble/hashes and @noble/curves: audited, pure JavaScript, the same in every runtime. */
export const nobleCrypto: BundleCrypto = {
  sha256() {
    const h = sha256.create();
    return { update: (c) => void h.update(c), digestHex: () => hex(h.digest()) };
  },
  verifyEd25519(publicKey, message, signature) {
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};

export interface VerifyOptions {
  crypto?: BundleCrypto;
  /** Called with the bytes read so far, at most once per chunk. */
  onProgress?(bytesRead: number): void;
  /** The exporting node's fingerprint as read out of band: a manifest signed by any other key is refused. */
  expectFingerprint?: string;
}

/** A JSON member (manifest, event, receipt, custody entry) larger than this is not read. */
const MAX_JSON_MEMBER = 16 * 1024 * 1024;
/** Nor are JSON members past this much in all: a crafted bundle cannot fill a browser's memory. */
const MAX_JSON_TOTAL = 512 * 1024 * 1024;

interface SeenMember {
  path: string;
  sha256: string;
  size: number;
  /** The bytes of a JSON member (null for attachments and anything too large). */
  bytes: Uint8Array | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function canonical(value: unknown): string {
  const out = (canonicalizeImpl as unknown as (v: unknown) => string | undefined)(value);
  if (out === undefined) throw new TypeError('value cannot be canonicalised');
  return out;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_VALUE = new Map([...B64URL].map((c, i) => [c, i]));

/** base64url (RFC 4648 §5, without padding; padding is tolerated); null when malformed. */
export function base64UrlDecode(s: string): Uint8Array | null {
  const t = s.replace(/=+$/, '');
  if (t.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((t.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const c of t) {
    const v = B64_VALUE.get(c);
    if (v === undefined) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const isTime = (v: unknown): v is string => isStr(v) && ISO.test(v) && Number.isFinite(Date.parse(v));
const HEX64 = /^[0-9a-f]{64}$/;

interface Sig {
  suite: string;
  key: string;
  value: string;
}
const isSig = (v: unknown): v is Sig => isObj(v) && v.suite === 'ed25519' && isStr(v.key) && isStr(v.value);

interface Envelope {
  v: number;
  id: string;
  from: string;
  to: string[];
  type: string;
  issued_at: string;
  body: Json;
  sig: Sig;
}
const isEnvelope = (v: unknown): v is Envelope =>
  isObj(v) && v.v === 1 && isStr(v.id) && isStr(v.from) && Array.isArray(v.to) && v.to.every(isStr) && isStr(v.type) && isTime(v.issued_at) && isObj(v.body) && isSig(v.sig);

function emptyReport(): BundleReport {
  return {
    ok: false,
    format: null,
    version: null,
    case_id: null,
    exported_by: null,
    exporter_fingerprint: null,
    created_at: null,
    attachments_included: null,
    problems: [],
    checked: { members: 0, bytes: 0, keys: 0, signatures: 0, events: 0, receipts: 0, custody_entries: 0, attachments: 0 },
  };
}

function manifestProblem(m: unknown): string | null {
  if (!isObj(m)) return 'not a JSON object';
  if (!isStr(m.case_id) || !isStr(m.exported_by) || !isTime(m.created_at)) return 'case_id, exported_by or created_at is missing or malformed';
  if (!Array.isArray(m.parties) || !m.parties.every(isStr)) return 'parties is not a list of node ids';
  if (typeof m.attachments_included !== 'boolean') return 'attachments_included is not true or false';
  if (!Array.isArray(m.keys) || !m.keys.every((k) => isObj(k) && isStr(k.node_id) && isStr(k.fingerprint) && isStr(k.public_key) && (k.valid_from === null || isTime(k.valid_from)) && (k.valid_until === null || isTime(k.valid_until))))
    return 'keys is malformed';
  if (!Array.isArray(m.members) || !m.members.every((x) => isObj(x) && isStr(x.path) && isStr(x.sha256) && Number.isSafeInteger(x.size))) return 'members is malformed';
  if (!Array.isArray(m.attachments) || !m.attachments.every((a) => isObj(a) && isStr(a.id) && isStr(a.sha256) && typeof a.included === 'boolean')) return 'attachments is malformed';
  return null;
}

/** Verifies a case bundle read as a stream of chunks; resolves with the full report. */
export async function verifyBundle(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: VerifyOptions = {}): Promise<BundleReport> {
  const crypto = opts.crypto ?? nobleCrypto;
  const report = emptyReport();
  const problems = report.problems;
  const add = (i: BundleIssue) => problems.push(i);
  const seen = new Map<string, SeenMember>();
  let kept = 0;

  // 1. Read the archive: hash every member, keep the JSON ones.
  const reader = new TarReader({
    entry(e) {
      if (e.type !== '0' && e.type !== '7') {
        if (e.type !== '5') add({ code: BundleProblem.memberUnexpected, path: e.path, message: `${e.path}: a member of tar type '${e.type}', not a file` });
        return null;
      }
      const isJson = !ATTACHMENT_PATH.test(e.path);
      const keep = isJson && e.size <= MAX_JSON_MEMBER && kept + e.size <= MAX_JSON_TOTAL;
      if (isJson && !keep) add({ code: BundleProblem.memberTooLarge, path: e.path, message: `${e.path}: ${e.size} bytes, more than a JSON member (${MAX_JSON_MEMBER} bytes) or all of them (${MAX_JSON_TOTAL} bytes) may hold` });
      if (keep) kept += e.size;
      const h = crypto.sha256();
      const parts: Uint8Array[] = [];
      let size = 0;
      return {
        data(c) {
          h.update(c);
          size += c.length;
          if (keep) parts.push(c.slice());
        },
        end() {
          let bytes: Uint8Array | null = null;
          if (keep) {
            bytes = new Uint8Array(size);
            let o = 0;
            for (const p of parts) {
              bytes.set(p, o);
              o += p.length;
            }
          }
          report.checked.members++;
          report.checked.bytes += size;
          if (seen.has(e.path)) add({ code: BundleProblem.memberDuplicate, path: e.path, message: `${e.path} appears more than once in the archive` });
          else seen.set(e.path, { path: e.path, sha256: h.digestHex(), size, bytes });
        },
      };
    },
  });
  try {
    for await (const chunk of source) {
      reader.push(chunk);
      opts.onProgress?.(reader.position);
    }
    reader.end();
  } catch (e) {
    if (!(e instanceof TarFormatError)) throw e;
    add({ code: BundleProblem.notABundle, message: `the file is not a readable tar archive: ${e.message}` });
    return report;
  }

  const json = (m: SeenMember | undefined): unknown => {
    if (!m?.bytes) return undefined;
    try {
      return JSON.parse(decoder.decode(m.bytes));
    } catch {
      return undefined;
    }
  };

  // 2. The manifest and its signature.
  const manifestMember = seen.get(MANIFEST_PATH);
  if (!manifestMember) {
    add({ code: BundleProblem.manifestMissing, path: MANIFEST_PATH, message: 'the bundle has no manifest.json: nothing in it can be checked' });
    return report;
  }
  const raw = json(manifestMember);
  if (isObj(raw)) {
    report.format = isStr(raw.format) ? raw.format : null;
    report.version = typeof raw.version === 'number' ? raw.version : null;
  }
  if (isObj(raw) && (raw.format !== BUNDLE_FORMAT || raw.version !== BUNDLE_VERSION)) {
    add({ code: BundleProblem.unsupportedVersion, path: MANIFEST_PATH, message: `format ${String(raw.format)} version ${String(raw.version)}; this verifier reads ${BUNDLE_FORMAT} version ${BUNDLE_VERSION}` });
    return report;
  }
  const bad = manifestProblem(raw);
  if (bad) {
    add({ code: BundleProblem.manifestInvalid, path: MANIFEST_PATH, message: `manifest.json: ${bad}` });
    return report;
  }
  const manifest = raw as unknown as BundleManifest;
  Object.assign(report, { case_id: manifest.case_id, exported_by: manifest.exported_by, created_at: manifest.created_at, attachments_included: manifest.attachments_included });

  // Keys: each fingerprint must be the SHA-256 of its public key.
  const keys: { k: BundleKey; raw: Uint8Array | null }[] = [];
  for (const k of manifest.keys) {
    const rawKey = base64UrlDecode(k.public_key);
    report.checked.keys++;
    if (!rawKey || rawKey.length !== 32) {
      add({ code: BundleProblem.keyInvalid, path: MANIFEST_PATH, node_id: k.node_id, fingerprint: k.fingerprint, message: `the key ${k.fingerprint} of ${k.node_id} is not a 32-byte Ed25519 public key` });
      keys.push({ k, raw: null });
      continue;
    }
    const h = crypto.sha256();
    h.update(rawKey);
    if (h.digestHex() !== k.fingerprint)
      add({ code: BundleProblem.keyFingerprintMismatch, path: MANIFEST_PATH, node_id: k.node_id, fingerprint: k.fingerprint, message: `the public key listed for ${k.node_id} under fingerprint ${k.fingerprint} is not the key with that fingerprint (a key was swapped)` });
    keys.push({ k, raw: rawKey });
  }

  /** The key `node` signed with under `fingerprint` at `at`, or the problem why there is none. */
  const keyAt = (node: string, fingerprint: string, at: string): { raw: Uint8Array } | { code: BundleProblem; why: string } => {
    const found = keys.filter((x) => x.k.node_id === node && x.k.fingerprint === fingerprint);
    if (found.length === 0) return { code: BundleProblem.keyUnknown, why: `the manifest lists no key ${fingerprint.slice(0, 16)}… of ${node}` };
    const t = Date.parse(at);
    const valid = found.find((x) => (x.k.valid_from === null || Date.parse(x.k.valid_from) <= t) && (x.k.valid_until === null || t <= Date.parse(x.k.valid_until)));
    if (!valid) {
      const k = found[0]!.k;
      return { code: BundleProblem.keyNotValidAtTime, why: `the key ${fingerprint.slice(0, 16)}… of ${node} is valid from ${k.valid_from ?? 'the start'} until ${k.valid_until ?? 'now'}, not at ${at}` };
    }
    if (!valid.raw) return { code: BundleProblem.keyInvalid, why: `the key ${fingerprint.slice(0, 16)}… of ${node} is malformed` };
    return { raw: valid.raw };
  };
  const checkSig = (node: string, sig: Sig, at: string, signed: string): { ok: true } | { ok: false; code: BundleProblem | null; why: string } => {
    const k = keyAt(node, sig.key, at);
    if ('code' in k) return { ok: false, code: k.code, why: k.why };
    const value = base64UrlDecode(sig.value);
    report.checked.signatures++;
    if (value && value.length === 64 && crypto.verifyEd25519(k.raw, encoder.encode(signed), value)) return { ok: true };
    return { ok: false, code: null, why: 'the signature does not verify' };
  };

  const sigMember = seen.get(MANIFEST_SIG_PATH);
  const sig = json(sigMember);
  if (!sigMember) add({ code: BundleProblem.manifestSignatureMissing, path: MANIFEST_SIG_PATH, message: 'the bundle has no manifest.sig: the manifest is not signed' });
  else if (!isSig(sig)) add({ code: BundleProblem.manifestSignatureInvalid, path: MANIFEST_SIG_PATH, message: 'manifest.sig is not an Ed25519 signature object' });
  else {
    report.exporter_fingerprint = sig.key;
    const r = checkSig(manifest.exported_by, sig, manifest.created_at, canonical(manifest));
    if (!r.ok) add({ code: r.code ?? BundleProblem.manifestSignatureInvalid, path: MANIFEST_SIG_PATH, node_id: manifest.exported_by, fingerprint: sig.key, message: `the manifest's signature by ${manifest.exported_by}: ${r.why} (manifest.json was altered, or signed by another key)` });
    if (opts.expectFingerprint !== undefined && opts.expectFingerprint.toLowerCase().replace(/[\s:]/g, '') !== sig.key)
      add({ code: BundleProblem.exporterNotTrusted, path: MANIFEST_SIG_PATH, fingerprint: sig.key, message: `the manifest is signed by key ${sig.key}, not by the expected ${opts.expectFingerprint}` });
  }

  // 3. Members against the manifest.
  const listed = new Map<string, BundleManifest['members'][number]>();
  for (const m of manifest.members) {
    if (listed.has(m.path)) add({ code: BundleProblem.memberDuplicate, path: m.path, message: `${m.path} is listed twice in the manifest` });
    listed.set(m.path, m);
    const s = seen.get(m.path);
    if (!s) add({ code: BundleProblem.memberMissing, path: m.path, message: `${m.path} is listed in the manifest but missing from the bundle` });
    else if (s.size !== m.size) add({ code: BundleProblem.memberSizeMismatch, path: m.path, message: `${m.path} has ${s.size} bytes; the manifest says ${m.size}` });
    else if (s.sha256 !== m.sha256) add({ code: BundleProblem.memberHashMismatch, path: m.path, message: `${m.path} was altered: its SHA-256 is ${s.sha256}, the manifest says ${m.sha256}` });
  }
  for (const path of seen.keys()) {
    if (path === MANIFEST_PATH || path === MANIFEST_SIG_PATH || listed.has(path)) continue;
    add({ code: BundleProblem.memberUnexpected, path, message: `${path} is in the bundle but not in the manifest` });
  }

  // 4. Events: signatures, the case, the DAG.
  const parties = new Set(manifest.parties);
  const events = new Map<string, { e: Envelope; path: string }>();
  const digests = new Map<string, { digest: string; path: string }>();
  for (const [path, m] of seen) {
    const pm = EVENT_PATH.exec(path);
    if (!pm) continue;
    const e = json(m);
    if (!isEnvelope(e) || !isStr(e.body.event_id) || !isStr(e.body.action) || !Array.isArray(e.body.seen)) {
      add({ code: BundleProblem.eventInvalid, path, message: `${path} is not a signed case event envelope` });
      continue;
    }
    report.checked.events++;
    const eventId = e.body.event_id;
    const where = { path, event_id: eventId, node_id: e.from };
    if (e.type !== CASE_EVENT_TYPE || pm[2] !== e.id) add({ code: BundleProblem.eventInvalid, ...where, message: `${path}: type ${e.type}, envelope ${e.id}: not the case event its name says` });
    if (e.body.case_id !== manifest.case_id) add({ code: BundleProblem.eventWrongCase, ...where, message: `${path}: event ${eventId} belongs to case ${String(e.body.case_id)}, not ${manifest.case_id}` });
    if (parties.size && !parties.has(e.from)) add({ code: BundleProblem.eventNotAParty, ...where, message: `${path}: event ${eventId} is by ${e.from}, not a party of the case` });
    const { sig: esig, ...unsigned } = e;
    const r = checkSig(e.from, esig, e.issued_at, canonical(unsigned));
    if (!r.ok) add({ code: r.code ?? BundleProblem.eventSignatureInvalid, ...where, fingerprint: esig.key, message: `${path}: event ${eventId} by ${e.from}: ${r.why}` });
    const key = `${e.from}\u0000${eventId}`;
    if (events.has(key)) add({ code: BundleProblem.eventDuplicate, ...where, message: `${path}: event ${eventId} by ${e.from} is in the bundle twice (also ${events.get(key)!.path})` });
    else events.set(key, { e, path });
    const dh = crypto.sha256();
    dh.update(encoder.encode(canonical(e)));
    digests.set(e.id, { digest: dh.digestHex(), path });
  }
  const openings = [...events.values()].filter((x) => x.e.body.action === 'open');
  if (openings.length === 0) add({ code: BundleProblem.openingMissing, message: `no event opens case ${manifest.case_id}` });
  if (openings.length > 1) for (const o of openings.slice(1)) add({ code: BundleProblem.openingMultiple, path: o.path, event_id: String(o.e.body.event_id), message: `${o.path}: a second opening of the case` });
  // Every `seen` reference resolves; no cycles (Kahn's algorithm over the references that resolve).
  const indegree = new Map<string, number>();
  const after = new Map<string, string[]>();
  for (const [key, { e, path }] of events) {
    indegree.set(key, indegree.get(key) ?? 0);
    for (const s of e.body.seen as unknown[]) {
      if (!isObj(s) || !isStr(s.author) || !isStr(s.event_id)) {
        add({ code: BundleProblem.eventInvalid, path, event_id: String(e.body.event_id), message: `${path}: a malformed seen reference` });
        continue;
      }
      const ref = `${s.author}\u0000${s.event_id}`;
      if (!events.has(ref)) {
        add({ code: BundleProblem.eventSeenMissing, path, event_id: String(e.body.event_id), node_id: s.author, message: `${path}: event ${String(e.body.event_id)} saw event ${s.event_id} by ${s.author}, which is not in the bundle` });
        continue;
      }
      indegree.set(key, (indegree.get(key) ?? 0) + 1);
      after.set(ref, [...(after.get(ref) ?? []), key]);
    }
  }
  const ready = [...indegree].filter(([, n]) => n === 0).map(([k]) => k);
  let placed = 0;
  while (ready.length) {
    const k = ready.pop()!;
    placed++;
    for (const next of after.get(k) ?? []) {
      const n = indegree.get(next)! - 1;
      indegree.set(next, n);
      if (n === 0) ready.push(next);
    }
  }
  if (placed < events.size)
    for (const [k, n] of indegree) if (n > 0) {
      const { e, path } = events.get(k)!;
      add({ code: BundleProblem.eventCycle, path, event_id: String(e.body.event_id), message: `${path}: event ${String(e.body.event_id)} is part of a cycle of seen references` });
    }

  // 5. Receipts: signed by a party, naming events of the bundle with their digests.
  for (const [path, m] of seen) {
    const pm = RECEIPT_PATH.exec(path);
    if (!pm) continue;
    const r = json(m);
    if (!isObj(r) || r.type !== 'federation.receipt' || !isStr(r.batch_id) || !isStr(r.by) || !isTime(r.received_at) || !Array.isArray(r.items) || !isSig(r.sig)) {
      add({ code: BundleProblem.receiptInvalid, path, message: `${path} is not a signed receipt` });
      continue;
    }
    report.checked.receipts++;
    const where = { path, batch_id: r.batch_id, node_id: r.by };
    if (pm[1] !== r.batch_id) add({ code: BundleProblem.receiptInvalid, ...where, message: `${path} holds the receipt of batch ${r.batch_id}` });
    if (parties.size && !parties.has(r.by)) add({ code: BundleProblem.receiptNotByAParty, ...where, message: `${path}: signed by ${r.by}, not a party of the case` });
    const { sig: rsig, ...unsigned } = r;
    const v = checkSig(r.by, rsig as Sig, r.received_at, canonical(unsigned));
    if (!v.ok) add({ code: v.code ?? BundleProblem.receiptSignatureInvalid, ...where, fingerprint: (rsig as Sig).key, message: `${path}: the receipt of batch ${r.batch_id} by ${r.by}: ${v.why}` });
    let named = 0;
    for (const it of r.items as unknown[]) {
      if (!isObj(it) || !isStr(it.message_id)) continue;
      const d = digests.get(it.message_id);
      if (!d) continue;
      named++;
      if (it.digest !== d.digest) add({ code: BundleProblem.receiptDigestMismatch, ...where, message: `${path}: the receipt names message ${it.message_id} with digest ${String(it.digest)}, but ${d.path} has digest ${d.digest}` });
    }
    if (named === 0) add({ code: BundleProblem.receiptUnrelated, ...where, message: `${path}: the receipt of batch ${r.batch_id} names no event of this bundle` });
  }

  // 6. Custody: one chain per case, signed by the node that recorded it.
  const attachmentHashes = new Set(manifest.attachments.map((a) => a.sha256));
  const custody: { seq: number; e: Envelope; path: string }[] = [];
  for (const [path, m] of seen) {
    const pm = CUSTODY_PATH.exec(path);
    if (!pm) continue;
    const e = json(m);
    const b = isEnvelope(e) ? e.body : null;
    if (!isEnvelope(e) || !b || !Number.isSafeInteger(b.seq) || !(b.prev === null || isStr(b.prev)) || !isStr(b.action)) {
      add({ code: BundleProblem.custodyInvalid, path, message: `${path} is not a signed custody entry` });
      continue;
    }
    const seq = b.seq as number;
    report.checked.custody_entries++;
    const where = { path, seq, node_id: e.from };
    if (e.type !== CUSTODY_TYPE || Number(pm[1]) !== seq || e.to.length !== 1 || e.to[0] !== e.from) add({ code: BundleProblem.custodyInvalid, ...where, message: `${path}: type ${e.type}, seq ${seq}: not the custody entry its name says` });
    if (b.case_id !== manifest.case_id) add({ code: BundleProblem.custodyWrongCase, ...where, message: `${path}: custody entry ${seq} belongs to case ${String(b.case_id)}` });
    if (e.from !== manifest.exported_by) add({ code: BundleProblem.custodyRecorderMismatch, ...where, message: `${path}: recorded by ${e.from}, not by the exporting node ${manifest.exported_by}` });
    const { sig: csig, ...unsigned } = e;
    const v = checkSig(e.from, csig, e.issued_at, canonical(unsigned));
    if (!v.ok) add({ code: v.code ?? BundleProblem.custodySignatureInvalid, ...where, fingerprint: csig.key, message: `${path}: custody entry ${seq} by ${e.from}: ${v.why}` });
    if (isStr(b.sha256) && !attachmentHashes.has(b.sha256)) add({ code: BundleProblem.custodyUnknownAttachment, ...where, message: `${path}: custody entry ${seq} names a file ${b.sha256} that the manifest does not list` });
    custody.push({ seq, e, path });
  }
  custody.sort((x, y) => x.seq - y.seq);
  let expected = 1;
  let prev: { seq: number; e: Envelope } | null = null;
  for (const c of custody) {
    const where = { path: c.path, seq: c.seq };
    if (prev && c.seq === prev.seq) {
      add({ code: BundleProblem.custodySeqDuplicate, ...where, message: `${c.path}: a second custody entry ${c.seq}` });
      continue;
    }
    if (c.seq !== expected) add({ code: BundleProblem.custodySeqGap, ...where, message: expected === c.seq - 1 ? `custody entry ${expected} is missing (before ${c.path})` : `custody entries ${expected} to ${c.seq - 1} are missing (before ${c.path})` });
    let want: string | null = null;
    if (c.seq !== 1) {
      if (prev && prev.seq === c.seq - 1) {
        const h = crypto.sha256();
        h.update(encoder.encode(canonical(prev.e)));
        want = h.digestHex();
      } else want = '(the missing entry)';
    }
    if (c.e.body.prev !== want && !(want === '(the missing entry)' && isStr(c.e.body.prev) && HEX64.test(c.e.body.prev)))
      add({ code: BundleProblem.custodyPrevMismatch, ...where, message: `${c.path}: custody entry ${c.seq} names ${String(c.e.body.prev)} as the previous entry's hash; the previous entry hashes to ${String(want)}` });
    prev = c;
    expected = c.seq + 1;
  }

  // 7. Attachments: each included file is the file its hash names.
  for (const a of manifest.attachments) {
    if (!a.included) continue;
    report.checked.attachments++;
    if (!seen.has(`attachments/${a.sha256}`)) add({ code: BundleProblem.attachmentMissing, path: `attachments/${a.sha256}`, message: `attachment ${a.id} (${String(a.name)}) is marked included but attachments/${a.sha256} is not in the bundle` });
  }
  for (const [path, m] of seen) {
    const pm = ATTACHMENT_PATH.exec(path);
    if (pm && pm[1] !== m.sha256) add({ code: BundleProblem.attachmentHashMismatch, path, message: `${path} was altered: its content hashes to ${m.sha256}` });
  }

  report.ok = problems.length === 0;
  return report;
}
