import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '../util/ids.js';
import { catalogue } from './catalogue/catalogue.js';
import { actionProblem, agreementProblems, allowedBases, caseLogEvent, deadlinesOf, draftProblems, escalationSteps, foldAppended, foldCase, type CaseEvent } from './cases.rules.js';
import type { CaseEventBody, RequestContent } from './cases.schemas.js';

const A = 'uz-cert';
const B = 'kz-cert';
const CASE = '01900000-0000-7000-8000-0000000000aa';

export const PRESERVATION: RequestContent = {
  type: 'preservation-stored-data',
  priority: 'urgent',
  subject: 'Ransomware C2 server logs',
  legal_basis: { instrument: 'un-cybercrime', article: 42 },
  language: 'en',
  fields: {
    requesting_authority: 'Cybercrime unit, Tashkent',
    offences: ['un-cybercrime-7'],
    facts_summary: 'Ransomware attack on a hospital',
    data_and_link_to_offence: 'Server logs of the C2 host',
    necessity: 'The provider deletes logs after 30 days',
    mla_request_will_follow: true,
  },
  translations: [],
  handling: { do_not_notify: true, use_limited_to_proceedings: true, onward: 'none' },
};

let clock = Date.parse('2026-12-01T10:00:00.000Z');
function ev(author: string, body: Record<string, unknown> & { action: string }, seen: CaseEvent[] = []): CaseEvent {
  clock += 1000;
  const full = { event_id: newId(), case_id: CASE, created_at: new Date(clock).toISOString(), seen: seen.map((s) => ({ author: s.author, event_id: s.id })), ...body } as CaseEventBody;
  return caseLogEvent(author, full);
}

