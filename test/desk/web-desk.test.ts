import { createInstance, type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/app/assembly.js';
import { CAPABILITIES } from '../../src/app/capabilities.js';
import en from '../../web/src/i18n/locales/en.json' with { type: 'json' };
import ru from '../../web/src/i18n/locales/ru.json' with { type: 'json' };
import uz from '../../web/src/i18n/locales/uz.json' with { type: 'json' };
import { newArrivals, nextDeadline, titleWithCount } from '../../web/src/desk/desk.rules.js';
import { deskItemTitle } from '../../web/src/desk/deskTitle.js';
import type { DeskItem } from '../../web/src/desk/types.js';

const item = (kind: string, id: string, over: Partial<DeskItem> = {}): DeskItem => ({ kind, id, params: {}, link: '/', since: '2026-12-01T10:00:00.000Z', severity: 'attention', ...over });

describe('the web desk rules', () => {
  it('finds what has just arrived, by kind and id, and nothing on the first load', () => {
    const before = [item('a.x', '1'), item('b.y', '1')];
    expect(newArrivals(undefined, before)).toEqual([]);
    expect(newArrivals(before, [...before, item('a.x', '2'), item('c.z', '1')]).map((i) => `${i.kind}/${i.id}`)).toEqual(['a.x/2', 'c.z/1']);
    // An item that went and one that stayed: nothing new.
    expect(newArrivals(before, [before[0]!])).toEqual([]);
  });

  it('puts the count in front of the tab title, only when something waits', () => {
    expect(titleWithCount('Overview · Accord', 3)).toBe('(3) Overview · Accord');
    expect(titleWithCount('Overview · Accord', 0)).toBe('Overview · Accord');
  });

  it('reads the desk again at the nearest deadline still ahead', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const items = [item('a', '1', { due: '2026-12-01T11:00:00Z' }), item('a', '2', { due: '2026-12-01T12:30:00Z' }), item('a', '3', { due: '2026-12-01T12:10:00Z' }), item('a', '4')];
    expect(nextDeadline(items, now)).toBe(Date.parse('2026-12-01T12:10:00Z'));
    expect(nextDeadline([items[0]!, items[3]!], now)).toBeNull();
  });
});

describe('desk titles in every language', () => {
  const ts: Record<string, TFunction> = {};
  beforeAll(async () => {
    for (const [lng, catalogue] of Object.entries({ en, ru, uz })) {
      const i18n = createInstance();
      await i18n.init({ resources: { [lng]: { translation: catalogue } }, lng, interpolation: { escapeValue: false } });
      ts[lng] = i18n.t;
    }
  });

  it('translates every kind any capability puts on the desk', () => {
    const kinds = assemble(CAPABILITIES).catalog.desk.flatMap((d) => d.kinds);
    expect(kinds.length).toBeGreaterThan(0);
    for (const lng of ['en', 'ru', 'uz']) {
      for (const kind of kinds) expect(deskItemTitle(ts[lng]!, item(kind, '1')), `${lng}: ${kind}`).not.toContain(kind);
    }
  });

  it('fills the params, translating the codes among them', () => {
    const proposal = item('groups.proposal_to_answer', 'p1', { params: { group: 'SCO CERTs', change: 'add_member', author: 'kz-cert', node: 'tj-cert' } });
    expect(deskItemTitle(ts.en!, proposal)).toBe('SCO CERTs: kz-cert proposes to add a member. Answer for this node');
    expect(deskItemTitle(ts.ru!, proposal)).toBe('SCO CERTs: kz-cert предлагает принять участника. Ответьте от имени этого узла');
    const entry = item('directory.own_entry_to_renew', 'uz-cert', { params: { freshness: 'expiring' } });
    expect(deskItemTitle(ts.uz!, entry)).toBe('Maʼlumotnomadagi yozuvimiz: Muddati tugamoqda. Uni eʼlon qiling yoki tasdiqlang');
  });

  it('still shows a kind this version of the web app does not know', () => {
    expect(deskItemTitle(ts.en!, item('cases.request_to_acknowledge', 'c1'))).toBe('Something is waiting: cases.request_to_acknowledge');
  });
});
