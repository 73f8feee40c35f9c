import { createPublicKey, verify as edVerify, type KeyObject } from 'node:crypto';
import { canonicalHash, canonicalJson, sha256Hex } from '../crypto/canonical.js';
import { eventKey, foldOrder } from '../federation/event-log/event-log.rules.js';
import { quorumNeeded } from '../groups/groups.rules.js';
import type { Quorum } from '../groups/groups.schemas.js';
import type { AdoptionProposalBody, AmendmentAnswerBody, AmendmentBody, SignatureBody, StatementCreatedBody, StatementEventBody, StatementKind } from './statements.schemas.js';

/**
 * Joint statements and agreements as a pure fold over their signed events, and the co-signed
 * document with its offline verification.
 *
 * Rules (docs/statements.md): a member of the group drafts a statement (title, kind, one text
 * per language). A version is named by its digest: SHA-256 over the RFC 8785 form of the
 * signable document (statement id, group id, kind, title, one SHA-256 per language text). An
 * amendment proposes new texts for some languages of the version it names; its author accepts
 * it by proposing it, and it is applied when the charter's quorum of the current members
 * accepted it and it still amends the current version (an amendment on a stale digest is never
 * applied: it is `stale`). It is refused once so many members refused that the quorum cannot be
 * reached. Adoption: a member proposes adopting the current version (its digest; proposing is
 * consenting); the statement is adopted when the quorum of members consented to the same,
 * current digest. After that nothing changes the text; each party's node signs the adopted
 * document (Ed25519 by the node's key), one signature per member counts.
 *
 * Events are taken in the shared log's fold order, so the same events give the same state on
 * every node whatever their arrival order. An answer or consent counts only after the event it
 * answers in that order.
 */

export interface StatementEvent {
  id: string;
  author: string;
  created_at: string;
  type: 'statement' | 'amendment' | 'answer' | 'adoption' | 'consent' | 'signature';
  body: StatementEventBody;
  /** Fingerprint of the key that signed the event's envelope, when known. */
  sig_key?: string;
}

/**
 * Who votes: the group's members, its membership changes (joins and leaves with their times, as
 * groups folds them) and the charter's quorum. An event counts against the members at its own
 * time, so a later join or leave does not undo what was decided before it.
 */
export interface Voters {
  members: readonly string[];
  history?: readonly { at: string; node: string; change: 'joined' | 'left' }[];
  quorum: Quorum;
}

/** The members at time `at` (the current members when no history is known). */
export function membersAt(v: Voters, at: string): string[] {
  if (!v.history || v.history.length === 0) return [...v.members];
  const m = new Set<string>();
  for (const h of [...v.history].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) {
    if (h.at > at) break;
    if (h.change === 'joined') m.add(h.node);
    else m.delete(h.node);
  }
  return [...m].sort();
}

/** What every party signs: no text, one hash per language version. */
export interface SignableDocument {
  format: 'accord.statement/v1';
  statement_id: string;
  group_id: string;
  kind: StatementKind;
  title: string;
  /** Language → SHA-256 of the text's UTF-8 bytes, hex. */
  texts: Record<string, string>;
}

export function hashTexts(texts: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(texts).sort().map((l) => [l, sha256Hex(texts[l]!)]));
}

export function signableDocument(s: { id: string; group_id: string; kind: StatementKind; title: string; texts: Record<string, string> }): SignableDocument {
  return { format: 'accord.statement/v1', statement_id: s.id, group_id: s.group_id, kind: s.kind, title: s.title, texts: hashTexts(s.texts) };
}

/** A version's digest: SHA-256 of the signable document's RFC 8785 form. */
export function documentDigest(d: SignableDocument): string {
  return canonicalHash(d);
}

/** The bytes a node signs: the signable document's RFC 8785 form. */
export function signedBytes(d: SignableDocument): Buffer {
  return Buffer.from(canonicalJson(d), 'utf8');
}

