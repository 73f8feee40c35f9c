import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../_util/node-process.js';
import { TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { IntelFeedsPage } from './page-models/intel-feeds-page.js';
import { IntelPages } from './page-models/intel-pages.js';

type Catalogue = { [key: string]: string | Catalogue };
const catalogue = (lang: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, '../../web/src/i18n/locales', `${lang}.json`), 'utf8')) as Catalogue;
/** The catalogue's texts under one key, by their key paths. */
function texts(c: Catalogue, path: string[]): Map<string, string> {
  const at = path.reduce<Catalogue>((x, k) => x[k] as Catalogue, c);
  const out = new Map<string, string>();
  const walk = (x: Catalogue, p: string) => Object.entries(x).forEach(([k, v]) => (typeof v === 'string' ? out.set(`${p}${k}`, v) : walk(v, `${p}${k}.`)));
  walk(at, `${path.join('.')}.`);
  return out;
}

const ALL_COLLECTION = '3c1f7d0e-2b9a-4c55-8e61-5f0d6b7a9c21';
const CLEAR = 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487';
const T = '2026-11-30T09:00:00.000Z';
const indicator = (n: number, name: string, marking?: string) => ({
  type: 'indicator', spec_version: '2.1', id: `indicator--${String(n).padStart(8, '0')}-7f00-4a00-8b00-1234567890ab`, created: T, modified: T, name, pattern: `[ipv4-addr:value = '203.0.113.${n}']`, pattern_type: 'stix', valid_from: T, ...(marking ? { object_marking_refs: [marking] } : {}),
});

describe('TAXII feeds in the browser', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();

  it("B's administrator follows A's TAXII collection: runs it now, sees the counts, and the objects arrive as received with the default marking when they had none", async () => {
    const file = resolve(tmpdir(), `accord-e2e-feed-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ type: 'bundle', id: 'bundle--0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b', objects: [indicator(1, 'Feed unmarked address'), indicator(2, 'Feed clear address', CLEAR)] }));
    expect(runCli(['intel', 'import', file, '--data', fx.a.dataDir, '--no-progress']).status).toBe(0);
    const token = runCliJson<{ token: string }>(['token', 'create', '--data', fx.a.dataDir, '--user', fx.a.adminEmail, '--name', 'feed for kz-cert']).token;

    const { page, shell } = await fx.signInAsAdmin(fx.b);
    const feeds = new IntelFeedsPage(page);
    await feeds.open();
    await feeds.addFeed({ title: 'uz-cert TAXII', apiRoot: `${fx.a.url}/taxii2/api/`, collection: ALL_COLLECTION, token, marking: 'TLP:GREEN' });
    // The job reads a new feed at once; the list follows the run to its end.
    await expect.poll(() => feeds.counts('uz-cert TAXII'), { timeout: 30_000 }).toContain('2 stored');
    // Run now: nothing new; the two of the instant the last walk ended at are read again, only counted as held (not marked again).
    await feeds.runNow('uz-cert TAXII');
    await expect.poll(() => feeds.counts('uz-cert TAXII'), { timeout: 30_000 }).toContain('2 already held');
    expect(await feeds.counts('uz-cert TAXII')).toContain('2 stored, 2 already held, 0 refused, 1 given the default marking');
    expect(await feeds.row('uz-cert TAXII').getAttribute('data-error')).toBe('no');
    // The token is never shown back.
    expect(await page.content()).not.toContain(token);

    // The Feeds tab in Russian and Uzbek: every text of it translated, no key and no English text left.
    const en = texts(catalogue('en'), ['intel', 'feeds']);
    for (const lang of ['ru', 'uz'] as const) {
      const theirs = texts(catalogue(lang), ['intel', 'feeds']);
      await shell.selectLanguage(lang);
      await page.getByRole('heading', { level: 2, name: theirs.get('intel.feeds.title') }).waitFor();
      const shown = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      expect(shown).not.toMatch(/\bintel\.feeds\.\w+/);
      expect(await feeds.counts('uz-cert TAXII')).toBe(theirs.get('intel.feeds.counts')!.replace(/\{\{(\w+)\}\}/g, (_, k: string) => ({ stored: '2', duplicates: '2', refused: '0', marked: '1', pages: '2' })[k] ?? k));
      const english = [...en].filter(([k, v]) => theirs.get(k) !== v).flatMap(([, v]) => v.split(/\{\{\w+\}\}/)).map((f) => f.trim()).filter((f) => f.length >= 8);
      expect(english.length, 'the check has English texts to look for').toBeGreaterThan(20);
      expect(english.filter((f) => shown.includes(f)), `English left on the ${lang} Feeds tab`).toEqual([]);
    }
    await shell.selectLanguage('en');

    const intel = new IntelPages(page);
    await page.locator('nav.tabs a[data-tab="objects"]').click();
    await intel.row('Feed unmarked address').waitFor();
    expect(await intel.tlpOf(intel.row('Feed unmarked address'))).toBe('green');
    expect(await intel.tlpOf(intel.row('Feed clear address'))).toBe('clear');
    expect(fx.errors).toEqual([]);
  });
});
