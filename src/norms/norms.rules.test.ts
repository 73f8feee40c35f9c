import { describe, expect, it } from 'vitest';
import { buildMatrix, completeEntries, deliveriesDue, deliveryKey, diffReports, duplicateNorms, emptyEntry, reportProblem, sameVersion, statusesOf } from './norms.rules.js';
import { NORM_IDS, type ReportVersion, type VersionSummary } from './norms.schemas.js';

const report = (over: Partial<ReportVersion> = {}): ReportVersion => ({
  node_id: 'uz-cert',
  country: 'UZ',
  version: 1,
  published_at: '2026-12-01T10:00:00.000Z',
  groups: ['g1'],
  language: 'en',
  summary: 'First report',
  norms: completeEntries([{ ...emptyEntry('c'), status: 'implemented', measures: 'Law on ICT', links: [{ url: 'https://lex.example/1' }] }]),
  ...over,
});
const summary = (node_id: string, country: string, statuses: Partial<Record<string, VersionSummary['statuses'][string]>>): VersionSummary => ({ node_id, country, version: 1, published_at: '2026-12-01T10:00:00.000Z', own: false, statuses: statuses as VersionSummary['statuses'] });

describe('norms rules', () => {
  it('completes a report to the eleven norms (a)–(k), in order, the missing ones not started', () => {
    const out = completeEntries([{ ...emptyEntry('k'), status: 'in_progress' }, { ...emptyEntry('a'), status: 'implemented' }]);
    expect(out.map((e) => e.norm)).toEqual([...NORM_IDS]);
    expect(out.map((e) => e.status)).toEqual(['implemented', ...Array(9).fill('not_started'), 'in_progress']);
  });

  it('names each repeated norm with its index', () => {
    expect(duplicateNorms([{ norm: 'a' }, { norm: 'b' }, { norm: 'a' }, { norm: 'a' }])).toEqual([{ norm: 'a', index: 2 }, { norm: 'a', index: 3 }]);
    expect(duplicateNorms([{ norm: 'a' }, { norm: 'b' }])).toEqual([]);
  });

  it('builds the matrix sorted by country then node, with totals per norm', () => {
    const m = buildMatrix([summary('uz-cert', 'UZ', { a: 'implemented' }), summary('kz-cert', 'KZ', { a: 'in_progress', k: 'implemented' }), summary('kz-mfa', 'KZ', {})]);
    expect(m.norms).toEqual([...NORM_IDS]);
    expect(m.rows.map((r) => r.node_id)).toEqual(['kz-cert', 'kz-mfa', 'uz-cert']);
    expect(m.rows[0]!.statuses[0]).toBe('in_progress');
    expect(m.rows[0]!.statuses[10]).toBe('implemented');
    expect(m.rows[1]!.statuses.every((s) => s === 'not_started')).toBe(true);
    expect(m.totals.a).toEqual({ not_started: 1, in_progress: 1, implemented: 1 });
    expect(m.totals.b).toEqual({ not_started: 3, in_progress: 0, implemented: 0 });
  });

  it('diffs two versions norm by norm: status, texts and links; unchanged norms left out', () => {
    const v1 = report();
    const v2 = report({
      version: 2,
      summary: 'Second report',
      norms: completeEntries([
        { ...emptyEntry('c'), status: 'implemented', measures: 'Law on ICT', links: [{ url: 'https://lex.example/2' }] },
        { ...emptyEntry('g'), status: 'in_progress', legislation: 'Decree 12' },
      ]),
    });
    const d = diffReports(v1, v2);
    expect(d).toMatchObject({ node_id: 'uz-cert', from: 1, to: 2, summary_changed: true });
    expect(d.norms).toEqual([
      { norm: 'c', changed: ['links'], status: { from: 'implemented', to: 'implemented' }, links_added: ['https://lex.example/2'], links_removed: ['https://lex.example/1'] },
      { norm: 'g', changed: ['status', 'legislation'], status: { from: 'not_started', to: 'in_progress' }, links_added: [], links_removed: [] },
    ]);
    expect(diffReports(v1, { ...v1, version: 3 }).norms).toEqual([]);
  });

  it('owes each version to the current members of its groups that lack it, never to itself', () => {
    const members = new Map([
      ['g1', ['uz-cert', 'kz-cert', 'tj-cert']],
      ['g2', ['uz-cert', 'kg-cert']],
    ]);
    const delivered = new Set([deliveryKey(1, 'kz-cert')]);
    expect(deliveriesDue([{ version: 2, groups: ['g1', 'g2'] }, { version: 1, groups: ['g1'] }], members, delivered, 'uz-cert')).toEqual([
      { version: 1, peer: 'tj-cert' },
      { version: 2, peer: 'kg-cert' },
      { version: 2, peer: 'kz-cert' },
      { version: 2, peer: 'tj-cert' },
    ]);
    // A group this node no longer sees as active (absent from the map) is owed nothing.
    expect(deliveriesDue([{ version: 1, groups: ['gone'] }], members, new Set(), 'uz-cert')).toEqual([]);
  });

  it('refuses a received report about another node, of another country, with a repeated norm or published after it was sent', () => {
    const at = { from: 'uz-cert', peerCountry: 'UZ', issuedAt: '2026-12-01T10:00:01.000Z', skewMs: 60_000 };
    expect(reportProblem(report(), at)).toBeNull();
    expect(reportProblem(report({ node_id: 'kz-cert' }), at)).toMatch(/another node/);
    expect(reportProblem(report({ country: 'KZ' }), at)).toMatch(/pinned with country UZ/);
    expect(reportProblem(report({ norms: [...report().norms.slice(0, 10), report().norms[0]!] }), at)).toMatch(/twice/);
    expect(reportProblem(report({ published_at: '2026-12-01T11:00:00.000Z' }), at)).toMatch(/after/);
    expect(reportProblem(report({ published_at: '2026-12-01 10:00:00' }), at)).toMatch(/ISO 8601/);
  });

  it('sees a re-send of the same version as the same, and a changed body as different', () => {
    expect(sameVersion(report(), report({ groups: ['g1', 'g2'] }))).toBe(true);
    expect(sameVersion(report(), report({ summary: 'changed' }))).toBe(false);
    expect(statusesOf(report()).c).toBe('implemented');
  });
});