export function publicKeyOf(rawB64: string): KeyObject | null {
  try {
    const raw = Buffer.from(rawB64, 'base64url');
    if (raw.length !== 32) return null;
    return createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

export function fingerprintOf(rawB64: string): string {
  return sha256Hex(Buffer.from(rawB64, 'base64url'));
}

/** Whether `value` is a valid Ed25519 signature of `d` by the raw public key. */
export function verifySignature(d: SignableDocument, publicKeyRaw: string, value: string): boolean {
  return verifyBytes(signedBytes(d), publicKeyRaw, value);
}

function verifyBytes(bytes: Buffer, publicKeyRaw: string, value: string): boolean {
  const key = publicKeyOf(publicKeyRaw);
  if (!key) return false;
  try {
    return edVerify(null, bytes, key, Buffer.from(value, 'base64url'));
  } catch {
    return false;
  }
}

/**
 * Outcomes of signature checks the fold made already, keyed by everything the outcome depends on
 * (the SHA-256 of the exact signed bytes, the raw key and the signature): Ed25519 verification is a pure function
 * of these, so a statement read again does not verify its signatures again. Bounded: emptied when full.
 */
const checked = new Map<string, boolean>();
const CHECKED_MAX = 20_000;

/** verifySignature, remembering each outcome (the fold checks the same signatures on every read). */
export function verifySignatureOnce(bytes: Buffer, publicKeyRaw: string, value: string): boolean {
  const k = `${publicKeyRaw} ${value} ${sha256Hex(bytes)}`;
  const known = checked.get(k);
  if (known !== undefined) return known;
  const ok = verifyBytes(bytes, publicKeyRaw, value);
  if (checked.size >= CHECKED_MAX) checked.clear();
  checked.set(k, ok);
  return ok;
}

export type AmendmentStatus = 'open' | 'accepted' | 'refused' | 'stale';

export interface AmendmentState {
  id: string;
  author: string;
  created_at: string;
  base_digest: string;
  texts: Record<string, string>;
  status: AmendmentStatus;
  accepts: string[];
  refusals: { node: string; reason: string }[];
  decided_at: string | null;
  /** The version it made, when applied. */
  result_digest: string | null;
}

export interface VersionState {
  digest: string;
  at: string;
  /** The amendment that made it; null for the first draft. */
  amendment_id: string | null;
}

export interface SignatureState {
  node: string;
  event_id: string;
  signed_at: string;
  suite: 'ed25519';
  public_key: string;
  key: string;
  value: string;
}

export interface StatementState {
  id: string;
  group_id: string;
  kind: StatementKind | null;
  title: string | null;
  author: string | null;
  created_at: string | null;
  texts: Record<string, string>;
  digest: string | null;
  versions: VersionState[];
  amendments: AmendmentState[];
  status: 'drafting' | 'adopted';
  /** Adoption proposals, and per digest the members that consented to it. */
  adoption_proposals: { id: string; author: string; created_at: string; digest: string }[];
  consents: Record<string, string[]>;
  adopted_digest: string | null;
  adopted_at: string | null;
  /** The members when it was adopted: each is a party that signs. */
  parties: string[];
  signatures: SignatureState[];
  needed: number;
  /** Events that take no part, by key (eventKey), with why. */
  ignored: Map<string, string>;
}

/** The statement's state from its events (any order, duplicates allowed); see the header. */
export function foldStatement(statementId: string, groupId: string, events: readonly StatementEvent[], v: Voters): StatementState {
  const s: StatementState = {
    id: statementId, group_id: groupId, kind: null, title: null, author: null, created_at: null, texts: {}, digest: null, versions: [], amendments: [],
    status: 'drafting', adoption_proposals: [], consents: {}, adopted_digest: null, adopted_at: null, parties: [], signatures: [], needed: quorumNeeded(v.quorum, v.members.length), ignored: new Map(),
  };
  const ordered = foldOrder(events.filter((e) => e.body.statement_id === statementId && e.body.group_id === groupId));
  const ignore = (e: StatementEvent, why: string) => s.ignored.set(eventKey(e.author, e.id), why);
  let members: string[] = [...v.members];
  let memberSet = new Set(members);
  let need = s.needed;
  const isMember = (n: string) => memberSet.has(n);
  // Events come in fold order, by time: the members at each event's time are the joins and leaves
  // up to it, applied once each as the fold moves on (membersAt, without sorting per event).
  const changes = v.history && v.history.length > 0 ? [...v.history].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)) : null;
  const live = new Set<string>();
  let applied = 0;
  const advanceTo = (at: string) => {
    if (!changes) return;
    const from = applied;
    for (; applied < changes.length && changes[applied]!.at <= at; applied++) {
      const h = changes[applied]!;
      if (h.change === 'joined') live.add(h.node);
      else live.delete(h.node);
    }
    if (from === applied && from > 0) return;
    members = [...live].sort();
    memberSet = new Set(members);
    need = quorumNeeded(v.quorum, members.length);
  };
  const amendments = new Map<string, AmendmentState>();
  const current = () => signableDocument({ id: s.id, group_id: s.group_id, kind: s.kind!, title: s.title!, texts: s.texts });
  // What each party signs, once adopted (nothing changes it after).
  let adoptedBytes: Buffer | null = null;

  const settle = (a: AmendmentState, at: string) => {
    if (a.status !== 'open') return;
    if (a.base_digest !== s.digest) {
      Object.assign(a, { status: 'stale', decided_at: at });
      return;
    }
    if (a.accepts.filter(isMember).length >= need) {
      s.texts = { ...s.texts, ...a.texts };
      s.digest = documentDigest(current());
      Object.assign(a, { status: 'accepted', decided_at: at, result_digest: s.digest });
      s.versions.push({ digest: s.digest, at, amendment_id: a.id });
      for (const o of s.amendments) if (o.status === 'open' && o.base_digest !== s.digest) Object.assign(o, { status: 'stale', decided_at: at });
    } else if (a.refusals.filter((r) => isMember(r.node)).length > members.length - need) Object.assign(a, { status: 'refused', decided_at: at });
  };

  for (const e of ordered) {
    advanceTo(e.created_at);
    if (!isMember(e.author)) {
      ignore(e, `${e.author} is not a member of the group`);
      continue;
    }
    if (e.type === 'statement') {
      const b = e.body as StatementCreatedBody;
      if (b.statement_id !== e.id) ignore(e, 'a statement is founded by the event that bears its id');
      else if (s.author !== null) ignore(e, 'the statement was founded already');
      else {
        Object.assign(s, { kind: b.kind, title: b.title, author: e.author, created_at: e.created_at, texts: { ...b.texts } });
        s.digest = documentDigest(current());
        s.versions.push({ digest: s.digest, at: e.created_at, amendment_id: null });
      }
      continue;
    }
    if (s.author === null) {
      ignore(e, 'the statement is not founded yet');
      continue;
    }
    if (e.type === 'signature') {
      const b = e.body as SignatureBody;
      if (s.status !== 'adopted') ignore(e, 'the statement is not adopted');
      else if (b.digest !== s.adopted_digest) ignore(e, `signs version ${b.digest}, not the adopted ${s.adopted_digest}`);
      else if (!s.parties.includes(e.author)) ignore(e, `${e.author} was not a party when the statement was adopted`)
      else if (s.signatures.some((x) => x.node === e.author)) ignore(e, `${e.author} signed already`);
      else if (fingerprintOf(b.public_key) !== b.key || (e.sig_key !== undefined && e.sig_key !== b.key)) ignore(e, "the public key is not the signer's node key");
      else if (!verifySignatureOnce((adoptedBytes ??= signedBytes(current())), b.public_key, b.value)) ignore(e, 'the signature does not verify over the adopted document');
      else s.signatures.push({ node: e.author, event_id: e.id, signed_at: e.created_at, suite: 'ed25519', public_key: b.public_key, key: b.key, value: b.value });
      continue;
    }
    if (s.status === 'adopted') {
      ignore(e, 'the statement was adopted already');
      continue;
    }
    if (e.type === 'amendment') {
      const b = e.body as AmendmentBody;
      const a: AmendmentState = { id: e.id, author: e.author, created_at: e.created_at, base_digest: b.base_digest, texts: { ...b.texts }, status: 'open', accepts: [e.author], refusals: [], decided_at: null, result_digest: null };
      if (amendments.has(e.id)) {
        ignore(e, `an amendment ${e.id} exists already`);
        continue;
      }
      amendments.set(e.id, a);
      s.amendments.push(a);
      if (b.base_digest !== s.digest) ignore(e, `it amends version ${b.base_digest}, not the current ${s.digest}`);
      settle(a, e.created_at);
    } else if (e.type === 'answer') {
      const b = e.body as AmendmentAnswerBody;
      const a = amendments.get(b.amendment_id);
      if (!a || a.author !== b.amendment_author) ignore(e, `no amendment ${b.amendment_id} by ${b.amendment_author} before this answer`);
      else if (a.status !== 'open') ignore(e, `the amendment is ${a.status} already`);
      else if (a.accepts.includes(e.author) || a.refusals.some((r) => r.node === e.author)) ignore(e, `${e.author} answered already`);
      else {
        if (b.answer === 'accept') a.accepts.push(e.author);
        else a.refusals.push({ node: e.author, reason: b.reason });
        settle(a, e.created_at);
      }
    } else {
      const b = e.body as AdoptionProposalBody;
      if (b.digest !== s.digest) {
        ignore(e, `names version ${b.digest}, not the current ${s.digest}`);
        continue;
      }
      if (e.type === 'adoption') s.adoption_proposals.push({ id: e.id, author: e.author, created_at: e.created_at, digest: b.digest });
      else if (!s.adoption_proposals.some((p) => p.digest === b.digest)) {
        ignore(e, 'no adoption of this version was proposed before this consent');
        continue;
      }
      const list = (s.consents[b.digest] ??= []);
      if (list.includes(e.author)) {
        if (e.type === 'consent') ignore(e, `${e.author} consented already`);
        continue;
      }
      list.push(e.author);
      list.sort();
      if (list.filter(isMember).length >= need) {
        Object.assign(s, { status: 'adopted', adopted_digest: b.digest, adopted_at: e.created_at, parties: [...members] });
        for (const a of s.amendments) if (a.status === 'open') Object.assign(a, { status: 'stale', decided_at: e.created_at });
      }
    }
  }
  return s;
}

