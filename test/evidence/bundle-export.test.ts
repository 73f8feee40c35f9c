import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCase } from '../../src/cases/cases.service.js';
import { CaseEventType } from '../../src/cases/cases.messages.js';
import type { CaseEventBody } from '../../src/cases/cases.schemas.js';
import { exportCaseBundle } from '../../src/evidence/bundle/bundle.export.js';
import type { BundleManifest } from '../../src/evidence/bundle/bundle.format.js';
import { verifyBundleFile } from '../../src/evidence/bundle/bundle.node.js';
import { custodyLog } from '../../src/evidence/evidence.service.js';
import { rotateNodeKey } from '../../src/federation/key-rotation.service.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import type { NodeIdentity } from '../../src/node/identity.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { caseEnvelope, pinPeer, PRESERVATION } from '../cases/_cases.js';
import { makeIdentity } from '../federation/_inbox.js';
import { bytes, tus } from './_evidence.js';
import { flipByte, memberBytes, membersOf } from './_bundle.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A case the peer kz-cert opened with this node (uz-cert), acknowledged here, with a file uploaded; exported and verified in the process. */
describe.each(DIALECTS)('case bundle export with attachments and custody (%s)', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  let peer: NodeIdentity;
  let caseId: string;
  let officer: string;
  let data: Buffer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-bundle-export-'));
    node = await createTestNode(dialect, { requireAdminTotp: false, loginRatePerMinute: 10_000 }, 'uz-cert');
    peer = makeIdentity('kz-cert');
    await pinPeer(node.ctx.store.db, peer);
    app = await buildTestApp(node.ctx);
    officer = (await buildUser(node.ctx, 'officer')).token;
    const open = caseEnvelope(peer, 'uz-cert', { action: 'open', requested: 'uz-cert', request: PRESERVATION, case_id: '0190c2d4-aaaa-7000-8000-000000000001' });
    caseId = (open.body as CaseEventBody).case_id;
    await node.ctx.store.db.transaction().execute((trx) => CaseEventType.handleMany(trx, [open as Envelope<CaseEventBody>], node.ctx));
    await actOnCase(node.ctx, { ref: 'cli' }, caseId, { action: 'acknowledge' });
    data = bytes(3 * 1024 * 1024 + 17, 3);
    await tus(app, officer).upload(caseId, data, 1024 * 1024, { filename: 'c2-logs.bin', type: 'application/octet-stream' });
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function exportTo(name: string, opts: Parameters<typeof exportCaseBundle>[4] = {}): Promise<string> {
    const file = join(dir, name);
    await exportCaseBundle(node.ctx, { ref: 'cli' }, caseId, createWriteStream(file), opts);
    return file;
  }

  it('carries the events, the file and its custody log, and verifies', async () => {
    const file = await exportTo('full.accord-bundle');
    const r = await verifyBundleFile(file);
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, case_id: caseId, exported_by: 'uz-cert', attachments_included: true });
    expect(r.checked).toMatchObject({ events: 2, attachments: 1 });
    const bundle = readFileSync(file);
    expect(memberBytes(bundle, `attachments/${sha(data)}`).equals(data)).toBe(true);
    const manifest = JSON.parse(memberBytes(bundle, 'manifest.json').toString()) as BundleManifest;
    expect(manifest.attachments).toEqual([expect.objectContaining({ sha256: sha(data), name: 'c2-logs.bin', size: data.length, included: true })]);
    expect(manifest.keys.map((k) => k.node_id).sort()).toEqual(['kz-cert', 'uz-cert']);
    // The export is in the custody log it carries: upload, then export.
    const actions = membersOf(bundle).filter((m) => m.path.startsWith('custody/')).map((m) => JSON.parse(memberBytes(bundle, m.path).toString()).body.action);
    expect(actions).toEqual(['upload', 'export']);
    expect(r.checked.custody_entries).toBe(2);
  });

  it('with hashes only, carries no content and records that only the hash went out', async () => {
    const file = await exportTo('hashes.accord-bundle', { hashesOnly: true });
    const r = await verifyBundleFile(file);
    expect(r.problems).toEqual([]);
    expect(r.attachments_included).toBe(false);
    expect(membersOf(readFileSync(file)).some((m) => m.path.startsWith('attachments/'))).toBe(false);
    const last = (await custodyLog(node.ctx.store.db, caseId)).at(-1)!;
    expect(last.body).toMatchObject({ action: 'export', sha256: sha(data), details: { bundle: true, content: false } });
  });

  it('names a flipped byte in the attachment and in a custody entry of a real bundle', async () => {
    const bundle = readFileSync(await exportTo('t.accord-bundle'));
    const a = flipByte(bundle, /^attachments\//);
    writeFileSync(join(dir, 'a.accord-bundle'), a.bundle);
    const ra = await verifyBundleFile(join(dir, 'a.accord-bundle'));
    expect(ra.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'attachment_hash_mismatch', path: a.path })]));
    const c = flipByte(bundle, 'custody/0001.json', 'upload');
    writeFileSync(join(dir, 'c.accord-bundle'), c.bundle);
    const rc = await verifyBundleFile(join(dir, 'c.accord-bundle'));
    expect(rc.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'custody_signature_invalid', path: 'custody/0001.json', seq: 1 }), expect.objectContaining({ code: 'custody_prev_mismatch', seq: 2 })]));
  });

  it('after this node rotated its key, carries both keys with their periods, and its events verify under each', async () => {
    const old = node.ctx.identity.fingerprint;
    await rotateNodeKey(node.ctx, { ref: 'cli' });
    await actOnCase(node.ctx, { ref: 'cli' }, caseId, { action: 'message', text: 'Signed with the new key.' });
    const file = await exportTo('rotated.accord-bundle', { hashesOnly: true });
    const r = await verifyBundleFile(file);
    expect(r.problems).toEqual([]);
    expect(r.exporter_fingerprint).toBe(node.ctx.identity.fingerprint);
    const keys = (JSON.parse(memberBytes(readFileSync(file), 'manifest.json').toString()) as BundleManifest).keys.filter((k) => k.node_id === 'uz-cert');
    expect(keys).toEqual([
      expect.objectContaining({ fingerprint: old, valid_from: null, valid_until: expect.any(String) }),
      expect.objectContaining({ fingerprint: node.ctx.identity.fingerprint, valid_from: keys[0]!.valid_until, valid_until: null }),
    ]);
  });

  it('an auditor gets the content only where the node allows it', async () => {
    await expect(exportTo('auditor.accord-bundle', { role: 'auditor' })).rejects.toThrow(/auditors/);
    const file = await exportTo('auditor-hashes.accord-bundle', { role: 'auditor', hashesOnly: true });
    expect((await verifyBundleFile(file)).ok).toBe(true);
  });
});
