import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/crypto/canonical.js';
import { keysWithValidity } from '../../src/evidence/bundle/bundle.export.js';
import type { BundleReport } from '../../src/evidence/bundle/bundle.format.js';
import { nodeCrypto } from '../../src/evidence/bundle/bundle.node.js';
import { nobleCrypto, verifyBundle } from '../../src/evidence/bundle/bundle.verify.js';
import { makeIdentity } from '../federation/_inbox.js';
import { bundleOf, caseEvent, flipByte, memberBytes, membersOf, removeMember, resignManifest, rewrite, sha256, syntheticCase } from './_bundle.js';

/** Verifies in chunks of an awkward size, with the pure-JavaScript primitives the browser uses. */
function verify(bundle: Buffer, opts: Parameters<typeof verifyBundle>[1] = {}): Promise<BundleReport> {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bundle.length; i += 7919) chunks.push(bundle.subarray(i, i + 7919));
  return verifyBundle(chunks, { crypto: nobleCrypto, ...opts });
}

const codes = (r: BundleReport) => r.problems.map((p) => p.code);
const problem = (r: BundleReport, code: string) => r.problems.find((p) => p.code === code);

describe('case bundle verifier (synthetic bundles, real Ed25519 keys)', () => {
  it('verifies a whole bundle and counts what it checked, with noble and with node:crypto alike', async () => {
    const s = syntheticCase();
    const bundle = await bundleOf(s.content, s.a);
    expect(membersOf(bundle).map((m) => m.path).slice(0, 3)).toEqual(['manifest.json', 'manifest.sig', expect.stringMatching(/^events\/0001-/)]);
    let progress = 0;
    const r = await verify(bundle, { onProgress: (n) => (progress = n) });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, case_id: s.caseId, exported_by: 'uz-cert', exporter_fingerprint: s.a.fingerprint, attachments_included: true });
    expect(r.checked).toMatchObject({ events: 3, receipts: 2, custody_entries: 3, attachments: 2, keys: 2, members: 2 + 3 + 2 + 3 + 2 });
    // manifest + 3 events + 2 receipts + 3 custody entries
    expect(r.checked.signatures).toBe(1 + 3 + 2 + 3);
    expect(progress).toBe(bundle.length);
    const fast = await verifyBundle([bundle], { crypto: nodeCrypto });
    expect(fast.ok).toBe(true);
  });

  it('a bundle with hashes only lists the files and carries none', async () => {
    const s = syntheticCase();
    const bundle = await bundleOf({ ...s.content, attachmentsIncluded: false }, s.a);
    expect(membersOf(bundle).some((m) => m.path.startsWith('attachments/'))).toBe(false);
    const r = await verify(bundle);
    expect(r.problems).toEqual([]);
    expect(r.attachments_included).toBe(false);
    expect(JSON.parse(memberBytes(bundle, 'manifest.json').toString()).attachments).toHaveLength(2);
  });

  it('names a flipped byte in an attachment', async () => {
    const s = syntheticCase();
    const { bundle, path } = flipByte(await bundleOf(s.content, s.a), /^attachments\//);
    const r = await verify(bundle);
    expect(r.ok).toBe(false);
    expect(problem(r, 'member_hash_mismatch')).toMatchObject({ path });
    expect(problem(r, 'attachment_hash_mismatch')).toMatchObject({ path });
  });

  it('names a flipped byte in an event', async () => {
    const s = syntheticCase();
    const { bundle, path } = flipByte(await bundleOf(s.content, s.a), /^events\/0001-/, 'Ransomware');
    const r = await verify(bundle);
    expect(problem(r, 'member_hash_mismatch')).toMatchObject({ path });
    expect(problem(r, 'event_signature_invalid')).toMatchObject({ path, event_id: s.content.events[0]!.body && (s.content.events[0]!.body as { event_id: string }).event_id, node_id: 'uz-cert' });
    // The receipt's digest of the opening no longer matches the altered envelope.
    expect(problem(r, 'receipt_digest_mismatch')?.message).toContain(path);
  });

  it('names a flipped byte in a receipt', async () => {
    const s = syntheticCase();
    const { bundle, path } = flipByte(await bundleOf(s.content, s.a), /^receipts\//, 'accepted');
    const r = await verify(bundle);
    expect(problem(r, 'member_hash_mismatch')).toMatchObject({ path });
    expect(problem(r, 'receipt_signature_invalid')).toMatchObject({ path, node_id: 'kz-cert' });
  });

  it('names a flipped byte in a custody entry, and the entry after it', async () => {
    const s = syntheticCase();
    const { bundle, path } = flipByte(await bundleOf(s.content, s.a), 'custody/0002.json', 'upload');
    const r = await verify(bundle);
    expect(path).toBe('custody/0002.json');
    expect(problem(r, 'member_hash_mismatch')).toMatchObject({ path });
    expect(problem(r, 'custody_signature_invalid')).toMatchObject({ path, seq: 2 });
    expect(problem(r, 'custody_prev_mismatch')).toMatchObject({ path: 'custody/0003.json', seq: 3 });
  });

  it('names a removed event, and the event that saw it', async () => {
    const s = syntheticCase();
    const { bundle, path } = removeMember(await bundleOf(s.content, s.a), /^events\/0002-/);
    const r = await verify(bundle);
    expect(problem(r, 'member_missing')).toMatchObject({ path });
    expect(problem(r, 'event_seen_missing')).toMatchObject({ path: expect.stringMatching(/^events\/0003-/), node_id: 'kz-cert' });
  });

  it('names a removed event even when the exporter re-signed a manifest without it', async () => {
    const s = syntheticCase();
    const full = await bundleOf(s.content, s.a);
    const { bundle: cut, path } = removeMember(full, /^events\/0001-/);
    const bundle = await resignManifest(cut, s.a, (m) => void (m.members = m.members.filter((x) => x.path !== path)));
    const r = await verify(bundle);
    expect(codes(r)).toEqual(expect.arrayContaining(['opening_missing', 'event_seen_missing']));
    expect(problem(r, 'event_seen_missing')).toMatchObject({ path: expect.stringMatching(/^events\/0002-/) });
    expect(r.problems.some((p) => p.code.startsWith('manifest'))).toBe(false);
  });

  it('names a key swapped under a node\'s fingerprint in the manifest', async () => {
    const s = syntheticCase();
    const other = makeIdentity('kz-cert');
    const bundle = await resignManifest(await bundleOf(s.content, s.a), s.a, (m) => {
      m.keys.find((k) => k.node_id === 'kz-cert')!.public_key = other.publicKeyRaw;
    });
    const r = await verify(bundle);
    expect(problem(r, 'key_fingerprint_mismatch')).toMatchObject({ path: 'manifest.json', node_id: 'kz-cert', fingerprint: s.b.fingerprint });
    expect(problem(r, 'event_signature_invalid')).toMatchObject({ node_id: 'kz-cert', path: expect.stringMatching(/^events\/0002-/) });
    expect(problem(r, 'receipt_signature_invalid')).toMatchObject({ node_id: 'kz-cert' });
  });

  it('names an event signed by a key not valid at its time (after its retirement, or before its start)', async () => {
    const s = syntheticCase();
    const newB = makeIdentity('kz-cert');
    const retiredAt = '2026-11-20T08:03:00.000Z';
    // kz-cert rotated at 08:03: its old key signed the acknowledgement at 08:05, after it was retired.
    const keys = [
      ...keysWithValidity('uz-cert', { public_key: s.a.publicKeyRaw, fingerprint: s.a.fingerprint }, []),
      ...keysWithValidity('kz-cert', { public_key: newB.publicKeyRaw, fingerprint: newB.fingerprint }, [{ public_key: s.b.publicKeyRaw, fingerprint: s.b.fingerprint, retired_at: retiredAt }]),
    ];
    const early = caseEvent(newB, 'uz-cert', s.caseId, '2026-11-20T08:02:00.000Z', { action: 'message', text: 'signed with the new key before it was in force' });
    const bundle = await bundleOf({ ...s.content, keys, events: [...s.content.events, early], receipts: [] }, s.a);
    const r = await verify(bundle);
    const late = r.problems.filter((p) => p.code === 'key_not_valid_at_time');
    expect(late).toHaveLength(2);
    expect(late[0]).toMatchObject({ path: expect.stringMatching(/^events\/0002-/), node_id: 'kz-cert', fingerprint: s.b.fingerprint });
    expect(late[0]!.message).toContain(retiredAt);
    expect(late[1]).toMatchObject({ path: expect.stringMatching(/^events\/0004-/), fingerprint: newB.fingerprint });
  });

  it('names an event signed by a key the manifest does not list', async () => {
    const s = syntheticCase();
    const stranger = makeIdentity('kz-cert');
    const forged = caseEvent(stranger, 'uz-cert', s.caseId, '2026-11-20T08:20:00.000Z', { action: 'close' });
    const r = await verify(await bundleOf({ ...s.content, events: [...s.content.events, forged] }, s.a));
    expect(problem(r, 'key_unknown')).toMatchObject({ path: expect.stringMatching(/^events\/0004-/), fingerprint: stranger.fingerprint });
  });

  it('names a member missing: a custody entry, an attachment', async () => {
    const s = syntheticCase();
    const full = await bundleOf(s.content, s.a);
    const r1 = await verify(removeMember(full, 'custody/0001.json').bundle);
    expect(problem(r1, 'member_missing')).toMatchObject({ path: 'custody/0001.json' });
    expect(problem(r1, 'custody_seq_gap')).toMatchObject({ path: 'custody/0002.json' });
    const { bundle, path } = removeMember(full, /^attachments\//);
    const r2 = await verify(bundle);
    expect(problem(r2, 'member_missing')).toMatchObject({ path });
    expect(problem(r2, 'attachment_missing')).toMatchObject({ path });
  });

  it('names a custody entry dropped from the middle of the chain under a re-signed manifest', async () => {
    const s = syntheticCase();
    const cut = removeMember(await bundleOf(s.content, s.a), 'custody/0002.json').bundle;
    const r = await verify(await resignManifest(cut, s.a, (m) => void (m.members = m.members.filter((x) => x.path !== 'custody/0002.json'))));
    expect(problem(r, 'custody_seq_gap')).toMatchObject({ path: 'custody/0003.json', seq: 3 });
    expect(problem(r, 'custody_seq_gap')!.message).toContain('custody entry 2 is missing');
  });

  it('names an altered manifest', async () => {
    const s = syntheticCase();
    const full = await bundleOf(s.content, s.a);
    const altered = await rewrite(full, (path, bytes) => {
      if (path !== 'manifest.json') return bytes;
      const m = JSON.parse(bytes.toString());
      m.created_at = '2026-11-21T00:00:00.000Z';
      return Buffer.from(canonicalJson(m));
    });
    const r = await verify(altered);
    expect(problem(r, 'manifest_signature_invalid')).toMatchObject({ path: 'manifest.sig', node_id: 'uz-cert' });
    // Re-signed by anyone but the exporting node, the manifest names a key the exporter does not hold.
    const byOther = await resignManifest(full, makeIdentity('uz-cert'), () => undefined);
    expect(codes(await verify(byOther))).toContain('key_unknown');
    const fp = s.a.fingerprint.replace(/(.{4})/g, '$1 ');
    expect((await verify(full, { expectFingerprint: fp })).ok).toBe(true);
    const other = makeIdentity('xx');
    expect(problem(await verify(full, { expectFingerprint: other.fingerprint }), 'exporter_not_trusted')).toBeDefined();
  });

  it('names a member not in the manifest, a duplicated member, a manifest without signature', async () => {
    const s = syntheticCase();
    const full = await bundleOf(s.content, s.a);
    const r = await verify(await rewrite(full, (_p, b) => b, [{ path: 'events/0009-extra.json', bytes: Buffer.from('{}') }, { path: 'manifest.sig', bytes: Buffer.from('{}') }]));
    expect(problem(r, 'member_unexpected')).toMatchObject({ path: 'events/0009-extra.json' });
    expect(problem(r, 'member_duplicate')).toMatchObject({ path: 'manifest.sig' });
    expect(problem(r, 'event_invalid')).toMatchObject({ path: 'events/0009-extra.json' });
    const unsigned = await verify(removeMember(full, 'manifest.sig').bundle);
    expect(codes(unsigned)).toEqual(['manifest_signature_missing']);
  });

  it('names events of another case, by a third node, and a cycle of seen references', async () => {
    const s = syntheticCase();
    const third = makeIdentity('tj-cert');
    const elsewhere = caseEvent(s.a, 'kz-cert', 'not-this-case', '2026-11-20T08:30:00.000Z', { action: 'message', text: 'x' });
    const intruder = caseEvent(third, 'uz-cert', s.caseId, '2026-11-20T08:31:00.000Z', { action: 'message', text: 'y' });
    // Two events that each saw the other: x sees y's id fixed in advance.
    const yId = '0190c2d4-0000-7000-8000-000000000001';
    const x = caseEvent(s.a, 'kz-cert', s.caseId, '2026-11-20T08:32:00.000Z', { action: 'message', text: 'x', seen: [{ author: 'kz-cert', event_id: yId }] });
    const y = caseEvent(s.b, 'uz-cert', s.caseId, '2026-11-20T08:33:00.000Z', { action: 'message', text: 'y', event_id: yId, seen: [{ author: 'uz-cert', event_id: x.body.event_id }] });
    const keys = [...s.content.keys, ...keysWithValidity('tj-cert', { public_key: third.publicKeyRaw, fingerprint: third.fingerprint }, [])];
    const r = await verify(await bundleOf({ ...s.content, keys, events: [...s.content.events, elsewhere, intruder, x, y] }, s.a));
    expect(problem(r, 'event_wrong_case')).toMatchObject({ path: expect.stringMatching(/^events\/0004-/) });
    expect(problem(r, 'event_not_a_party')).toMatchObject({ path: expect.stringMatching(/^events\/0005-/), node_id: 'tj-cert' });
    expect(r.problems.filter((p) => p.code === 'event_cycle').map((p) => p.path).sort()).toEqual([expect.stringMatching(/^events\/0006-/), expect.stringMatching(/^events\/0007-/)]);
  });

  it('names a second opening and a receipt that names no event of the bundle', async () => {
    const s = syntheticCase();
    const reopen = caseEvent(s.a, 'kz-cert', s.caseId, '2026-11-20T08:40:00.000Z', { action: 'open', requested: 'kz-cert', request: {} });
    const r = await verify(await bundleOf({ ...s.content, events: [...s.content.events, reopen], receipts: [s.content.receipts[0]!, { ...(s.content.receipts[1] as object), batch_id: s.content.receipts[1]!.batch_id } as { batch_id: string }] }, s.a));
    expect(problem(r, 'opening_multiple')).toMatchObject({ path: expect.stringMatching(/^events\/0004-/) });
    const unrelated = (await import('../../src/federation/protocol/receipt.js')).signReceipt(s.b, { batch_id: '0190c2d4-0000-7000-8000-00000000000b', received_at: '2026-11-20T09:00:00.000Z', items: [{ message_id: 'elsewhere', digest: sha256('x'), status: 'accepted' }] });
    const r2 = await verify(await bundleOf({ ...s.content, receipts: [unrelated] }, s.a));
    expect(problem(r2, 'receipt_unrelated')).toMatchObject({ path: 'receipts/0190c2d4-0000-7000-8000-00000000000b.json', batch_id: unrelated.batch_id });
  });

  it('refuses what is not a bundle, a truncated one, and a manifest of another format', async () => {
    expect(codes(await verify(Buffer.from('not a tar archive at all'.repeat(40))))).toEqual(['not_a_bundle']);
    const s = syntheticCase();
    const full = await bundleOf(s.content, s.a);
    const cut = await verify(full.subarray(0, 5000));
    expect(codes(cut)).toEqual(['not_a_bundle']);
    expect(cut.problems[0]!.message).toContain('ends inside a member');
    const other = await rewrite(full, (p, b) => (p === 'manifest.json' ? Buffer.from(JSON.stringify({ ...JSON.parse(b.toString()), version: 9 })) : b));
    expect(codes(await verify(other))).toEqual(['unsupported_version']);
    expect(codes(await verify(removeMember(full, 'manifest.json').bundle))).toEqual(['manifest_missing']);
  });

  it('an export stops, naming the file, when a stored attachment is not the file its hash names', async () => {
    const s = syntheticCase();
    const bad = { ...s.content, openAttachment: async () => (await import('node:stream')).Readable.from([Buffer.from('something else')]) };
    await expect(bundleOf(bad, s.a)).rejects.toThrow(/attachment .* \(access\.log\): the stored file has SHA-256/);
  });
});