/** The co-signed document: texts, their hashes, every signature with its signer's node id and key. */
export interface StatementDocument {
  format: 'accord.statement-document/v1';
  document: SignableDocument;
  digest: string;
  texts: Record<string, string>;
  adopted_at: string;
  parties: string[];
  signatures: { node: string; suite: 'ed25519'; public_key: string; key: string; value: string; signed_at: string }[];
}

export function coSignedDocument(s: StatementState): StatementDocument | null {
  if (s.status !== 'adopted' || !s.kind || !s.title || !s.adopted_at || !s.adopted_digest) return null;
  return {
    format: 'accord.statement-document/v1',
    document: signableDocument({ id: s.id, group_id: s.group_id, kind: s.kind, title: s.title, texts: s.texts }),
    digest: s.adopted_digest,
    texts: Object.fromEntries(Object.keys(s.texts).sort().map((l) => [l, s.texts[l]!])),
    adopted_at: s.adopted_at,
    parties: s.parties,
    signatures: s.signatures.map((x) => ({ node: x.node, suite: x.suite, public_key: x.public_key, key: x.key, value: x.value, signed_at: x.signed_at })),
  };
}

export interface VerifyProblem {
  /** What is wrong, as a path: `texts.ru`, `document`, `digest`, `signatures.kz-cert`, `parties.tj-cert`. */
  part: string;
  problem: 'altered' | 'missing' | 'unexpected' | 'malformed';
  detail: string;
}

