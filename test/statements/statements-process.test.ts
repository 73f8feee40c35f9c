import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStatementDocument } from '../../src/statements/statements.rules.js';
import { DIALECTS } from '../_util/db.js';
import type { NodeProcess } from '../_util/node-process.js';
import { startPeeredNodes } from '../_util/peered-nodes.js';
import type { Api } from '../cases/_cases.js';
import { waitFor } from '../federation/_federation.js';

interface Amendment { id: string; author: string; status: string; accepts: string[] }
interface Statement {
  id: string;
  digest: string;
  status: string;
  texts: Record<string, string>;
  needed: number;
  parties: string[];
  amendments: Amendment[];
  adopted_digest: string | null;
  consents: Record<string, string[]>;
  signatures: { node: string; key: string; value: string }[];
  i_must_sign: boolean;
}
interface Group { id: string; status: string; members: string[]; proposals: { id: string; status: string }[] }

const TEXTS = { en: 'The parties shall exchange contacts of their 24/7 points of contact.', ru: 'Стороны обмениваются контактами своих круглосуточных пунктов связи.' };
const RU1 = 'Стороны обмениваются контактами своих круглосуточных пунктов связи не позднее 30 дней.';
const AGREEMENT = { title: 'SCO', instrument: 'SCO Agreement of 16 June 2009', channels: ['federation'], request_types: ['*'], languages: ['ru'], confidentiality: '' };

/** What every member must agree on: the statement as folded from the same events. */
const comparable = (s: Statement) => ({
  digest: s.digest,
  status: s.status,
  texts: s.texts,
  parties: s.parties,
  adopted_digest: s.adopted_digest,
  amendments: s.amendments.map((a) => [a.id, a.author, a.status, [...a.accepts].sort()]),
  signatures: s.signatures.map((x) => [x.node, x.key, x.value]).sort(),
});

/**
 * Three real node processes in a group whose charter quorum is two of three: an agreement drafted
 * on uz-cert in English and Russian, amended on kz-cert and applied once uz-cert accepted it,
 * adopted by two while tj-cert is down, signed by every party once tj-cert is back and has caught
 * up; the co-signed document fetched from tj-cert verifies.
 */
