import { sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeIdentity } from '../../src/node/identity.js';
import { signableDocument, signedBytes } from '../../src/statements/statements.rules.js';
import { runCli } from '../_util/node-process.js';
import { plansNode, type PlansNode } from '../plans/_plans.js';

const TEXTS = { en: 'The parties shall cooperate on ICT security.', ru: 'Стороны сотрудничают в области безопасности ИКТ.' };

/**
 * `accord statement verify FILE` (the built CLI, a real process, no node) on the co-signed
 * document a real node serves: an agreement adopted by its group of three (uz-cert through the
 * API, kz-cert and tj-cert over the wire) and signed by every party.
 */
describe('accord statement verify', () => {
  let f: PlansNode;
  let dir = '';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document as served
  let doc: any;
  const file = (name: string, content: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return p;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-statement-'));
    f = await plansNode('sqlite');
    const made = await f.api('coordinator', 'POST', '/api/v1/statements', { group_id: f.groupId, kind: 'agreement', title: 'Соглашение о сотрудничестве', texts: TEXTS });
    expect(made.status).toBe(201);
    const s = made.json;
    const ids = { group_id: f.groupId, statement_id: s.id };
    await f.deliver(f.kz, [f.event(f.kz, 'statements.adoption/v1', { ...ids, digest: s.digest })]);
    expect((await f.api('admin', 'POST', `/api/v1/statements/${s.id}/adoption`, { digest: s.digest })).status).toBe(200);
    await f.deliver(f.tj, [f.event(f.tj, 'statements.consent/v1', { ...ids, digest: s.digest })]);
    expect((await f.api('coordinator', 'POST', `/api/v1/statements/${s.id}/signature`)).status).toBe(200);
    const signature = (who: NodeIdentity) =>
      f.event(who, 'statements.signature/v1', { ...ids, digest: s.digest, suite: 'ed25519', public_key: who.publicKeyRaw, key: who.fingerprint, value: sign(null, signedBytes(signableDocument(s)), who.privateKey).toString('base64url') });
    await f.deliver(f.kz, [signature(f.kz)]);
    await f.deliver(f.tj, [signature(f.tj)]);
    const res = await f.app.inject({ method: 'GET', url: `/api/v1/statements/${s.id}/document`, headers: f.headers.auditor });
    expect(res.statusCode).toBe(200);
    doc = res.json();
    expect(doc.signatures).toHaveLength(3);
  }, 60_000);
  afterAll(async () => {
    await f?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the document as served, printing each check, and exits 0', () => {
    const r = runCli(['statement', 'verify', file('good.json', doc)]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`statement ${doc.document.statement_id}`);
    expect(r.stdout).toMatch(/text en: matches its hash/);
    expect(r.stdout).toMatch(/text ru: matches its hash/);
    expect(r.stdout).toMatch(/digest: [0-9a-f]{64} is the signed document's/);
    for (const n of ['uz-cert', 'kz-cert', 'tj-cert']) expect(r.stdout).toMatch(new RegExp(`signature ${n}: verifies`));
    expect(r.stdout).toMatch(/good\.json: VERIFIED, signed by every party \(uz-cert, kz-cert, tj-cert\)/);
    const json = runCli(['statement', 'verify', file('good.json', doc), '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, complete: true, languages: ['en', 'ru'], signed_by: ['uz-cert', 'kz-cert', 'tj-cert'], problems: [] });
  });

  it('names the language whose text hash was altered, and exits 1', () => {
    const altered = { ...doc, document: { ...doc.document, texts: { ...doc.document.texts, ru: 'f'.repeat(64) } } };
    const r = runCli(['statement', 'verify', file('altered.json', altered)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/text ru: ALTERED/);
    expect(r.stdout).toMatch(/text en: matches its hash/);
    expect(r.stdout).toMatch(/altered\.json: NOT VERIFIED/);
    const json = JSON.parse(runCli(['statement', 'verify', file('altered.json', altered), '--json']).stdout);
    expect(json.valid).toBe(false);
    // The altered hash changes the signed document: its digest and every signature no longer match either.
    expect(json.problems.map((p: { part: string }) => p.part)).toEqual(['texts.ru', 'digest', 'signatures.uz-cert', 'signatures.kz-cert', 'signatures.tj-cert']);
  });

  it('names the party whose signature was removed, and exits 1', () => {
    const removed = { ...doc, signatures: doc.signatures.filter((x: { node: string }) => x.node !== 'kz-cert') };
    const r = runCli(['statement', 'verify', file('removed.json', removed)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/party kz-cert: MISSING {2}kz-cert has not signed/);
    expect(r.stdout).toMatch(/removed\.json: NOT COMPLETE/);
    expect(r.stdout).not.toMatch(/signature kz-cert/);
    const json = runCli(['statement', 'verify', file('removed.json', removed), '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, complete: false, signed_by: ['uz-cert', 'tj-cert'], problems: [{ part: 'parties.kz-cert', problem: 'missing' }] });
  });

  it('refuses a file that is not JSON, one that is not a statement document, and a missing file', () => {
    const notJson = runCli(['statement', 'verify', file('notes.txt', 'Соглашение подписано всеми сторонами.\n')]);
    expect(notJson.status).toBe(1);
    expect(notJson.stdout).toBe('');
    expect(notJson.stderr).toMatch(/notes\.txt: not JSON .*expected a co-signed statement document/);
    const other = runCli(['statement', 'verify', file('other.json', { format: 'accord.case-bundle/v1' })]);
    expect(other.status).toBe(1);
    expect(other.stdout).toMatch(/document: MALFORMED {2}not an accord\.statement-document\/v1/);
    const missing = runCli(['statement', 'verify', join(dir, 'nothing.json')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/nothing\.json: no such file/);
  });
});
