import { describe, expect, it } from 'vitest';
import { tlp2MarkingId } from '../policy/markings.js';
import { afterPage, checkDefaultMarking, laterOf, normaliseApiRoot, objectsUrl, pageRequest, restartWalk, startRun, stepBack, withDefaultMarking, type FeedCursor } from './feeds.rules.js';

const fresh: FeedCursor = { added_after: null, next: null, run_added_after: null, run_added_last: null };

describe('feed cursor', () => {
  it('walks pages by token with one added_after, and moves added_after only when the walk ends', () => {
    let c = startRun({ ...fresh, added_after: '2026-12-01T00:00:00.000000Z' });
    // The walk asks from just before the instant the last one ended at: what came at that instant later is not missed.
    expect(pageRequest(c)).toEqual({ added_after: '2026-11-30T23:59:59.999999Z', next: null });
    let s = afterPage(c, { more: true, next: '17', dateAddedLast: '2026-12-02T10:00:00.000000Z' });
    expect(s.done).toBe(false);
    c = s.cursor;
    expect(c.added_after).toBe('2026-12-01T00:00:00.000000Z');
    expect(pageRequest(c)).toEqual({ added_after: '2026-11-30T23:59:59.999999Z', next: '17' });
    s = afterPage(c, { more: false, next: null, dateAddedLast: '2026-12-02T11:00:00.5Z' });
    expect(s).toEqual({ done: true, cursor: { added_after: '2026-12-02T11:00:00.5Z', next: null, run_added_after: null, run_added_last: null } });
  });

  it('resumes a walk stopped part-way at the page after the last one stored', () => {
    const stopped: FeedCursor = { added_after: 'A', next: '42', run_added_after: 'A', run_added_last: '2026-12-02T10:00:00Z' };
    expect(startRun(stopped)).toBe(stopped);
    expect(pageRequest(startRun(stopped))).toEqual({ added_after: 'A', next: '42' });
  });

  it('restarts a walk at its own added_after when the token is refused, keeping what it saw', () => {
    const c: FeedCursor = { added_after: 'A', next: '42', run_added_after: 'A', run_added_last: 'B' };
    expect(pageRequest(restartWalk(c))).toEqual({ added_after: 'A', next: null });
    expect(restartWalk(c).run_added_last).toBe('B');
  });

  it('keeps added_after when an empty collection sends no dates', () => {
    const c = startRun({ ...fresh, added_after: 'A' });
    expect(afterPage(c, { more: false, next: null, dateAddedLast: null }).cursor.added_after).toBe('A');
  });

  it('pages by date when a server gives more without a token, from the last instant of the page, or after it when the whole page was that instant', () => {
    const s = afterPage(startRun(fresh), { more: true, next: null, dateAddedLast: '2026-12-02T10:00:00Z' });
    expect(s.done).toBe(false);
    expect(pageRequest(s.cursor)).toEqual({ added_after: '2026-12-02T09:59:59.999999Z', next: null });
    const same = afterPage(s.cursor, { more: true, next: null, dateAddedLast: '2026-12-02T10:00:00Z' });
    expect(pageRequest(same.cursor)).toEqual({ added_after: '2026-12-02T10:00:00Z', next: null });
    // The walk ends where it saw the last object, not where it asked from.
    expect(afterPage(same.cursor, { more: false, next: null, dateAddedLast: null }).cursor.added_after).toBe('2026-12-02T10:00:00Z');
  });

  it('keeps added_after where it was when a walk finds nothing (it does not drift back run after run)', () => {
    let c: FeedCursor = { ...fresh, added_after: '2026-12-02T10:00:00.123Z' };
    for (let i = 0; i < 3; i++) c = afterPage(startRun(c), { more: false, next: null, dateAddedLast: '2026-12-02T10:00:00.123Z' }).cursor;
    expect(c.added_after).toBe('2026-12-02T10:00:00.123Z');
    expect(afterPage(startRun(c), { more: false, next: null, dateAddedLast: null }).cursor.added_after).toBe('2026-12-02T10:00:00.123Z');
  });

  it('steps a timestamp of any precision back one microsecond', () => {
    expect(stepBack('2026-12-02T10:00:00Z')).toBe('2026-12-02T09:59:59.999999Z');
    expect(stepBack('2026-12-02T10:00:00.123Z')).toBe('2026-12-02T10:00:00.122999Z');
    expect(stepBack('2026-12-02T10:00:00.123456Z')).toBe('2026-12-02T10:00:00.123455Z');
    expect(stepBack('2026-12-02T10:00:00.123456789Z')).toBe('2026-12-02T10:00:00.123455Z');
    expect(stepBack('2027-01-01T00:00:00.000000Z')).toBe('2026-12-31T23:59:59.999999Z');
    expect(stepBack('A')).toBe('A');
  });

  it('orders timestamps of any precision', () => {
    expect(laterOf('2026-12-02T10:00:00.9Z', '2026-12-02T10:00:00.123456Z')).toBe('2026-12-02T10:00:00.9Z');
    expect(laterOf(null, 'X')).toBe('X');
  });
});

describe('feed requests and settings', () => {
  it('builds the objects URL under the API root', () => {
    expect(objectsUrl('https://t.example.org/api1/', 'c-1', { added_after: '2026-12-02T10:00:00Z', next: 'n 1', limit: 100 })).toBe('https://t.example.org/api1/collections/c-1/objects/?added_after=2026-12-02T10%3A00%3A00Z&limit=100&next=n+1');
  });

  it('normalises API roots and refuses what the node should not call', () => {
    expect(normaliseApiRoot('https://t.example.org/api1')).toEqual({ url: 'https://t.example.org/api1/' });
    for (const bad of ['ftp://t.example.org/', 'not a url', 'https://u:p@t.example.org/api/', 'https://t.example.org/api/?x=1']) expect(normaliseApiRoot(bad)).toMatchObject({ pointer: '/api_root', code: 'invalid_url' });
  });

  it('takes only TLP 2.0 marking definitions as the default marking', () => {
    expect(checkDefaultMarking(tlp2MarkingId('green'))).toBeNull();
    expect(checkDefaultMarking('marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da')).toMatchObject({ code: 'unknown_marking' }); // TLP 1.0 GREEN
    expect(checkDefaultMarking('marking-definition--00000000-0000-4000-8000-000000000000')).toMatchObject({ code: 'unknown_marking' });
  });

  it('marks objects without a TLP marking, and only those', () => {
    const green = tlp2MarkingId('green');
    const red = tlp2MarkingId('red');
    const other = 'marking-definition--00000000-0000-4000-8000-000000000001';
    expect(withDefaultMarking({ type: 'indicator' }, green)).toEqual({ marked: true, object: { type: 'indicator', object_marking_refs: [green] } });
    expect(withDefaultMarking({ type: 'indicator', object_marking_refs: [other] }, green).object.object_marking_refs).toEqual([other, green]);
    expect(withDefaultMarking({ type: 'indicator', object_marking_refs: [red] }, green).marked).toBe(false);
    expect(withDefaultMarking({ type: 'indicator', granular_markings: [{ marking_ref: red, selectors: ['name'] }] }, green).marked).toBe(false);
    expect(withDefaultMarking({ type: 'marking-definition' }, green).marked).toBe(false);
  });
});