describe.each(DIALECTS)('a joint statement across three node processes on %s', (dialect) => {
  let a: NodeProcess, b: NodeProcess, c: NodeProcess;
  let api: Record<string, Api>;
  let cleanup: () => Promise<void>;
  let groupId = '';
  let id = '';

  // Through the API: a CLI process per poll costs seconds on a loaded machine.
  const statement = async (n: NodeProcess) => {
    const r = await api[n.nodeId]!('GET', `/api/v1/statements/${id}`);
    return r.status === 200 ? (r.json as Statement) : undefined;
  };
  const group = async (n: NodeProcess) => {
    const r = await api[n.nodeId]!('GET', `/api/v1/groups/${groupId}`);
    return r.status === 200 ? (r.json as Group) : undefined;
  };
  const everywhere = (what: string, nodes: NodeProcess[], pred: (s: Statement) => boolean, timeoutMs?: number) =>
    Promise.all(nodes.map((n) => waitFor(`${what} on ${n.nodeId}`, async () => { const s = await statement(n); return s && pred(s) ? s : undefined; }, timeoutMs)));

  beforeAll(async () => {
    const started = await startPeeredNodes(dialect, ['uz-cert', 'kz-cert', 'tj-cert']);
    cleanup = started.cleanup;
    api = started.api;
    [a, b, c] = started.nodes as [NodeProcess, NodeProcess, NodeProcess];
  }, 240_000);
  afterAll(async () => {
    await cleanup?.();
  });

  it('forms a group of three whose charter quorum is two, and drafts an agreement on uz-cert that reaches the others', async () => {
    const created = await api['uz-cert']!('POST', '/api/v1/groups', { name: 'SCO CERTs', level: 'regional', agreement: AGREEMENT, charter: { quorum: { kind: 'at_least', n: 2 } }, members: ['kz-cert', 'tj-cert'] });
    expect(created.status).toBe(201);
    groupId = created.json.id;
    const proposal = (created.json as Group).proposals[0]!.id;
    for (const n of [b, c]) {
      await waitFor(`invitation on ${n.nodeId}`, () => group(n));
      expect((await api[n.nodeId]!('POST', `/api/v1/groups/${groupId}/proposals/${proposal}/consent`)).status).toBe(200);
    }
    await waitFor('group active with three members everywhere', async () => (await Promise.all([a, b, c].map(group))).every((g) => g?.status === 'active' && g.members.length === 3));

    const r = await api['uz-cert']!('POST', '/api/v1/statements', { group_id: groupId, kind: 'agreement', title: 'Соглашение о пунктах связи 24/7', texts: TEXTS });
    expect(r.status).toBe(201);
    id = r.json.id;
    expect(r.json).toMatchObject({ status: 'drafting', needed: 2, texts: TEXTS });
    const views = await everywhere('the draft', [b, c], (s) => s.digest === r.json.digest);
    for (const v of views) expect(v).toMatchObject({ status: 'drafting', texts: TEXTS, needed: 2 });
  });

  it('applies kz-cert’s amendment once uz-cert accepted it (two of three), on every node', async () => {
    const d0 = (await statement(b))!.digest;
    const amended = await api['kz-cert']!('POST', `/api/v1/statements/${id}/amendments`, { base_digest: d0, texts: { ru: RU1 } });
    expect(amended.status).toBe(201);
    const aid = amended.json.amendment_id as string;
    expect(amended.json.amendments.find((x: Amendment) => x.id === aid)).toMatchObject({ status: 'open', accepts: ['kz-cert'] });
    await waitFor('the amendment on uz-cert', async () => (await statement(a))?.amendments.some((x) => x.id === aid));
    const accepted = await api['uz-cert']!('POST', `/api/v1/statements/${id}/amendments/${aid}/answer`, { answer: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.json.amendments.find((x: Amendment) => x.id === aid)).toMatchObject({ status: 'accepted' });
    expect(accepted.json.texts).toEqual({ ...TEXTS, ru: RU1 });
    const d1 = accepted.json.digest as string;
    expect(d1).not.toBe(d0);
    await everywhere('the amended version', [b, c], (s) => s.digest === d1 && s.amendments.find((x) => x.id === aid)?.status === 'accepted');
    // tj-cert did not need to answer: its answer now is too late.
    expect((await api['tj-cert']!('POST', `/api/v1/statements/${id}/amendments/${aid}/answer`, { answer: 'refuse', reason: 'late' })).status).toBe(409);
  });

  it('adopts by two while tj-cert is down; each party signs, tj-cert after it came back and caught up', async () => {
    await c.stop();
    const d1 = (await statement(a))!.digest;
    const proposed = await api['uz-cert']!('POST', `/api/v1/statements/${id}/adoption`, { digest: d1 });
    expect(proposed.status).toBe(200);
    expect(proposed.json).toMatchObject({ status: 'drafting', consents: { [d1]: ['uz-cert'] } });
    await waitFor('the adoption proposal on kz-cert', async () => (await statement(b))?.consents[d1]?.includes('uz-cert'));
    const consented = await api['kz-cert']!('POST', `/api/v1/statements/${id}/adoption`, { digest: d1 });
    expect(consented.status).toBe(200);
    expect(consented.json).toMatchObject({ status: 'adopted', adopted_digest: d1, parties: ['kz-cert', 'tj-cert', 'uz-cert'], i_must_sign: true });
    await everywhere('adopted', [a], (s) => s.status === 'adopted');
    for (const n of [a, b]) expect((await api[n.nodeId]!('POST', `/api/v1/statements/${id}/signature`)).status).toBe(200);
    await everywhere('two signatures', [a, b], (s) => s.signatures.length === 2);

    await c.restart();
    const caughtUp = (await everywhere('adopted and signed by two, after the restart', [c], (s) => s.status === 'adopted' && s.signatures.length === 2, 90_000))[0]!;
    expect(caughtUp).toMatchObject({ adopted_digest: d1, i_must_sign: true, texts: { ...TEXTS, ru: RU1 } });
    expect((await api['tj-cert']!('POST', `/api/v1/statements/${id}/signature`)).status).toBe(200);

    const views = await everywhere('three signatures', [a, b, c], (s) => s.signatures.length === 3);
    for (const v of views) expect(v).toMatchObject({ status: 'adopted', digest: d1, adopted_digest: d1 });
    expect(comparable(views[1]!)).toEqual(comparable(views[0]!));
    expect(comparable(views[2]!)).toEqual(comparable(views[0]!));
    expect(views[0]!.signatures.map((x) => x.node).sort()).toEqual(['kz-cert', 'tj-cert', 'uz-cert']);
    expect(views[0]!.signatures.find((x) => x.node === 'tj-cert')!.key).toBe(c.fingerprint);
  }, 180_000);

  it('gives from tj-cert a co-signed document that verifies offline and on the node, and fails once a text is altered', async () => {
    const doc = await api['tj-cert']!('GET', `/api/v1/statements/${id}/document`);
    expect(doc.status).toBe(200);
    expect(doc.json).toMatchObject({ format: 'accord.statement-document/v1', texts: { ...TEXTS, ru: RU1 }, parties: ['kz-cert', 'tj-cert', 'uz-cert'] });
    const offline = verifyStatementDocument(doc.json);
    expect(offline).toMatchObject({ valid: true, complete: true, languages: ['en', 'ru'], problems: [] });
    expect(offline.signed_by.sort()).toEqual(['kz-cert', 'tj-cert', 'uz-cert']);
    const online = await api['tj-cert']!('GET', `/api/v1/statements/${id}/verify`);
    expect(online.json).toMatchObject({ valid: true, complete: true, problems: [] });
    const altered = verifyStatementDocument({ ...doc.json, texts: { ...doc.json.texts, en: `${TEXTS.en} ` } });
    expect(altered.valid).toBe(false);
    expect(altered.problems).toEqual([expect.objectContaining({ part: 'texts.en', problem: 'altered' })]);
  });
});
