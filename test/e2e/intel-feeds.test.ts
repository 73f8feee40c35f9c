import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../_util/node-process.js';
import { TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { IntelFeedsPage } from './page-models/intel-feeds-page.js';
import { IntelPages } from './page-models/intel-pages.js';

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

    const { page } = await fx.signInAsAdmin(fx.b);
    const feeds = new IntelFeedsPage(page);
    await feeds.open();
    await feeds.addFeed({ title: 'uz-cert TAXII', apiRoot: `${fx.a.url}/taxii2/api/`, collection: ALL_COLLECTION, token, marking: 'TLP:GREEN' });
    // The job reads a new feed at once; the list follows the run to its end.
    await expect.poll(() => feeds.counts('uz-cert TAXII'), { timeout: 30_000 }).toContain('2 stored');
    // Run now: nothing new, nothing repeated.
    await feeds.runNow('uz-cert TAXII');
    await expect.poll(() => feeds.row('uz-cert TAXII').locator('.hint').last().textContent(), { timeout: 30_000 }).toContain('Last run');
    expect(await feeds.counts('uz-cert TAXII')).toContain('2 stored, 0 already held, 0 refused, 1 given the default marking');
    expect(await feeds.row('uz-cert TAXII').getAttribute('data-error')).toBe('no');
    // The token is never shown back.
    expect(await page.content()).not.toContain(token);

    const intel = new IntelPages(page);
    await page.locator('nav.tabs a[data-tab="objects"]').click();
    await intel.row('Feed unmarked address').waitFor();
    expect(await intel.tlpOf(intel.row('Feed unmarked address'))).toBe('green');
    expect(await intel.tlpOf(intel.row('Feed clear address'))).toBe('clear');
    expect(fx.errors).toEqual([]);
  });
});
