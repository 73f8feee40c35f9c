import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coSignedDocument, documentDigest, fingerprintOf, foldStatement, signableDocument, signedBytes, verifyStatementDocument, type StatementEvent, type Voters } from './statements.rules.js';

const G = '01900000-0000-7000-8000-0000000000a0';
const S = '01900000-0000-7000-8000-0000000000b0';
const all: Voters = { members: ['kz', 'tj', 'uz'], quorum: { kind: 'all' } };
const two: Voters = { members: ['kz', 'tj', 'uz'], quorum: { kind: 'at_least', n: 2 } };
let n = 0;
const id = () => `01900000-0000-7000-8000-${String(++n).padStart(12, '0')}`;
const at = (min: number) => new Date(Date.UTC(2026, 5, 1, 0, min)).toISOString();
const ev = (author: string, min: number, type: StatementEvent['type'], body: Record<string, unknown>, eid = id()): StatementEvent => ({ id: eid, author, created_at: at(min), type, body: { event_id: eid, created_at: at(min), group_id: G, statement_id: S, ...body } as unknown as StatementEvent['body'] });

const TEXTS = { en: 'The parties shall cooperate.', ru: 'Стороны сотрудничают.' };
const create = ev('uz', 0, 'statement', { kind: 'joint_statement', title: 'Joint statement on ICT security', texts: TEXTS }, S);
const d0 = documentDigest(signableDocument({ id: S, group_id: G, kind: 'joint_statement', title: 'Joint statement on ICT security', texts: TEXTS }));
const TEXTS1 = { ...TEXTS, ru: 'Стороны тесно сотрудничают.' };
const d1 = documentDigest(signableDocument({ id: S, group_id: G, kind: 'joint_statement', title: 'Joint statement on ICT security', texts: TEXTS1 }));

function key(): { priv: KeyObject; raw: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const raw = (createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string }).x;
  return { priv: privateKey, raw };
}
const keys = { kz: key(), tj: key(), uz: key() };
const docFor = (texts: Record<string, string>) => signableDocument({ id: S, group_id: G, kind: 'joint_statement', title: 'Joint statement on ICT security', texts });
const sigEv = (node: 'kz' | 'tj' | 'uz', min: number, digest: string, texts = TEXTS1) => {
  const k = keys[node];
  return ev(node, min, 'signature', { digest, suite: 'ed25519', public_key: k.raw, key: fingerprintOf(k.raw), value: sign(null, signedBytes(docFor(texts)), k.priv).toString('base64url') });
};

