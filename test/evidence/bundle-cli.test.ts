import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleReport } from '../../src/evidence/bundle/bundle.format.js';
import { fingerprintOf, rawPublicKey, type NodeIdentity } from '../../src/node/identity.js';
import { act, adminToken, apiOf, caseWhen, PRESERVATION, sendRequest } from '../cases/_cases.js';
import { useTwoNodes } from '../federation/_federation.js';
import { makeIdentity } from '../federation/_inbox.js';
import { DIALECTS } from '../_util/db.js';
import type { Dialect } from '../../src/store/db.js';
import { runCli, type NodeProcess } from '../_util/node-process.js';
import { bundleOf, flipByte, memberBytes, membersOf, removeMember, resignManifest, syntheticCase } from './_bundle.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Writes bytes to a fresh file and runs `accord bundle verify` on it. */
function verifyFile(bytes: Buffer, extra: string[] = []): { status: number; stdout: string; stderr: string } {
  const file = join(dir, `t${++n}.accord-bundle`);
  writeFileSync(file, bytes);
  return runCli(['bundle', 'verify', file, ...extra]);
}

function jsonReport(bytes: Buffer): BundleReport {
  const r = verifyFile(bytes, ['--json']);
  expect(r.status).toBe(1);
  return JSON.parse(r.stdout) as BundleReport;
}

/** The node's identity from its key file, as a test that holds the node's folder could rebuild it (a dishonest exporter). */
function identityOf(node: NodeProcess): NodeIdentity {
  const privateKey = createPrivateKey(readFileSync(join(node.dataDir, 'keys', 'node-ed25519.pem')));
  const publicKey = createPublicKey(privateKey);
  return { ...makeIdentity(node.nodeId), privateKey, publicKey, publicKeyRaw: rawPublicKey(publicKey).toString('base64url'), fingerprint: fingerprintOf(publicKey) };
}

