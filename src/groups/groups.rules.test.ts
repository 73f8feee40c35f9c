import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareEvents, eventDigest, eventKey } from '../federation/event-log/event-log.rules.js';
import type { Agreement } from './agreements.js';
import type { Change } from './groups.schemas.js';
import { answerProblem, foldGroup, participants, roleIn, type GroupEvent } from './groups.rules.js';

const AGREEMENT: Agreement = { title: 'SCO', instrument: 'SCO Agreement of 16 June 2009', channels: ['federation'], request_types: ['*'], languages: ['ru', 'en'], confidentiality: '' };

let clock = 0;
let seq = 0;
function at(): string {
  return new Date(Date.UTC(2026, 10, 28, 12, 0, 0) + clock++ * 1000).toISOString();
}
function id(): string {
  return `0190${(seq++).toString(16).padStart(4, '0')}-0000-7000-8000-000000000000`;
}
const propose = (author: string, change: Change, eid = id()): GroupEvent => {
  const created_at = at();
  return { type: 'proposal', id: eid, author, created_at, change, digest: eventDigest({ event_id: eid, created_at, change, author }) };
};
const consent = (author: string, proposal_id: string): GroupEvent => ({ type: 'consent', id: id(), author, created_at: at(), proposal_id });
/** A v2 answer: it names the proposal's author and body digest. */
const bound = (type: 'consent' | 'refusal', author: string, p: GroupEvent): GroupEvent =>
  p.type === 'proposal' ? { type, id: id(), author, created_at: at(), proposal_id: p.id, proposal: { author: p.author, digest: p.digest } } : assertNever();
const assertNever = (): never => {
  throw new Error('not a proposal');
};
const refuse = (author: string, proposal_id: string, reason?: string): GroupEvent => ({ type: 'refusal', id: id(), author, created_at: at(), proposal_id, ...(reason ? { reason } : {}) });
const create = (author: string, invitees: string[], extra: Partial<Extract<Change, { kind: 'create' }>> = {}): GroupEvent =>
  propose(author, { kind: 'create', name: 'SCO CERTs', level: 'regional', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees, ...extra });

/** A regional group uz, kz, tj founded by uz and accepted by the others. */
function founded(): { events: GroupEvent[]; createId: string } {
  const c = create('uz', ['kz', 'tj']);
  return { events: [c, consent('kz', c.id), consent('tj', c.id)], createId: c.id };
}

