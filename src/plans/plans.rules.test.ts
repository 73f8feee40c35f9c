import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysOverdue, foldPlan, isOverdue, isRealDay, mayWrite, type Membership, type PlanEvent } from './plans.rules.js';
import { joinsToRelay } from '../groups/history-relay.js';

const G = '01900000-0000-7000-8000-0000000000a0';
const P = '01900000-0000-7000-8000-0000000000b0';
const m: Membership = { members: ['kz', 'tj', 'uz'], history: ['kz', 'tj', 'uz'].map((node) => ({ at: '2026-01-01T00:00:00.000Z', node, change: 'joined' as const })) };
let n = 0;
const id = () => `01900000-0000-7000-8000-${String(++n).padStart(12, '0')}`;
const at = (min: number) => new Date(Date.UTC(2026, 5, 1, 0, min)).toISOString();
const base = (author: string, min: number, eid = id()) => ({ id: eid, author, created_at: at(min) });
const ev = (author: string, min: number, type: PlanEvent['type'], body: Record<string, unknown>, eid = id()): PlanEvent => ({ ...base(author, min, eid), type, body: { event_id: eid, created_at: at(min), group_id: G, plan_id: P, ...body } as unknown as PlanEvent['body'] });

const plan = ev('uz', 0, 'plan', { title: 'План взаимодействия 2026', instrument: 'sco-2009', reference: '' }, P);
const own = ev('uz', 1, 'item', { title: 'Обмен контактами', description: '', owner: 'uz', deadline: '2026-03-01' });
const forKz = ev('uz', 2, 'item', { title: 'Учения', description: '', owner: 'kz', deadline: '2026-09-01' });
const accept = ev('kz', 3, 'answer', { proposal_id: forKz.id, proposal_author: 'uz', answer: 'accept', note: '' });
const kzStatus = ev('kz', 4, 'status', { item_id: forKz.id, item_author: 'uz', status: 'in_progress', note: 'Сценарий готов' });
const uzStatusOnKz = ev('uz', 5, 'status', { item_id: forKz.id, item_author: 'uz', status: 'done', note: 'not mine' });
const change = ev('tj', 6, 'change', { item_id: forKz.id, item_author: 'uz', deadline: '2026-10-01' });
const changeAccepted = ev('kz', 7, 'answer', { proposal_id: change.id, proposal_author: 'tj', answer: 'accept', note: 'ok' });
const outsider = ev('kg', 8, 'item', { title: 'Squat', description: '', owner: 'kg', deadline: '2026-01-01' });
const all = [plan, own, forKz, accept, kzStatus, uzStatusOnKz, change, changeAccepted, outsider];

describe('foldPlan', () => {
  it('applies the rules: own items at once, proposed items and changes on the owner’s word, status from the owner only', () => {
    const s = foldPlan(P, G, all, m);
    expect(s).toMatchObject({ title: 'План взаимодействия 2026', instrument: 'sco-2009', author: 'uz' });
    expect(s.items.map((i) => [i.title, i.owner, i.acceptance, i.status, i.deadline])).toEqual([
      ['Обмен контактами', 'uz', 'accepted', 'planned', '2026-03-01'],
      ['Учения', 'kz', 'accepted', 'in_progress', '2026-10-01'],
    ]);
    expect(s.ignored.get(`uz\u0000${uzStatusOnKz.id}`)).toMatch(/only the owner kz/);
    expect(s.ignored.get(`kg\u0000${outsider.id}`)).toMatch(/not a member/);
  });

  it('leaves an item proposed until its owner answers, and a decline keeps it out of effect', () => {
    expect(foldPlan(P, G, [plan, forKz], m).items[1]).toBeUndefined();
    expect(foldPlan(P, G, [plan, forKz], m).items[0]).toMatchObject({ acceptance: 'proposed' });
    const decline = ev('kz', 3, 'answer', { proposal_id: forKz.id, proposal_author: 'uz', answer: 'decline', note: 'no' });
    const s = foldPlan(P, G, [plan, forKz, decline, kzStatus], m);
    expect(s.items[0]).toMatchObject({ acceptance: 'declined', status: 'planned', answer_note: 'no' });
  });

  it('gives the same state whatever the order and duplication of the events', () => {
    const expected = JSON.stringify(foldPlan(P, G, all, m), (_k, v: unknown) => (v instanceof Map ? [...v].sort() : v));
    fc.assert(
      fc.property(fc.shuffledSubarray([...all, ...all], { minLength: all.length * 2, maxLength: all.length * 2 }), (xs) => {
        expect(JSON.stringify(foldPlan(P, G, xs, m), (_k, v: unknown) => (v instanceof Map ? [...v].sort() : v))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('counts what a member that left wrote while a member, and nothing after', () => {
    const left: Membership = { members: ['kz', 'uz'], history: [...m.history, { at: at(4), node: 'tj', change: 'left' }] };
    expect(mayWrite(left, 'tj', at(3))).toBe(true);
    expect(mayWrite(left, 'tj', at(5))).toBe(false);
    const s = foldPlan(P, G, all, left);
    expect(s.ignored.get(`tj\u0000${change.id}`)).toMatch(/not a member/);
  });
});

describe('overdue', () => {
  it('is an item in effect, planned or in progress, past its deadline day', () => {
    expect(isOverdue({ acceptance: 'accepted', status: 'planned', deadline: '2026-03-01' }, '2026-03-02')).toBe(true);
    expect(isOverdue({ acceptance: 'accepted', status: 'planned', deadline: '2026-03-01' }, '2026-03-01')).toBe(false);
    expect(isOverdue({ acceptance: 'accepted', status: 'done', deadline: '2026-03-01' }, '2026-04-01')).toBe(false);
    expect(isOverdue({ acceptance: 'proposed', status: 'planned', deadline: '2026-03-01' }, '2026-04-01')).toBe(false);
    expect(daysOverdue({ acceptance: 'accepted', status: 'in_progress', deadline: '2026-03-01' }, '2026-03-11')).toBe(10);
    expect(isRealDay('2026-02-30')).toBe(false);
    expect(isRealDay('2028-02-29')).toBe(true);
  });
});

describe('joinsToRelay', () => {
  const g = {
    members: ['kz', 'tj', 'uz', 'kg'],
    proposals: [{ id: 'create', change: { kind: 'create' } }, { id: 'add-kg', change: { kind: 'add_member' } }] as never,
    membership: [...['kz', 'tj', 'uz'].map((node) => ({ at: '2026-01-01T00:00:00.000Z', node, change: 'joined' as const, proposal_id: 'create' })), { at: '2026-02-01T00:00:00.000Z', node: 'kg', change: 'joined' as const, proposal_id: 'add-kg' }],
  };
  it('names the members that joined after this node, once', () => {
    expect(joinsToRelay(g, 'uz', new Set())).toEqual([expect.objectContaining({ node: 'kg', proposal_id: 'add-kg' })]);
    expect(joinsToRelay(g, 'uz', new Set(['kg add-kg']))).toEqual([]);
    expect(joinsToRelay(g, 'kg', new Set())).toEqual([]);
  });
});
