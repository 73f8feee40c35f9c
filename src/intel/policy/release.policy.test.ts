import { describe, expect, it } from 'vitest';
import { confidenceOfCredibility, credibilityOfConfidence, tlp2MarkingId, tlpOfMarkingId, tlpOfObject, TLP_LEVELS, type Tlp } from './markings.js';
import { mayReach, releasable, type Audience, type Origin } from './release.policy.js';

const AUDIENCES: Record<string, Audience> = {
  user: { kind: 'user', redRecipient: false },
  'red user': { kind: 'user', redRecipient: true },
  client: { kind: 'client' },
  'taxii user': { kind: 'taxii', redRecipient: false },
  'taxii red user': { kind: 'taxii', redRecipient: true },
  'named peer': { kind: 'peer', named: true },
  'group peer': { kind: 'peer', named: false },
  public: { kind: 'public' },
};

// Written out by hand from the TLP 2.0 definitions, not derived from the code: who may get what.
// Columns: user, red user, client, TAXII user, TAXII red user (the narrower of user and client), named peer, group peer, public.
const EXPECTED: Record<Origin, Record<Tlp, string>> = {
  local: {
    clear: 'yyyyyyyy',
    green: 'yyyyyyyn',
    amber: 'yyyyyyyn',
    'amber+strict': 'yynnnyyn',
    red: 'nynnnynn',
  },
  received: {
    clear: 'yyyyyyyy',
    green: 'yyyyyyyn',
    amber: 'yyyyynnn',
    'amber+strict': 'yynnnnnn',
    red: 'nynnnnnn',
  },
};

describe('mayReach', () => {
  for (const origin of ['local', 'received'] as const) {
    for (const tlp of TLP_LEVELS) {
      it(`TLP:${tlp.toUpperCase()} ${origin}: ${EXPECTED[origin][tlp]}`, () => {
        const got = Object.values(AUDIENCES)
          .map((a) => (mayReach({ tlp, origin }, a).allowed ? 'y' : 'n'))
          .join('');
        expect(got).toBe(EXPECTED[origin][tlp]);
      });
    }
  }

  it('names why it refuses', () => {
    expect(mayReach({ tlp: 'green', origin: 'local' }, AUDIENCES.public!)).toEqual({ allowed: false, tlp: 'green', reason: 'tlp-green-never-public' });
    expect(mayReach({ tlp: 'amber', origin: 'received' }, AUDIENCES['named peer']!)).toMatchObject({ reason: 'received-not-passed-on' });
    expect(mayReach({ tlp: 'amber+strict', origin: 'local' }, AUDIENCES.client!)).toMatchObject({ reason: 'tlp-amber-strict-organisation-only' });
    expect(mayReach({ tlp: 'red', origin: 'local' }, AUDIENCES['group peer']!)).toMatchObject({ reason: 'tlp-red-named-recipients-only' });
    // Over TAXII even a named recipient of RED reads as a client: RED and AMBER+STRICT stay in.
    expect(mayReach({ tlp: 'red', origin: 'local' }, AUDIENCES['taxii red user']!)).toMatchObject({ allowed: false, reason: 'tlp-red-named-recipients-only' });
    expect(mayReach({ tlp: 'amber+strict', origin: 'local' }, AUDIENCES['taxii red user']!)).toMatchObject({ allowed: false, reason: 'tlp-amber-strict-organisation-only' });
    expect(mayReach({ tlp: null, origin: 'received' }, AUDIENCES['taxii user']!)).toMatchObject({ allowed: true, tlp: 'amber' });
  });

  it('treats an unmarked object as the configured level', () => {
    expect(mayReach({ tlp: null, origin: 'received' }, AUDIENCES['group peer']!)).toMatchObject({ allowed: false, tlp: 'amber' });
    expect(mayReach({ tlp: null, origin: 'received' }, AUDIENCES['group peer']!, { unmarkedAs: 'green' })).toMatchObject({ allowed: true, tlp: 'green' });
  });

  it('filters lists in order', () => {
    const items = [
      { id: 1, tlp: 'clear' as const, origin: 'received' as const },
      { id: 2, tlp: 'red' as const, origin: 'received' as const },
      { id: 3, tlp: 'green' as const, origin: 'received' as const },
    ];
    expect(releasable(items, AUDIENCES.client!).map((i) => i.id)).toEqual([1, 3]);
  });
});

describe('TLP markings on STIX objects', () => {
  it('knows the TLP 1.0 and 2.0 marking-definition ids, WHITE as CLEAR', () => {
    expect(tlpOfMarkingId('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9')).toEqual({ level: 'clear', version: '1.0' });
    expect(tlpOfMarkingId('marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003')).toEqual({ level: 'amber+strict', version: '2.0' });
    expect(tlpOfMarkingId('marking-definition--00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(tlp2MarkingId('red')).toBe('marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1');
    for (const level of TLP_LEVELS) expect(tlpOfMarkingId(tlp2MarkingId(level))?.level).toBe(level);
  });

  it('takes the narrowest marking, granular markings included', () => {
    const green2 = tlp2MarkingId('green');
    const red1 = 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed';
    expect(tlpOfObject({ object_marking_refs: [green2] })).toEqual({ level: 'green', version: '2.0' });
    expect(tlpOfObject({ object_marking_refs: [green2], granular_markings: [{ marking_ref: red1, selectors: ['description'] }] })).toEqual({ level: 'red', version: '1.0' });
    expect(tlpOfObject({ object_marking_refs: ['marking-definition--00000000-0000-4000-8000-000000000000'] })).toBeNull();
    expect(tlpOfObject({ object_marking_refs: 'not a list', granular_markings: [null, 7] })).toBeNull();
  });

  it('maps Admiralty credibility to STIX confidence and back', () => {
    expect(confidenceOfCredibility('1')).toBe(90);
    expect(confidenceOfCredibility('6')).toBeNull();
    expect(credibilityOfConfidence(0)).toBe('5');
    expect(credibilityOfConfidence(59)).toBe('3');
    expect(credibilityOfConfidence(100)).toBe('1');
    for (const g of ['1', '2', '3', '4', '5'] as const) expect(credibilityOfConfidence(confidenceOfCredibility(g)!)).toBe(g);
    expect(() => credibilityOfConfidence(101)).toThrow(RangeError);
  });
});