describe('foldStatement', () => {
  const amend = ev('tj', 1, 'amendment', { base_digest: d0, texts: { ru: TEXTS1.ru } });
  const acc = (node: string, min: number, a = amend, answer = 'accept') => ev(node, min, 'answer', { amendment_id: a.id, amendment_author: a.author, answer, reason: '' });
  const flow = [create, amend, acc('uz', 2), acc('kz', 3), ev('kz', 4, 'adoption', { digest: d1 }), ev('tj', 5, 'consent', { digest: d1 }), ev('uz', 6, 'consent', { digest: d1 }), sigEv('uz', 7, d1), sigEv('kz', 8, d1), sigEv('tj', 9, d1)];

  it('applies an amendment the quorum accepted, adopts the version all consented to, and counts each party signature', () => {
    const s = foldStatement(S, G, flow, all);
    expect(s.texts).toEqual(TEXTS1);
    expect(s.digest).toBe(d1);
    expect(s.versions.map((v) => v.digest)).toEqual([d0, d1]);
    expect(s.amendments[0]).toMatchObject({ status: 'accepted', accepts: ['tj', 'uz', 'kz'], result_digest: d1 });
    expect(s).toMatchObject({ status: 'adopted', adopted_digest: d1, parties: ['kz', 'tj', 'uz'] });
    expect(s.signatures.map((x) => x.node)).toEqual(['uz', 'kz', 'tj']);
    expect(s.ignored.size).toBe(0);
  });

  it('keeps what was decided when a member joins later: the joiner is no party and the quorum before its join held', () => {
    const joined = (node: string, min: number) => ({ at: at(min), node, change: 'joined' as const });
    const later: Voters = { members: ['kg', 'kz', 'tj', 'uz'], history: [joined('kz', -1), joined('tj', -1), joined('uz', -1), joined('kg', 20)], quorum: { kind: 'all' } };
    const s = foldStatement(S, G, [...flow, ev('kg', 21, 'signature', { ...sigEv('kz', 21, d1).body, public_key: keys.kz.raw })], later);
    expect(s).toMatchObject({ status: 'adopted', parties: ['kz', 'tj', 'uz'], needed: 4 });
    expect(s.signatures.map((x) => x.node)).toEqual(['uz', 'kz', 'tj']);
    expect([...s.ignored.values()]).toEqual(['kg was not a party when the statement was adopted']);
    // Before it joined, kg's events do not count.
    expect([...foldStatement(S, G, [create, ev('kg', 5, 'adoption', { digest: d0 })], later).ignored.values()]).toEqual(['kg is not a member of the group']);
  });

  it('counts each event against the members at its time, joins and leaves in any order of the history', () => {
    const h = (node: string, min: number, change: 'joined' | 'left') => ({ at: at(min), node, change });
    // tj leaves after the amendment was applied and before adoption, then comes back after it.
    const v: Voters = { members: ['kz', 'tj', 'uz'], history: [h('tj', 7, 'joined'), h('uz', -1, 'joined'), h('tj', 4, 'left'), h('kz', -1, 'joined'), h('tj', -1, 'joined')], quorum: { kind: 'all' } };
    const s = foldStatement(S, G, flow, v);
    expect(s.amendments[0]).toMatchObject({ status: 'accepted' });
    // Adopted by kz and uz alone while tj was away (its consent then does not count); back, tj is no party.
    expect(s).toMatchObject({ status: 'adopted', parties: ['kz', 'uz'], needed: 3 });
    expect(s.signatures.map((x) => x.node)).toEqual(['uz', 'kz']);
    expect([...s.ignored.values()]).toEqual(['tj is not a member of the group', 'tj was not a party when the statement was adopted']);
  });

  it('gives the same state whatever the order and with duplicates', () => {
    const ref = JSON.stringify({ ...foldStatement(S, G, flow, all), ignored: [] });
    fc.assert(fc.property(fc.shuffledSubarray([...flow, ...flow], { minLength: flow.length * 2 }), (xs) => JSON.stringify({ ...foldStatement(S, G, xs, all), ignored: [] }) === ref));
  });

  it('does not apply an amendment until the quorum accepted it, and refuses it once the quorum is out of reach', () => {
    expect(foldStatement(S, G, [create, amend, acc('uz', 2)], all).amendments[0]!.status).toBe('open');
    const refused = foldStatement(S, G, [create, amend, acc('uz', 2, amend, 'refuse')], all);
    expect(refused.amendments[0]!.status).toBe('refused');
    expect(refused.texts).toEqual(TEXTS);
    // With a quorum of two, the author and one more member apply it.
    expect(foldStatement(S, G, [create, amend, acc('kz', 2)], two).texts).toEqual(TEXTS1);
  });

  it('never applies an amendment on a stale digest', () => {
    const other = ev('kz', 2, 'amendment', { base_digest: d0, texts: { en: 'The parties cooperate closely.' } });
    const s = foldStatement(S, G, [create, amend, other, acc('uz', 3), acc('kz', 4), acc('tj', 5, other), acc('uz', 6, other)], all);
    expect(s.amendments.map((a) => a.status)).toEqual(['accepted', 'stale']);
    expect(s.texts.en).toBe(TEXTS.en);
    const late = ev('kz', 7, 'amendment', { base_digest: d0, texts: { en: 'x' } });
    const s2 = foldStatement(S, G, [create, amend, acc('uz', 3), acc('kz', 4), late], all);
    expect(s2.amendments[1]!.status).toBe('stale');
    expect([...s2.ignored.values()]).toEqual([expect.stringContaining('not the current')]);
  });

  it('adopts only when the quorum consents to the current digest, and ignores consents to another', () => {
    const s = foldStatement(S, G, [create, ev('kz', 1, 'adoption', { digest: d0 }), ev('tj', 2, 'consent', { digest: d1 }), ev('uz', 3, 'consent', { digest: d0 })], all);
    expect(s.status).toBe('drafting');
    expect(s.consents[d0]).toEqual(['kz', 'uz']);
    const consentFirst = foldStatement(S, G, [create, ev('tj', 1, 'consent', { digest: d0 })], all);
    expect([...consentFirst.ignored.values()]).toEqual(['no adoption of this version was proposed before this consent']);
  });

  it('folds again from remembered signature checks with the same outcome, and still refuses a signature altered since', () => {
    const first = foldStatement(S, G, flow, all);
    const again = foldStatement(S, G, flow, all);
    expect(again).toEqual(first);
    expect(again.signatures.map((x) => x.node)).toEqual(['uz', 'kz', 'tj']);
    // The same key and event, its value altered by one character; and a valid value over another document.
    const good = sigEv('tj', 9, d1);
    const v = (good.body as { value: string }).value;
    const altered = { ...good, body: { ...good.body, value: `${v[0] === 'A' ? 'B' : 'A'}${v.slice(1)}` } } as StatementEvent;
    const other = { ...good, body: { ...good.body, value: sign(null, signedBytes(docFor(TEXTS)), keys.tj.priv).toString('base64url') } } as StatementEvent;
    for (const forged of [altered, other]) {
      const s = foldStatement(S, G, [...flow.slice(0, -1), forged], all);
      expect(s.signatures.map((x) => x.node)).toEqual(['uz', 'kz']);
      expect([...s.ignored.values()]).toEqual(['the signature does not verify over the adopted document']);
    }
    expect(foldStatement(S, G, flow, all).signatures.map((x) => x.node)).toEqual(['uz', 'kz', 'tj']);
  });

  it('ignores non-members, a signature before adoption, a forged signature and a second one', () => {
    const outsider = ev('kg', 1, 'amendment', { base_digest: d0, texts: { en: 'x' } });
    const early = sigEv('uz', 2, d0, TEXTS);
    const adopted = [create, ev('kz', 3, 'adoption', { digest: d0 }), ev('tj', 4, 'consent', { digest: d0 }), ev('uz', 5, 'consent', { digest: d0 })];
    const forged = { ...sigEv('kz', 6, d0, TEXTS) };
    (forged.body as { value: string }).value = sign(null, Buffer.from('other'), keys.kz.priv).toString('base64url');
    const s = foldStatement(S, G, [...adopted, outsider, early, forged, sigEv('tj', 7, d0, TEXTS), sigEv('tj', 8, d0, TEXTS)], all);
    expect(s.status).toBe('adopted');
    expect(s.signatures.map((x) => x.node)).toEqual(['tj']);
    expect([...s.ignored.values()].sort()).toEqual(['kg is not a member of the group', 'the signature does not verify over the adopted document', 'the statement is not adopted', 'tj signed already']);
  });
});