describe('case rules', () => {
  it('the offence ids in the fixtures exist in the catalogue', () => {
    expect(catalogue.offences.some((o) => o.id === 'un-cybercrime-7')).toBe(true);
  });

  it('folds a preservation request through acknowledgement and preservation', () => {
    const open = ev(A, { action: 'open', requested: B, request: PRESERVATION });
    const ack = ev(B, { action: 'acknowledge' }, [open]);
    const keep = ev(B, { action: 'preserve', until: '2027-03-01' }, [ack]);
    const s = foldCase([keep, open, ack], catalogue);
    expect(s).toMatchObject({ status: 'preserved', requesting: A, requested: B, preservation_until: '2027-03-01' });
    expect(s.timeline.every((t) => t.counted)).toBe(true);
  });

  it('ignores out-of-role events and says why', () => {
    const open = ev(A, { action: 'open', requested: B, request: PRESERVATION });
    const forgedAck = ev(A, { action: 'acknowledge' }, [open]);
    const stranger = ev('kg-cert', { action: 'message', text: 'hi' }, [open]);
    const s = foldCase([open, forgedAck, stranger], catalogue);
    expect(s.status).toBe('sent');
    expect(s.timeline.filter((t) => !t.counted).map((t) => t.ignored_because)).toEqual(['acknowledge is for the requested party', 'kg-cert is not a party to this case']);
  });

  it('refuses a preservation shorter than the minimum and refusal grounds the type does not allow', () => {
    const open = ev(A, { action: 'open', requested: B, request: PRESERVATION });
    const s = foldCase([open], catalogue);
    const short = { event_id: newId(), case_id: CASE, created_at: '2026-12-02T00:00:00.000Z', seen: [], action: 'preserve', until: '2027-01-01' } as CaseEventBody;
    expect(actionProblem(s, B, short, catalogue)).toMatch(/at least 60 days/);
    const badGround = { event_id: newId(), case_id: CASE, created_at: '2026-12-02T00:00:00.000Z', seen: [], action: 'refuse', grounds: ['40(21)(a)'], reasons: 'x' } as CaseEventBody;
    expect(actionProblem(s, B, badGround, catalogue)).toMatch(/40\(21\)\(a\) is not a ground/);
  });

  it('a refusal names grounds of the instrument the request rests on: Budapest grounds under Budapest, UN grounds under the UN Convention', () => {
    const refuse = (grounds: string[]) => ({ event_id: newId(), case_id: CASE, created_at: '2026-12-02T00:00:00.000Z', seen: [], action: 'refuse', grounds, reasons: 'x' }) as CaseEventBody;
    const underBudapest = foldCase([ev(A, { action: 'open', requested: B, request: { ...PRESERVATION, legal_basis: { instrument: 'budapest', article: 29 } } })], catalogue);
    expect(actionProblem(underBudapest, B, refuse(['29(5)(b)']), catalogue)).toBeNull();
    expect(actionProblem(underBudapest, B, refuse(['29(5)(a)', '40(21)(b)']), catalogue)).toBe('40(21)(b) is not a ground on which preservation-stored-data may be refused (29(5)(a), 29(5)(b))');
    expect(actionProblem(underBudapest, B, refuse(['27(4)(a)']), catalogue)).toMatch(/27\(4\)\(a\) is not a ground/);
    const underUn = foldCase([ev(A, { action: 'open', requested: B, request: PRESERVATION })], catalogue);
    expect(actionProblem(underUn, B, refuse(['29(5)(b)']), catalogue)).toBe('29(5)(b) is not a ground on which preservation-stored-data may be refused (40(21)(b), 40(21)(c), 40(22))');
    expect(actionProblem(underUn, B, refuse(['40(21)(b)', '40(22)']), catalogue)).toBeNull();
    // MLA under Budapest art. 31: arts 25(4) and 27(4).
    const mla: RequestContent = { ...PRESERVATION, type: 'mla-production', legal_basis: { instrument: 'budapest', article: 31 } };
    const underBudapestMla = foldCase([ev(A, { action: 'open', requested: B, request: mla })], catalogue);
    expect(actionProblem(underBudapestMla, B, refuse(['25(4)', '27(4)(b)']), catalogue)).toBeNull();
    expect(actionProblem(underBudapestMla, B, refuse(['29(5)(a)']), catalogue)).toMatch(/\(25\(4\), 27\(4\)\(a\), 27\(4\)\(b\)\)$/);
  });

  it('limits a draft to the types and legal bases an agreement allows, and its languages; no agreement limits nothing', () => {
    const agreement = { title: 'T', instrument: 'I', channels: [], request_types: ['budapest:preservation-stored-data', 'cert-assistance'], languages: ['ru'], confidentiality: '' };
    const bases = allowedBases(catalogue, [agreement]);
    expect(bases.map((b) => [b.type, b.instrument, b.article ?? null, b.languages])).toEqual([
      ['preservation-stored-data', 'budapest', 29, ['ru']],
      ['cert-assistance', 'gge-2015', null, ['ru']],
    ]);
    expect(allowedBases(catalogue, [{ ...agreement, request_types: ['*'] }])).toHaveLength(catalogue.requestTypes.reduce((n, t) => n + new Set(t.legal_bases.map((b) => `${b.instrument}|${b.article ?? ''}`)).size, 0));
    expect(agreementProblems(PRESERVATION, { bases }).map((p) => [p.pointer, p.code])).toEqual([['/legal_basis', 'not_agreed']]);
    expect(agreementProblems({ ...PRESERVATION, type: 'mla-production' }, { bases }).map((p) => p.pointer)).toEqual(['/type']);
    expect(agreementProblems(PRESERVATION, {})).toEqual([]);
    const budapest = { ...PRESERVATION, legal_basis: { instrument: 'budapest', article: 29 } };
    expect(draftProblems(budapest, catalogue, { bases }).map((p) => [p.pointer, p.code])).toEqual([['/translations', 'not_agreed']]);
    expect(draftProblems({ ...budapest, translations: [{ language: 'ru-RU', fields: {} }] }, catalogue, { bases })).toEqual([]);
  });

  it('settles a withdrawal crossing an execution the same way whatever the arrival order', () => {
    const open = ev(A, { action: 'open', requested: B, request: { ...PRESERVATION, type: 'mla-production', legal_basis: { instrument: 'un-cybercrime', article: 44 } } });
    const withdraw = ev(A, { action: 'withdraw', reasons: 'no longer needed' }, [open]);
    const execute = ev(B, { action: 'execute', extent: 'full', text: 'done' }, [open]);
    const one = foldCase([open, withdraw, execute], catalogue);
    const two = foldCase([execute, withdraw, open, execute], catalogue);
    expect(one).toEqual(two);
    expect(one.status).toBe('withdrawn');
  });

  it('computes acknowledgement deadlines by priority and flags them overdue', () => {
    const open = ev(A, { action: 'open', requested: B, request: PRESERVATION });
    const s = foldCase([open], catalogue);
    const d = deadlinesOf(s, new Date(Date.parse(open.created_at) + 25 * 3_600_000));
    expect(d.ack_due).toBe(new Date(Date.parse(open.created_at) + 24 * 3_600_000).toISOString());
    expect(d.overdue).toBe(true);
  });

  it('lists each missing required field of a draft with its pointer', () => {
    const { facts_summary: _f, mla_request_will_follow: _m, ...fields } = PRESERVATION.fields;
    const problems = draftProblems({ ...PRESERVATION, fields }, catalogue, { languages: ['ru'] });
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([
      ['/fields/facts_summary', 'missing'],
      ['/fields/mla_request_will_follow', 'missing'],
      ['/translations', 'missing'],
    ]);
    expect(draftProblems(PRESERVATION, catalogue)).toEqual([]);
  });

  it('escalates one more contact per step once acknowledgement is late', () => {
    const due = '2026-12-01T10:00:00.000Z';
    expect(escalationSteps('emergency', due, new Date('2026-12-01T09:59:00Z'), 3)).toEqual([]);
    expect(escalationSteps('emergency', due, new Date('2026-12-01T10:00:00Z'), 3)).toEqual([0, 1]);
    expect(escalationSteps('emergency', due, new Date('2026-12-01T10:31:00Z'), 3)).toEqual([0, 1, 2, 3]);
    expect(escalationSteps('emergency', due, new Date('2026-12-01T12:00:00Z'), 3)).toEqual([0, 1, 2, 3]);
  });
});

