import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../_util/node-process.js';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { SignInPage } from './page-models/sign-in-page.js';
import { IntelPages } from './page-models/intel-pages.js';

const POLL = { timeout: 30_000, interval: 250 };
const TLP = { green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1' };
const T = '2026-11-30T09:00:00.000Z';
const id = (type: string, n: number) => `${type}--${String(n).padStart(8, '0')}-5a1e-4b2c-8d3e-9f0a1b2c3d4e`;

const MALWARE = { type: 'malware', spec_version: '2.1', id: id('malware', 1), created: T, modified: T, name: 'BlackBasta loader', is_family: true, object_marking_refs: [TLP.amber] };
const INDICATOR = { type: 'indicator', spec_version: '2.1', id: id('indicator', 1), created: T, modified: T, name: 'Loader C2 address', pattern: "[ipv4-addr:value = '203.0.113.77']", pattern_type: 'stix', valid_from: T, object_marking_refs: [TLP.green] };
const USES = { type: 'relationship', spec_version: '2.1', id: id('relationship', 1), created: T, modified: T, relationship_type: 'indicates', source_ref: INDICATOR.id, target_ref: MALWARE.id, object_marking_refs: [TLP.green] };
const SECRET = { type: 'indicator', spec_version: '2.1', id: id('indicator', 2), created: T, modified: T, name: 'Informant-provided address', pattern: "[ipv4-addr:value = '198.51.100.9']", pattern_type: 'stix', valid_from: T, object_marking_refs: [TLP.red] };
const BROKEN = { type: 'indicator', spec_version: '2.1', id: id('indicator', 3), created: T, modified: T, pattern: '[ipv4-addr:value = ', pattern_type: 'stix', valid_from: T };

/** A bundle large enough that the upload takes a while: the named objects, then many filler indicators (GREEN). */
function writeBundle(): string {
  const filler = Array.from({ length: 20_000 }, (_, i) => ({ type: 'indicator', spec_version: '2.1', id: id('indicator', 1000 + i), created: T, modified: T, name: `Scanner ${i}`, pattern: `[ipv4-addr:value = '10.${(i >> 8) & 255}.${i & 255}.1']`, pattern_type: 'stix', valid_from: T, object_marking_refs: [TLP.green] }));
  const file = resolve(tmpdir(), `accord-e2e-bundle-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ type: 'bundle', id: 'bundle--6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b', objects: [MALWARE, INDICATOR, USES, SECRET, BROKEN, ...filler] }));
  return file;
}

describe('threat intelligence in the browser', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();

  it('A imports a bundle with progress, sees the objects with their markings and links, releases some to B; B sees them as received from A with their markings, the TLP:RED one only for its named recipients', async () => {
    const { page: pageA } = await fx.signInAsAdmin(fx.a);
    const intelA = new IntelPages(pageA);
    await intelA.open();
    await intelA.recordProgress();
    const result = await intelA.importBundle(writeBundle());
    expect(result).toBe('Read 20,005 objects: 20,004 stored, 0 already held, 1 refused.');
    // The progress bar showed the upload under way.
    expect((await intelA.progressSeen()).length).toBeGreaterThan(0);
    const refusal = pageA.getByTestId('import-result').locator('.intel-refusals > li');
    expect(await refusal.locator('strong').textContent()).toBe(`Object 4 (${BROKEN.id})`);
    await pageA.screenshot({ path: resolve(RESULTS, 'intel-a-imported.png'), fullPage: true });

    await intelA.search('loader');
    await expect.poll(() => intelA.row('BlackBasta loader').count(), POLL).toBe(1);
    expect(await intelA.tlpOf(intelA.row('BlackBasta loader'))).toBe('amber');
    expect(await intelA.tlpOf(intelA.row('Loader C2 address'))).toBe('green');

    // The indicator's page: its marking, where it came from, and its link to the malware drawn in the graph.
    await intelA.row('Loader C2 address').getByRole('link').click();
    await pageA.getByRole('heading', { level: 1, name: 'Loader C2 address' }).waitFor();
    expect(await pageA.getByTestId('object-origin').textContent()).toBe('This node');
    await pageA.getByTestId('object-graph').waitFor();
    expect(await pageA.getByTestId('object-json').textContent()).toContain("[ipv4-addr:value = '203.0.113.77']");
    await intelA.open();
    await intelA.search('loader');
    await intelA.row('BlackBasta loader').waitFor();

    // The Export link downloads the bundle of the list's filters; the malware's page lists the indicator pointing at it.
    const href = await pageA.locator('[data-action="intel-export"]').getAttribute('href');
    expect(href).toBe('/api/v1/intel/export?q=loader');
    const exported = await pageA.evaluate(async (url) => (await fetch(url)).json() as Promise<{ type: string; objects: { id: string }[] }>, href!);
    expect(exported.type).toBe('bundle');
    // The list's objects, closed by the marking definitions they reference.
    expect(exported.objects.map((o) => o.id).sort()).toEqual([INDICATOR.id, MALWARE.id, TLP.green, TLP.amber].sort());
    await intelA.row('BlackBasta loader').getByRole('link').click();
    const incoming = pageA.getByTestId('object-incoming').locator('li', { hasText: 'indicates' });
    await expect.poll(() => incoming.textContent(), POLL).toContain('Loader C2 address');
    expect(await incoming.getAttribute('data-id')).toBe(USES.id);
    await pageA.screenshot({ path: resolve(RESULTS, 'intel-a-incoming.png'), fullPage: true });
    await intelA.open();
    await intelA.search('loader');
    await intelA.row('BlackBasta loader').waitFor();

    // A releases four objects to kz-cert by name: the release names the peer, so even the TLP:RED one may go.
    await intelA.openReleases();
    await intelA.releaseToPeer('Loader campaign', 'kz-cert', [MALWARE.id, INDICATOR.id, USES.id, SECRET.id]);
    const release = pageA.getByTestId('intel-releases').locator('tbody tr', { hasText: 'Loader campaign' });
    await expect.poll(() => release.locator('[data-peer="kz-cert"]').textContent(), POLL).toMatch(/: 4 sent, 0 withheld$/);
    await pageA.screenshot({ path: resolve(RESULTS, 'intel-a-released.png'), fullPage: true });

    // B's admin (a named recipient of TLP:RED there) finds them, received from uz-cert, under their markings.
    const { page: pageB } = await fx.signInAsAdmin(fx.b);
    const intelB = new IntelPages(pageB);
    await intelB.open();
    await expect
      .poll(async () => {
        await intelB.search('loader');
        return intelB.row('BlackBasta loader').count();
      }, POLL)
      .toBe(1);
    expect(await intelB.tlpOf(intelB.row('BlackBasta loader'))).toBe('amber');
    expect(await intelB.row('BlackBasta loader').locator('td').nth(3).textContent()).toBe('Received from uz-cert');
    expect(await intelB.tlpOf(intelB.row('Loader C2 address'))).toBe('green');
    await intelB.search('informant');
    await expect.poll(() => intelB.row('Informant-provided address').count(), POLL).toBe(1);
    expect(await intelB.tlpOf(intelB.row('Informant-provided address'))).toBe('red');
    await intelB.openReleases();
    const received = pageB.getByTestId('intel-received').locator('tbody tr', { hasText: 'Loader campaign' });
    await expect.poll(() => received.locator('td').nth(2).textContent(), POLL).toMatch(/^4 stored, 0 refused/);
    await pageB.screenshot({ path: resolve(RESULTS, 'intel-b-received.png'), fullPage: true });
    expect(fx.errors).toEqual([]);
  });

  it("B's analyst sees the received AMBER and GREEN objects but not the TLP:RED one", async () => {
    const analyst = { email: 'analyst@kz-cert.example', password: 'analyst password long enough 1' };
    const added = runCli(['user', 'add', '--data', fx.b.dataDir, '--email', analyst.email, '--name', 'Analyst', '--role', 'analyst', '--password-stdin'], { input: `${analyst.password}\n` });
    expect(added.status, added.stderr).toBe(0);
    const page = await fx.newPage();
    const signIn = new SignInPage(page);
    await signIn.goto(fx.b.url);
    await signIn.signIn(analyst.email, analyst.password);
    const intel = new IntelPages(page);
    await intel.open();
    await intel.search('loader');
    await intel.row('BlackBasta loader').waitFor();
    expect(await intel.tlpOf(intel.row('BlackBasta loader'))).toBe('amber');
    await intel.search('informant');
    await page.getByText('No objects match.').waitFor();
    // Nor by its address: the object's page answers as for an object that does not exist.
    await page.goto(`${fx.b.url}/intelligence/objects/${SECRET.id}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('heading', { level: 1, name: 'Informant-provided address' }).count()).toBe(0);
    // An analyst may not release.
    await intel.open();
    await intel.openReleases();
    expect(await page.locator('section.intel-release-form').count()).toBe(0);
    expect(fx.errors.filter((e) => !/404/.test(e))).toEqual([]);
  });

  it("A's analyst sees A's release without the TLP:RED object it names, and never that object", async () => {
    const analyst = { email: 'analyst@uz-cert.example', password: 'analyst password long enough 2' };
    const added = runCli(['user', 'add', '--data', fx.a.dataDir, '--email', analyst.email, '--name', 'Analyst', '--role', 'analyst', '--password-stdin'], { input: `${analyst.password}\n` });
    expect(added.status, added.stderr).toBe(0);
    const page = await fx.newPage();
    const signIn = new SignInPage(page);
    await signIn.goto(fx.a.url);
    await signIn.signIn(analyst.email, analyst.password);
    const intel = new IntelPages(page);
    await intel.open();
    await intel.search('informant');
    await page.getByText('No objects match.').waitFor();
    await intel.openReleases();
    // The release names four objects by id; the analyst is told of the three within reach.
    await page.getByTestId('intel-releases').locator('tbody tr', { hasText: 'Loader campaign' }).filter({ hasText: '3 objects by id' }).waitFor();
    const html = await page.content();
    expect([html.includes(SECRET.id), html.includes('Informant-provided address')]).toEqual([false, false]);
    expect(fx.errors.filter((e) => !/404/.test(e))).toEqual([]);
  });
});