export interface VerifyResult {
  valid: boolean;
  /** Fully signed: valid, and every party signed. */
  complete: boolean;
  languages: string[];
  signed_by: string[];
  problems: VerifyProblem[];
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Checks a co-signed document offline: every language text against its hash, the digest
 * against the signed document, every signature against its key, and that every party signed.
 * Names each part that is altered, missing or unexpected.
 */
export function verifyStatementDocument(raw: unknown): VerifyResult {
  const problems: VerifyProblem[] = [];
  const out = (signed: string[], langs: string[]): VerifyResult => {
    const valid = problems.every((p) => p.part.startsWith('parties.'));
    return { valid, complete: problems.length === 0, languages: langs, signed_by: signed, problems };
  };
  if (!isObj(raw) || raw.format !== 'accord.statement-document/v1' || !isObj(raw.document) || !isObj(raw.document.texts) || !isObj(raw.texts)) {
    problems.push({ part: 'document', problem: 'malformed', detail: 'not an accord.statement-document/v1' });
    return out([], []);
  }
  const doc = raw.document as unknown as SignableDocument;
  const hashes = doc.texts;
  const texts = raw.texts;
  for (const lang of Object.keys(hashes).sort()) {
    const t = texts[lang];
    if (typeof t !== 'string') problems.push({ part: `texts.${lang}`, problem: 'missing', detail: `the ${lang} text is missing` });
    else if (sha256Hex(t) !== hashes[lang]) problems.push({ part: `texts.${lang}`, problem: 'altered', detail: `the ${lang} text does not match its hash ${String(hashes[lang])}` });
  }
  for (const lang of Object.keys(texts).sort()) if (!(lang in hashes)) problems.push({ part: `texts.${lang}`, problem: 'unexpected', detail: `the ${lang} text is not in the signed document` });
  let digest: string;
  try {
    digest = documentDigest(doc);
  } catch {
    problems.push({ part: 'document', problem: 'malformed', detail: 'the signed document cannot be canonicalised' });
    return out([], Object.keys(hashes).sort());
  }
  if (raw.digest !== digest) problems.push({ part: 'digest', problem: 'altered', detail: `the digest ${String(raw.digest)} is not the signed document's ${digest}` });
  const signed: string[] = [];
  const sigs = Array.isArray(raw.signatures) ? raw.signatures : [];
  for (const [i, x] of sigs.entries()) {
    const node = isObj(x) && typeof x.node === 'string' ? x.node : `#${i}`;
    if (!isObj(x) || typeof x.public_key !== 'string' || typeof x.value !== 'string' || x.suite !== 'ed25519') {
      problems.push({ part: `signatures.${node}`, problem: 'malformed', detail: `signature ${node} is not an Ed25519 signature` });
      continue;
    }
    if (fingerprintOf(x.public_key) !== x.key) problems.push({ part: `signatures.${node}`, problem: 'altered', detail: `the key of ${node} is not its fingerprint ${String(x.key)}` });
    else if (!verifySignature(doc, x.public_key, x.value)) problems.push({ part: `signatures.${node}`, problem: 'altered', detail: `the signature of ${node} does not verify over the signed document` });
    else signed.push(node);
  }
  const parties = Array.isArray(raw.parties) ? raw.parties.filter((p): p is string => typeof p === 'string') : [];
  for (const p of parties) if (!sigs.some((x) => isObj(x) && x.node === p)) problems.push({ part: `parties.${p}`, problem: 'missing', detail: `${p} has not signed` });
  return out(signed, Object.keys(hashes).sort());
}