describe('verifyStatementDocument', () => {
  const adopted = foldStatement(S, G, [create, ev('kz', 1, 'adoption', { digest: d0 }), ev('tj', 2, 'consent', { digest: d0 }), ev('uz', 3, 'consent', { digest: d0 }), sigEv('kz', 4, d0, TEXTS), sigEv('tj', 5, d0, TEXTS), sigEv('uz', 6, d0, TEXTS)], all);
  const doc = coSignedDocument(adopted)!;

  it('accepts the co-signed document as it is', () => {
    expect(verifyStatementDocument(JSON.parse(JSON.stringify(doc)))).toEqual({ valid: true, complete: true, languages: ['en', 'ru'], signed_by: ['kz', 'tj', 'uz'], problems: [] });
  });

  it('names the language whose text was altered, and one that is missing', () => {
    const r = verifyStatementDocument({ ...doc, texts: { ...doc.texts, ru: 'Стороны не сотрудничают.' } });
    expect(r.valid).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ part: 'texts.ru', problem: 'altered' })]);
    expect(verifyStatementDocument({ ...doc, texts: { en: doc.texts.en } }).problems).toEqual([expect.objectContaining({ part: 'texts.ru', problem: 'missing' })]);
  });

  it('names an altered signature, an altered title, and a party that has not signed', () => {
    const sigs = doc.signatures.map((x) => (x.node === 'tj' ? { ...x, value: doc.signatures[0]!.value } : x));
    expect(verifyStatementDocument({ ...doc, signatures: sigs }).problems).toEqual([expect.objectContaining({ part: 'signatures.tj', problem: 'altered' })]);
    const retitled = verifyStatementDocument({ ...doc, document: { ...doc.document, title: 'Another title' } });
    expect(retitled.problems.map((p) => p.part)).toEqual(['digest', 'signatures.kz', 'signatures.tj', 'signatures.uz']);
    const unsigned = verifyStatementDocument({ ...doc, signatures: doc.signatures.filter((x) => x.node !== 'uz') });
    expect(unsigned).toMatchObject({ valid: true, complete: false, problems: [expect.objectContaining({ part: 'parties.uz', problem: 'missing' })] });
    expect(verifyStatementDocument({ nonsense: true })).toMatchObject({ valid: false, problems: [{ part: 'document', problem: 'malformed' }] });
  });
});
