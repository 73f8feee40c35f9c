import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseEventType } from '../../src/cases/cases.messages.js';
import type { CaseEventBody } from '../../src/cases/cases.schemas.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import { newId } from '../../src/util/ids.js';
import { createTestNode, type TestNode } from '../_util/node.js';
import { addPeerRow } from '../desk/_fixtures.js';
import { PRESERVATION } from './_cases.js';

/**
 * Two batches of one sender applied at once on PostgreSQL (its delivery window): the second
 * holds a later event of the case the first one opens. Each statement reads what was committed
 * when it began, so the second batch may read the cases it holds before the first commits and
 * count the sender's releases after: the case's opening has arrived, yet the case was not
 * read. The event must be taken, not refused for good (bench/cases-events.js lost one so).
 */
describe('a later event of a case whose opening commits while its batch is applied (postgres)', () => {
  let node: TestNode;
  const me = 'test-node';
  const peer = 'kz-cert';

  beforeAll(async () => {
    node = await createTestNode('postgres', { requireAdminTotp: false });
    await addPeerRow(node.ctx, peer);
  });
  afterAll(async () => {
    await node?.close();
  });

  const envelope = (seq: number, body: CaseEventBody): Envelope<CaseEventBody> => ({ v: 1, id: newId(), from: peer, to: [me], type: CaseEventType.type, issued_at: body.created_at, seq, body, sig: { suite: 'ed25519', key: 'k', value: 'v' } });
  /** Stores the batch's inbox rows and applies it, as the inbox does, in one transaction. */
  const apply = (db: TestNode['ctx']['store']['db'], es: Envelope<CaseEventBody>[]) =>
    db.transaction().execute(async (trx) => {
      await trx
        .insertInto('inbox')
        .values(es.map((e) => ({ id: e.id, from_node: e.from, seq: e.seq!, type: e.type, envelope: JSON.stringify(e), digest: e.id, received_at: new Date().toISOString(), batch_id: newId() })))
        .execute();
      return CaseEventType.handleMany(trx, es, node.ctx);
    });

  it('reads the case again once the releases below the event are all here, and takes the event', async () => {
    const caseId = newId();
    const at = new Date().toISOString();
    const opening = envelope(1, { event_id: newId(), case_id: caseId, created_at: at, seen: [], action: 'open', requested: me, request: PRESERVATION });
    const message = envelope(2, { event_id: newId(), case_id: caseId, created_at: at, seen: [{ author: peer, event_id: opening.body.event_id }], action: 'message', text: 'Any news?' } as CaseEventBody);

    // The second batch's first read of the case list returns what it read, but only once the first batch has committed.
    let listRead: string | undefined;
    let firstBatch: Promise<unknown> | undefined;
    const plugin: KyselyPlugin = {
      transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
        const n = args.node;
        if (!listRead && n.kind === 'SelectQueryNode' && JSON.stringify(n.from).includes('"cases"')) listRead = args.queryId.queryId;
        return n;
      },
      async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
        if (args.queryId.queryId === listRead && !firstBatch) await (firstBatch = apply(node.ctx.store.db, [opening]));
        return args.result;
      },
    };
    const refused = await apply(node.ctx.store.db.withPlugin(plugin), [message]);
    expect(firstBatch, 'the first batch ran in between').toBeDefined();
    expect(await firstBatch).toEqual(new Map());
    expect(refused).toEqual(new Map());
    const row = await node.ctx.store.db.selectFrom('cases').select(['events', 'status']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
    expect(Number(row.events)).toBe(2);
  });
});