/** A real case on two node processes: exported on both and verified; the tampering, which does not depend on the database, on the first dialect only. */
function realCaseSuite(dialect: Dialect, tampering: boolean): void {
  const fx = useTwoNodes(dialect);
  let caseId: string;
  let bundleA: Buffer;

  beforeAll(async () => {
    const a = apiOf(fx.a, adminToken(fx.a));
    const b = apiOf(fx.b, adminToken(fx.b));
    caseId = await sendRequest(a, fx.b.nodeId, PRESERVATION);
    await caseWhen(b, caseId, 'the case on B');
    await act(b, caseId, { action: 'acknowledge' });
    await act(b, caseId, { action: 'preserve', until: '2027-06-01' });
    await caseWhen(a, caseId, 'preserved on A', (c) => c.status === 'preserved');
    await act(a, caseId, { action: 'message', text: 'Thank you; the MLA request follows.' });
    // Every event of each side is receipted by the other, and each side holds all four.
    const receipted = (c: { history: { author: string; delivery: { receipt: unknown } | null }[] }, me: string) => c.history.length === 4 && c.history.filter((h) => h.author === me).every((h) => h.delivery?.receipt);
    await caseWhen(a, caseId, 'receipts on A', (c) => receipted(c, fx.a.nodeId));
    await caseWhen(b, caseId, 'receipts on B', (c) => receipted(c, fx.b.nodeId));
  });

  it('exports on either node a bundle that verifies offline', () => {
    for (const node of [fx.a, fx.b]) {
      const file = join(dir, `${caseId}-${node.nodeId}.accord-bundle`);
      const ex = runCli(['case', 'export', caseId, '--bundle', file, '--data', node.dataDir, '--json']);
      expect(ex.status, ex.stderr).toBe(0);
      expect(JSON.parse(ex.stdout)).toMatchObject({ file, case_id: caseId, fingerprint: node.fingerprint, attachments_included: true });
      const v = runCli(['bundle', 'verify', file, '--expect-fingerprint', node.fingerprint]);
      expect(v.stderr).toBe('');
      expect(v.stdout).toContain(`${file}: VERIFIED`);
      // The receipts of both sides: the peer's for this node's events, and this node's own for the peer's.
      expect(v.stdout).toMatch(/4 events, [2-4] receipts, 0 custody entries/);
      expect(v.status).toBe(0);
      const bundle = readFileSync(file);
      const receipts = membersOf(bundle).filter((m) => m.path.startsWith('receipts/')).map((m) => JSON.parse(memberBytes(bundle, m.path).toString()) as { by: string; items: { message_id: string }[] });
      expect(new Set(receipts.map((r) => r.by))).toEqual(new Set([fx.a.nodeId, fx.b.nodeId]));
      const json = JSON.parse(runCli(['bundle', 'verify', file, '--json']).stdout) as BundleReport;
      expect(json).toMatchObject({ ok: true, case_id: caseId, exported_by: node.nodeId, exporter_fingerprint: node.fingerprint, problems: [] });
      if (node === fx.a) bundleA = readFileSync(file);
    }
    // The JSON export is still there without --bundle.
    const plain = runCli(['case', 'export', caseId, '--data', fx.a.dataDir]);
    expect(plain.status, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ format: 'accord.case-export/v1', events: expect.any(Array) });
    // Another node's fingerprint is not the exporter's.
    expect(runCli(['bundle', 'verify', join(dir, `${caseId}-${fx.a.nodeId}.accord-bundle`), '--expect-fingerprint', fx.b.fingerprint]).stdout).toContain('exporter_not_trusted');
  });

  if (!tampering) return;

  it('names a flipped byte in an event', () => {
    const { bundle, path } = flipByte(bundleA, /^events\/0001-/, 'Ransomware');
    const r = verifyFile(bundle);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`member_hash_mismatch  ${path}`));
    expect(r.stdout).toMatch(new RegExp(`event_signature_invalid  ${path}`));
  });

  it('names a flipped byte in a receipt', () => {
    const { bundle, path } = flipByte(bundleA, /^receipts\//, 'accepted');
    const r = verifyFile(bundle);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`receipt_signature_invalid  ${path}`));
  });

  it("names a flipped byte in a receipt the exporting node issued itself", () => {
    const own = membersOf(bundleA).find((m) => m.path.startsWith('receipts/') && (JSON.parse(memberBytes(bundleA, m.path).toString()) as { by: string }).by === fx.a.nodeId)!;
    expect(own).toBeDefined();
    const { bundle, path } = flipByte(bundleA, own.path, 'accepted');
    const r = verifyFile(bundle);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`member_hash_mismatch  ${path}`));
    expect(r.stdout).toMatch(new RegExp(`receipt_signature_invalid  ${path}`));
    const report = jsonReport(bundle);
    expect(report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'receipt_signature_invalid', path, node_id: fx.a.nodeId, batch_id: path.slice('receipts/'.length, -'.json'.length) })]));
  });

  it('names a removed event', () => {
    const { bundle, path } = removeMember(bundleA, /^events\/0002-/);
    const report = jsonReport(bundle);
    expect(report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'member_missing', path }), expect.objectContaining({ code: 'event_seen_missing' })]));
  });

  it('names a member missing', () => {
    const { bundle, path } = removeMember(bundleA, /^receipts\//);
    const r = verifyFile(bundle);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`member_missing  ${path}`);
  });

  it('names a key swapped in the manifest, even re-signed by the exporting node', async () => {
    const other = makeIdentity(fx.b.nodeId);
    const bundle = await resignManifest(bundleA, identityOf(fx.a), (m) => {
      m.keys.find((k) => k.node_id === fx.b.nodeId)!.public_key = other.publicKeyRaw;
    });
    const report = jsonReport(bundle);
    expect(report.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'key_fingerprint_mismatch', path: 'manifest.json', node_id: fx.b.nodeId }),
      expect.objectContaining({ code: 'event_signature_invalid', node_id: fx.b.nodeId }),
      expect.objectContaining({ code: 'receipt_signature_invalid', node_id: fx.b.nodeId }),
    ]));
  });

  it('names an altered manifest', async () => {
    const bundle = await resignManifest(bundleA, makeIdentity(fx.a.nodeId), (m) => void (m.created_at = '2026-01-01T00:00:00.000Z'));
    const r = verifyFile(bundle, ['--expect-fingerprint', fx.a.fingerprint]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('key_unknown  manifest.sig');
    expect(r.stdout).toContain('exporter_not_trusted  manifest.sig');
  });
}

for (const [i, dialect] of DIALECTS.entries()) describe(`case bundles of a real case between two node processes (${dialect})`, () => realCaseSuite(dialect, i === 0));

describe('accord bundle verify names tampered attachments and custody entries', () => {
  let full: Buffer;
  beforeAll(async () => {
    const s = syntheticCase();
    full = await bundleOf(s.content, s.a);
    expect(verifyFile(full).status).toBe(0);
  });

  it('a flipped byte in an attachment', () => {
    const { bundle, path } = flipByte(full, /^attachments\//);
    const r = verifyFile(bundle);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`attachment_hash_mismatch  ${path}`);
  });

  it('a flipped byte in a custody entry', () => {
    const { bundle } = flipByte(full, 'custody/0001.json', 'upload');
    const r = verifyFile(bundle);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('custody_signature_invalid  custody/0001.json');
    expect(r.stdout).toContain('custody_prev_mismatch  custody/0002.json');
  });

  it('a file that is not a bundle, and one that does not exist', () => {
    const r = verifyFile(Buffer.from('hello'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('not_a_bundle');
    const missing = runCli(['bundle', 'verify', join(dir, 'nope.accord-bundle')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});