describe('foldGroup', () => {
  it('does not make a group effective until every invitee consents', () => {
    const c = create('uz', ['kz', 'tj']);
    const one = foldGroup([c, consent('kz', c.id)]);
    expect(one).toMatchObject({ status: 'proposed', members: [] });
    expect(one.proposals[0]).toMatchObject({ status: 'open', voters: ['kz', 'tj'], needed: 2, consents: ['kz', 'uz'] });
    expect(roleIn(one, 'tj')).toBe('invited');
    expect(roleIn(one, 'uz')).toBe('founder');
    const all = foldGroup([c, consent('kz', c.id), consent('tj', c.id)]);
    expect(all).toMatchObject({ status: 'active', founder: 'uz', members: ['kz', 'tj', 'uz'], agreement: AGREEMENT });
    expect(all.membership.map((m) => [m.node, m.change])).toEqual([['kz', 'joined'], ['tj', 'joined'], ['uz', 'joined']]);
  });

  it('fails the founding when one invitee refuses', () => {
    const c = create('uz', ['kz', 'tj']);
    const s = foldGroup([c, consent('kz', c.id), refuse('tj', c.id, 'no mandate')]);
    expect(s.status).toBe('refused');
    expect(s.proposals[0]!.refusals).toEqual([{ node: 'tj', reason: 'no mandate' }]);
  });

  it('refuses a bilateral group with more than two members', () => {
    const s = foldGroup([create('uz', ['kz', 'tj'], { level: 'bilateral' })]);
    expect(s.status).toBe('refused');
    expect(s.proposals[0]!.void_reason).toMatch(/exactly two members/);
  });

  it('removes a member with the consent of the others, not of the member removed', () => {
    const { events } = founded();
    const p = propose('uz', { kind: 'remove_member', node: 'tj' });
    const pending = foldGroup([...events, p]);
    expect(pending.proposals[1]).toMatchObject({ status: 'open', voters: ['kz', 'uz'], needed: 2 });
    expect(answerProblem(pending, 'tj', p.id)).toMatch(/its own removal/);
    expect(participants(pending)).toEqual(['kz', 'tj', 'uz']);
    const done = foldGroup([...events, p, consent('kz', p.id)]);
    expect(done.members).toEqual(['kz', 'uz']);
    expect(done.membership.at(-1)).toMatchObject({ node: 'tj', change: 'left', proposal_id: p.id });
    expect(roleIn(done, 'tj')).toBe('former');
  });

  it('adds a member only when the members and the invitee consent', () => {
    const { events } = founded();
    const p = propose('kz', { kind: 'add_member', node: 'kg' });
    expect(foldGroup([...events, p, consent('uz', p.id), consent('tj', p.id)]).members).not.toContain('kg');
    expect(foldGroup([...events, p, consent('uz', p.id), consent('tj', p.id), consent('kg', p.id)]).members).toEqual(['kg', 'kz', 'tj', 'uz']);
  });

  it('adopts with the charter quorum instead of unanimity', () => {
    const c = create('uz', ['kz', 'tj', 'kg'], { charter: { quorum: { kind: 'at_least', n: 2 } } });
    const events = [c, consent('kz', c.id), consent('tj', c.id), consent('kg', c.id)];
    const p = propose('uz', { kind: 'change_agreement', agreement: { ...AGREEMENT, languages: ['ru'] } });
    const s = foldGroup([...events, p, consent('kz', p.id)]);
    expect(s.proposals[1]).toMatchObject({ status: 'adopted', needed: 2 });
    expect(s.agreement!.languages).toEqual(['ru']);
  });

  it('keeps every agreement in force over time: the founding one, then each adopted change with its source', () => {
    const { events } = founded();
    const source = { statement_id: id(), digest: 'a'.repeat(64) };
    const open = propose('uz', { kind: 'change_agreement', agreement: { ...AGREEMENT, title: 'Adopted' }, source });
    const pending = foldGroup([...events, open, consent('kz', open.id)]);
    expect(pending.agreements.map((a) => [a.agreement.title, a.until])).toEqual([['SCO', null]]);
    const s = foldGroup([...events, open, consent('kz', open.id), consent('tj', open.id)]);
    expect(s.agreement!.title).toBe('Adopted');
    expect(s.agreements.map((a) => ({ title: a.agreement.title, author: a.author, source: a.source, current: a.until === null }))).toEqual([
      { title: 'SCO', author: 'uz', source: null, current: false },
      { title: 'Adopted', author: 'uz', source, current: true },
    ]);
    expect(s.agreements[0]!.until).toBe(s.agreements[1]!.since);
    expect(s.agreements[1]!.proposal_id).toBe(open.id);
  });

  it('does not count a consent from a non-member, nor a proposal by one', () => {
    const { events } = founded();
    const p = propose('uz', { kind: 'change_agreement', agreement: { ...AGREEMENT, title: 'New' } });
    const outsider = propose('kg', { kind: 'remove_member', node: 'uz' });
    const s = foldGroup([...events, p, consent('kg', p.id), consent('kz', p.id), outsider]);
    expect(s.proposals[1]).toMatchObject({ status: 'open', needed: 3, consents: ['kz', 'uz'] });
    expect(s.ignored).toEqual([eventKey('kg', outsider.id)]);
    expect(answerProblem(s, 'kg', p.id)).toMatch(/kg is not a member/);
    expect(s.agreement!.title).toBe('SCO');
  });

  it('counts a node once: a second answer, or the same event twice, changes nothing', () => {
    const { events } = founded();
    const p = propose('uz', { kind: 'remove_member', node: 'tj' });
    const r = refuse('kz', p.id);
    const s = foldGroup([...events, p, r, r, consent('kz', p.id)]);
    expect(s.proposals[1]!.status).toBe('refused');
    expect(s.members).toEqual(['kz', 'tj', 'uz']);
  });

  it('voids a proposal that no longer makes sense once another is adopted', () => {
    const { events } = founded();
    const p1 = propose('uz', { kind: 'remove_member', node: 'tj' });
    const p2 = propose('kz', { kind: 'remove_member', node: 'tj' });
    const s = foldGroup([...events, p1, p2, consent('kz', p1.id), consent('uz', p2.id)]);
    expect(s.proposals.map((p) => p.status)).toEqual(['adopted', 'adopted', 'void']);
  });

  it('lets the first founding proposal of a group win', () => {
    const c1 = create('uz', ['kz']);
    const c2 = create('kz', ['uz']);
    expect(foldGroup([c2, c1]).founder).toBe('uz');
  });

  it('gives the same state whatever the order or duplication of delivery (property)', () => {
    const { events } = founded();
    const p1 = propose('uz', { kind: 'add_member', node: 'kg' });
    const p2 = propose('kz', { kind: 'remove_member', node: 'tj' });
    const p3 = propose('tj', { kind: 'change_charter', charter: { quorum: { kind: 'at_least', n: 2 } } });
    const all = [...events, p1, p2, p3, consent('kz', p1.id), consent('kg', p1.id), consent('uz', p2.id), refuse('tj', p1.id), consent('uz', p3.id), consent('kz', p3.id), consent('tj', p1.id), consent('kg', p3.id)];
    const expected = foldGroup(all);
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), fc.array(fc.nat(all.length - 1), { maxLength: 5 }), (order, dups) => {
        expect(foldGroup([...order, ...dups.map((i) => all[i]!)])).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('converges from any subset: two nodes that hold the same events agree (property)', () => {
    const { events } = founded();
    const p = propose('uz', { kind: 'remove_member', node: 'kz' });
    const all = [...events, p, consent('tj', p.id), propose('tj', { kind: 'add_member', node: 'kg' })];
    fc.assert(
      fc.property(fc.shuffledSubarray(all), (subset) => {
        expect(foldGroup(subset)).toEqual(foldGroup([...subset].sort(compareEvents)));
      }),
      { numRuns: 200 },
    );
  });

  it("counts an answer bound to a proposal's author and digest for that proposal only: an impostor's founding under the same id gains nothing", () => {
    const real = create('uz', ['kz', 'tj']);
    // kg reuses the founder's ids with its own terms, and time earlier so that it sorts first.
    const squat: GroupEvent = { ...create('kg', ['uz', 'tj'], { name: 'Impostor' }), id: real.id, created_at: '2026-11-28T11:00:00.000Z' };
    const tjForSquat = bound('consent', 'tj', squat);
    // The founder's node: tj's consent, signed for kg's terms, does not count for uz's proposal.
    const onFounder = foldGroup([real, bound('consent', 'kz', real), tjForSquat]);
    expect(onFounder).toMatchObject({ status: 'proposed', founder: 'uz', members: [] });
    expect(onFounder.proposals[0]!.consents).toEqual(['kz', 'uz']);
    // The third node holds both foundings: the first in fold order founds, the other takes no part.
    const onThird = foldGroup([squat, tjForSquat, real, bound('consent', 'kz', real)]);
    expect(onThird).toMatchObject({ status: 'proposed', founder: 'kg', members: [] });
    expect(onThird.ignored).toEqual([eventKey('uz', real.id)]);
    // A bound consent to the real proposal counts; a v1 consent (id only) is ambiguous there and does not.
    expect(foldGroup([real, bound('consent', 'kz', real), bound('consent', 'tj', real)]).members).toEqual(['kz', 'tj', 'uz']);
    expect(foldGroup([real, squat, consent('kz', real.id), consent('tj', real.id)]).proposals[0]!.consents).toEqual(['kg']);
    expect(foldGroup([real, consent('kz', real.id), consent('tj', real.id)]).members).toEqual(['kz', 'tj', 'uz']);
  });

  it('counts a bound answer only for the body it names (same author and id, another digest)', () => {
    const real = create('uz', ['kz']);
    const other = { ...real, digest: eventDigest('another body') } as GroupEvent;
    const s = foldGroup([real, bound('consent', 'kz', other)]);
    expect(s).toMatchObject({ status: 'proposed', members: [] });
    expect(foldGroup([real, bound('refusal', 'kz', real)]).status).toBe('refused');
  });
});