/** Random case histories: both parties act, sometimes concurrently (naming only part of what came before). */
const ACTIONS_B = [{ action: 'acknowledge' }, { action: 'ask_information', text: 'which account?' }, { action: 'execute', extent: 'partial', text: 'part' }, { action: 'execute', extent: 'full', text: 'all' }, { action: 'refuse', grounds: ['40(21)(b)'], reasons: 'essential interests' }, { action: 'postpone', reasons: 'ongoing investigation' }, { action: 'offer_conditions', conditions: 'use only in case X' }, { action: 'message', text: 'hello' }];
const ACTIONS_A = [{ action: 'add_information', text: 'account 42' }, { action: 'withdraw' }, { action: 'close' }, { action: 'accept_conditions' }, { action: 'message', text: 'thanks' }];

describe('case convergence (property)', () => {
  it('two nodes receiving the same events in any order, with duplicates, reach the same state; out-of-role events change nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(20), fc.nat(10), fc.boolean()), { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(8), { maxLength: 5 }),
        fc.integer(),
        fc.integer(),
        (steps, forgedAt, seed1, seed2) => {
          const open = ev(A, { action: 'open', requested: B, request: { ...PRESERVATION, type: 'mla-production', legal_basis: { instrument: 'un-cybercrime', article: 44 } } });
          const events: CaseEvent[] = [open];
          for (const [byB, which, back, skew] of steps) {
            // The author saw only part of the log: an event `back` places from the end, as if a message crossed.
            const seen = events.slice(0, Math.max(1, events.length - back));
            const list = byB ? ACTIONS_B : ACTIONS_A;
            const e = ev(byB ? B : A, list[which % list.length]!, [seen[seen.length - 1]!]);
            if (skew) clock -= 5000; // clocks differ between nodes
            events.push(e);
          }
          // Out-of-role events nobody names: the wrong party, and a third node.
          const requestedOnly = ACTIONS_B.filter((x) => x.action !== 'message');
          const forged = forgedAt.map((i, k) => (k % 2 ? ev('kg-cert', ACTIONS_B[i % ACTIONS_B.length]!, [open]) : ev(A, requestedOnly[i % requestedOnly.length]!, [open])));
          const shuffle = (xs: CaseEvent[], seed: number) => {
            const out = [...xs, ...xs.slice(0, seed & 3)];
            let s = seed;
            for (let i = out.length - 1; i > 0; i--) {
              s = (s * 1103515245 + 12345) & 0x7fffffff;
              const j = s % (i + 1);
              [out[i], out[j]] = [out[j]!, out[i]!];
            }
            return out;
          };
          const onA = foldCase(shuffle([...events, ...forged], seed1), catalogue);
          const onB = foldCase(shuffle([...events, ...forged], seed2), catalogue);
          expect(onA).toEqual(onB);
          const { timeline: _t1, ...withForged } = onA;
          const { timeline: _t2, ...without } = foldCase(events, catalogue);
          expect(withForged).toEqual(without);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('folding one more event on top of a fold is the same as folding every event again, whatever was held and in whatever order it came (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(20), fc.nat(10), fc.nat(3)), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(30), { maxLength: 4 }),
        (steps, duplicates) => {
          const open = ev(A, { action: 'open', requested: B, request: { ...PRESERVATION, type: 'mla-production', legal_basis: { instrument: 'un-cybercrime', article: 44 } } });
          const made: CaseEvent[] = [open];
          for (const [byB, which, back, skew] of steps) {
            const seen = made.slice(0, Math.max(1, made.length - back));
            const list = byB ? ACTIONS_B : ACTIONS_A;
            // Clocks differ between nodes: an event may be dated before what its author saw, or before events held.
            clock -= skew * 1500;
            made.push(ev(byB ? B : A, list[which % list.length]!, [seen[seen.length - 1]!]));
          }
          // Arrival: as made, with copies of events held already arriving again.
          const arriving = [...made];
          for (const d of duplicates) arriving.splice(d % (arriving.length + 1), 0, made[d % made.length]!);
          let held: CaseEvent[] = [];
          let s = foldCase([], catalogue);
          for (const e of arriving) {
            s = foldAppended(s, held, e, catalogue);
            held = [...held, e];
            expect(s).toEqual(foldCase(held, catalogue));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
