import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../web/src/api/types.js';
import { describeAuditEntry } from '../../web/src/audit/auditText.js';
import { resources } from '../../web/src/i18n/index.js';

const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({ resources, lng: 'en', fallbackLng: 'en', interpolation: { escapeValue: false } });
});

function entry(action: string, details: Record<string, unknown>, target: string | null = null): AuditEntry {
  return { seq: 1, at: '2026-12-01T10:00:00.000Z', actor: 'user:1', action, target, ip: null, details, hash: 'h', prev_hash: 'p' } as AuditEntry;
}

function describeIn(lang: string, e: AuditEntry) {
  return describeAuditEntry(e, i18n.getFixedT(lang), lang);
}

describe('audit entries for people', () => {
  it('names the action and writes its details as a sentence in each language', () => {
    const sent = entry('federation.notice_send', { count: 3, first_id: 'm1' }, 'peer:kz-cert');
    expect(describeIn('en', sent)).toEqual({ label: 'Notices sent', sentence: 'Sent 3 notices to kz-cert.', pairs: [['first_id', 'm1']] });
    expect(describeIn('ru', sent).sentence).toBe('Отправлено уведомлений в kz-cert: 3.');
    expect(describeIn('uz', sent).label).toBe('Xabarnomalar yuborildi');
  });

  it('translates roles and says a lock-out in words', () => {
    expect(describeIn('ru', entry('user.create', { email: 'a@b.c', role: 'analyst' })).sentence).toBe('a@b.c с ролью «Аналитик».');
    const locked = describeIn('en', entry('auth.sign_in_failed', { locked_until: '2026-12-01T10:15:00.000Z' }));
    expect(locked.sentence).toMatch(/^Wrong e-mail or password\. Account locked until Dec 1, 2026/);
    expect(locked.pairs).toEqual([]);
  });

  it('falls back to a key/value list when the action or a value is unknown', () => {
    expect(describeIn('en', entry('future.thing', { a: 1, b: ['x', 'y'], c: true }))).toEqual({ label: 'future.thing', sentence: null, pairs: [['a', '1'], ['b', 'x, y'], ['c', 'Yes']] });
    const partial = describeIn('en', entry('group.create', { name: 'CIS CERTs' }, 'group:g1'));
    expect(partial.sentence).toBeNull();
    expect(partial.pairs).toEqual([['name', 'CIS CERTs']]);
  });
});
