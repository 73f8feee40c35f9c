import type { IncomingMessage } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { actorOf } from '../auth/access.js';
import { problemResponses } from '../http/schemas.js';
import { pingPeer, requestCatchUp, sendNotice } from './federation.service.js';
import { AppError, InvalidInputError } from '../errors.js';
import { BatchRefusedError, checkBatchHeader, receiveBatch, SENDER_HEADER, SMALL_BATCH_BYTES, verifyBatchText, type BatchHeader, type SignedBatchText } from './inbox.service.js';
import { RejectReason } from './protocol/receipt.js';
import { MAX_JSON_DEPTH, readBatchFrame, scanBatchText } from './protocol/batch-scan.js';
import { AddressBudget } from './delivery.rules.js';
import { BodyArena, bodyEnds, joinBody, readBodyChunks } from './inbox-body.js';
import { InboxLane } from './inbox-lane.js';
import { addPeer, listPeers, retryPeerNow, setPeerStatus } from './peers.service.js';
import { describeSelf } from './protocol/node-description.js';
import type { MessageTypeRegistry } from './protocol/message-types.js';
import { BatchSchema, NodeDescriptionSchema, ReceiptSchema } from './protocol/schemas.js';

const PeerParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 63 }) }, { additionalProperties: false });
const PeerStateSchema = Type.Object({
  node_id: Type.String(),
  base_url: Type.String(),
  country: Type.String(),
  names: Type.Record(Type.String(), Type.String()),
  authority_kinds: Type.Array(Type.String()),
  key_suite: Type.String(),
  fingerprint: Type.String(),
  status: Type.String(),
  added_at: Type.String(),
  last_contact_at: Type.Union([Type.String(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  last_error_at: Type.Union([Type.String(), Type.Null()]),
  failures: Type.Integer(),
  next_attempt_at: Type.Union([Type.String(), Type.Null()]),
  queue_length: Type.Optional(Type.Integer()),
  oldest_undelivered_at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  reachable: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
});

const CUT_OFF_PAUSE_MS = 250;
/** How much of each end of a large body the header is looked for in: far more than a header takes. */
const HEADER_EDGE_BYTES = 256 * 1024;
/** How long the inbox keeps its buffer for large bodies of unproven sources after the last one. */
const ARENA_IDLE_MS = 60_000;

/** The node-to-node protocol (public, authenticated by signatures) and the admin API for peers. */
export function registerFederationRoutes(app: TypedApp, ctx: NodeContext, registry: MessageTypeRegistry, onQueued: () => void): void {
  app.get(
    '/federation/v1/node',
    { config: { access: { public: true } }, schema: { tags: ['federation'], summary: 'This node, self-signed: id, names, public key', response: { 200: NodeDescriptionSchema } } },
    async () => describeSelf(ctx.identity),
  );

  // The inbox parses its own JSON, and only once it knows who sent it: the batch header is read
  // from both ends of the raw text (the body is not even passed through), so that a stranger,
  // a replay or a batch for another node is refused at once; then the batch signature is
  // verified over the text as sent; only then is the body scanned for depth and parsed. A
  // source address whose batches are refused is cut off before its bodies are read, and the
  // large bodies of addresses that have not delivered lately are read one at a time (InboxLane).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const budget = new AddressBudget(ctx.settings.inboxRatePerMinute);
  const lane = new InboxLane(SMALL_BATCH_BYTES, 1, 30_000, 3_600_000, 100 * 1024, ctx.settings.inboxReadGraceMs, ctx.settings.inboxMinReadBytesPerSecond);
  const signedTexts = new WeakMap<object, SignedBatchText>();
  const bytesRead = new WeakMap<object, number>();
  const namedSenders = new WeakMap<object, string>();
  const deposits = new WeakMap<object, number>();
  const turns = new WeakMap<object, { open: boolean; deadline?: NodeJS.Timeout }>();
  const arena = new BodyArena(ctx.settings.federationBodyLimitBytes, ARENA_IDLE_MS);
  void app.register(async (plain) => {
    const inbox = plain.withTypeProvider<TypeBoxTypeProvider>();
    inbox.removeContentTypeParser('application/json');
    inbox.addContentTypeParser('application/json', async (_req: FastifyRequest, payload: IncomingMessage) => {
      const read = await readBodyChunks(payload, ctx.settings.federationBodyLimitBytes, Number(_req.headers['content-length']));
      bytesRead.set(_req, read.bytes);
      // The body has arrived: its reading deadline no longer applies.
      clearTimeout(turns.get(_req)?.deadline);
      // A large batch is judged by its header, read from its two ends, before it is joined.
      if (read.bytes > SMALL_BATCH_BYTES) await refuseByHeader(ctx, bodyEnds(read, HEADER_EDGE_BYTES), namedSenders.get(_req));
      // A large body of an unproven source (it holds the lane) is joined into the arena.
      const into = turns.has(_req) ? arena.take() : null;
      try {
        return await parseBatch(_req, await joinBody(read, into));
      } finally {
        if (into) arena.release();
      }
    });
    const parseBatch = async (_req: FastifyRequest, buf: Buffer): Promise<unknown> => {
      const frame = readBatchFrame(buf);
      let scanned = false;
      let header: BatchHeader;
      if (frame) header = headerOf(frame.header);
      else {
        // Not shaped like a batch: one pass over the whole text.
        const scan = scanBatchText(buf);
        if (scan.tooDeep) throw new InvalidInputError(`the body nests deeper than ${MAX_JSON_DEPTH} levels`);
        scanned = true;
        header = headerOf(scan.header);
      }
      if (typeof header.from !== 'string') throw new InvalidInputError('the batch names no sender (from)');
      checkNamedSender(header, namedSenders.get(_req));
      const peer = (await checkBatchHeader(ctx, header))!;
      const sig = header.sig as { key?: unknown; value?: unknown } | null;
      const key = sig?.key;
      if (typeof key === 'string' && key !== peer.fingerprint) {
        // A key other than the pinned one is acceptable only if a rotation inside names it: not
        // when its fingerprint appears nowhere but in the header, nor in a batch larger than a
        // rotation travels in (it goes alone).
        if (buf.length > SMALL_BATCH_BYTES || buf.indexOf(`"${key}"`) === buf.lastIndexOf(`"${key}"`)) {
          throw new BatchRefusedError(401, RejectReason.wrongKey, 'signed with a key other than the pinned one');
        }
      }
      let signed: SignedBatchText | null = null;
      if (frame?.sigCut && key === peer.fingerprint) signed = await verifyBatchText(peer, buf, frame.sigCut, sig);
      // A batch sent in another form than its canonical text is canonicalised to check its
      // signature, which takes parsing it first: only a small one.
      if (!signed && buf.length > SMALL_BATCH_BYTES) throw new BatchRefusedError(401, RejectReason.badSignature, 'the batch signature does not verify over its text as sent');
      if (!scanned && scanBatchText(buf).tooDeep) throw new InvalidInputError(`the body nests deeper than ${MAX_JSON_DEPTH} levels`);
      const body = await new Promise<unknown>((resolve, reject) => parseJson(_req as never, buf.toString('utf8'), (err, b) => (err ? reject(err) : resolve(b))));
      if (signed && body !== null && typeof body === 'object') signedTexts.set(body, signed);
      return body;
    };
    inbox.post(
      '/federation/v1/inbox',
      {
        // Each message is judged on its own, also for text a node cannot store (protocol §4).
        config: { access: { public: true }, ownTextChecks: true },
        bodyLimit: ctx.settings.federationBodyLimitBytes,
        // Before the body is read. The answer comes after a pause, and the connection is closed
        // so that the body is not read either: a source that was cut off cannot make the node
        // answer it as fast as it can ask.
        onRequest: async (req, reply) => {
          const declared = Number(req.headers['content-length']) || 0;
          const deposit = budget.take(req.ip, declared);
          if (deposit !== null) {
            deposits.set(req, deposit);
            // A body of unknown length counts as large.
            if (!lane.mustWait(req.ip, req.headers['content-length'] === undefined ? Infinity : declared)) return;
            // Who sends it is known before a byte of the body is read: a stranger, or a source
            // that does not say, is answered at once and its body never read.
            const named = req.headers[SENDER_HEADER];
            try {
              if (typeof named !== 'string' || named === '') throw new BatchRefusedError(403, RejectReason.unknownSender, `a large batch from an address that has not delivered lately names its sender in the ${SENDER_HEADER} header`);
              await checkBatchHeader(ctx, { from: named } as BatchHeader);
            } catch (e) {
              void reply.header('connection', 'close');
              throw e;
            }
            namedSenders.set(req, named);
            if (!(await lane.enter())) {
              void reply.header('connection', 'close');
              throw new AppError(503, 'inbox-busy', 'Busy', 'large batches from unproven sources are read one at a time and none could be read in time; retry later');
            }
            // The turn ends with the answer, or when the connection closes without one; a body
            // that has not arrived by its deadline is dropped with its connection, which ends it.
            const bytes = req.headers['content-length'] === undefined ? ctx.settings.federationBodyLimitBytes : declared;
            const turn: { open: boolean; deadline?: NodeJS.Timeout } = { open: true };
            turn.deadline = setTimeout(() => {
              req.log.warn({ ip: req.ip, bytes }, 'inbox: a large body did not arrive in time; its connection is closed');
              req.raw.destroy();
            }, lane.readDeadlineMs(bytes));
            turns.set(req, turn);
            reply.raw.once('close', () => {
              clearTimeout(turn.deadline);
              if (turn.open) lane.leave();
              turn.open = false;
            });
            return;
          }
          await new Promise((r) => setTimeout(r, CUT_OFF_PAUSE_MS));
          void reply.header('connection', 'close');
          throw new AppError(429, 'rate-limited', 'Too many requests', 'too many requests or refused batches from this address; retry later');
        },
        onResponse: async (req, reply) => {
          const deposit = deposits.get(req);
          if (deposit !== undefined) budget.settle(req.ip, reply.statusCode === 200, Math.max(Number(req.headers['content-length']) || 0, bytesRead.get(req) ?? 0), deposit);
          if (reply.statusCode === 200) lane.prove(req.ip);
          const turn = turns.get(req);
          clearTimeout(turn?.deadline);
          if (turn?.open) {
            turn.open = false;
            // A refused body keeps the lane a while longer, so that refused bodies take a bounded
            // share of the node's time however fast they come.
            lane.leave(reply.statusCode === 200 ? 0 : lane.pauseAfterRefusal(bytesRead.get(req) ?? 0));
          }
        },
        schema: {
          tags: ['federation'],
          summary: 'Deliver a signed batch of signed messages; answers with a signed receipt, or a problem when the batch is refused as a whole',
          body: BatchSchema,
          response: { 200: ReceiptSchema, ...problemResponses, 413: problemResponses[400], 422: problemResponses[400], 429: problemResponses[400], 503: problemResponses[400] },
        },
      },
      async (req, reply) => {
        const r = await receiveBatch(ctx, registry, req.body, { signedText: signedTexts.get(req.body) });
        // Canonical JSON is JSON of the receipt schema; a string goes out without re-serialising.
        return reply.status(200).type('application/json; charset=utf-8').send(r.text);
      },
    );
  });

  const read = { access: { permission: 'peers:read' as const } };
  const write = { access: { permission: 'peers:write' as const } };

  app.get('/api/v1/peers', { config: read, schema: { tags: ['peers'], summary: 'Peers with reachability, queue length and last error', response: { 200: Type.Array(PeerStateSchema), ...problemResponses } } }, () => listPeers(ctx));

  app.post(
    '/api/v1/peers',
    {
      config: write,
      schema: {
        tags: ['peers'],
        summary: "Add a peer by URL and the key fingerprint its operators read out",
        body: Type.Object({ url: Type.String({ minLength: 8, maxLength: 500 }), fingerprint: Type.String({ minLength: 64, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 201: PeerStateSchema, 502: problemResponses[400], ...problemResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await addPeer(ctx, actorOf(req), req.body)),
  );

  for (const [action, status] of [['suspend', 'suspended'], ['resume', 'active']] as const) {
    app.post(
      `/api/v1/peers/:id/${action}`,
      { config: write, schema: { tags: ['peers'], summary: `${action[0]!.toUpperCase()}${action.slice(1)} a peer`, params: PeerParams, response: { 200: PeerStateSchema, ...problemResponses } } },
      (req) => setPeerStatus(ctx, actorOf(req), req.params.id, status),
    );
  }

  app.delete(
    '/api/v1/peers/:id',
    { config: write, schema: { tags: ['peers'], summary: "Remove a peer: its messages are refused from now on", params: PeerParams, response: { 200: PeerStateSchema, ...problemResponses } } },
    (req) => setPeerStatus(ctx, actorOf(req), req.params.id, 'removed'),
  );

  app.post(
    '/api/v1/peers/:id/retry',
    { config: write, schema: { tags: ['peers'], summary: 'Retry delivery now', params: PeerParams, response: { 200: PeerStateSchema, ...problemResponses } } },
    async (req) => {
      const p = await retryPeerNow(ctx, actorOf(req), req.params.id);
      onQueued();
      return p;
    },
  );

  app.post(
    '/api/v1/peers/:id/ping',
    { config: write, schema: { tags: ['peers'], summary: 'Send a signed ping; returns round-trip time and the signed receipt', params: PeerParams, response: { 200: Type.Object({ peer: Type.String(), rtt_ms: Type.Number(), receipt: ReceiptSchema }), 502: problemResponses[400], ...problemResponses } } },
    (req) => pingPeer(ctx, req.params.id),
  );

  app.post(
    '/api/v1/peers/:id/catch-up',
    { config: write, schema: { tags: ['peers'], summary: 'Ask the peer for everything after our last contiguous release number', params: PeerParams, response: { 200: Type.Object({ after_seq: Type.Integer() }), ...problemResponses } } },
    async (req) => {
      const r = await requestCatchUp(ctx, actorOf(req), req.params.id);
      onQueued();
      return r;
    },
  );

  app.post(
    '/api/v1/peers/:id/notices',
    {
      config: write,
      schema: {
        tags: ['peers'],
        summary: 'Queue a signed notice for the peer',
        params: PeerParams,
        body: Type.Object({ subject: Type.String({ minLength: 1, maxLength: 200 }), text: Type.String({ maxLength: 10_000 }) }, { additionalProperties: false }),
        response: { 202: Type.Object({ message_ids: Type.Array(Type.String()) }), ...problemResponses },
      },
    },
    async (req, reply) => {
      const ids = await sendNotice(ctx, actorOf(req), req.params.id, req.body.subject, req.body.text);
      onQueued();
      return reply.status(202).send({ message_ids: ids });
    },
  );
}

/** The header members the scan found, parsed; one that is not JSON is left out (the parser then reports it). */
/**
 * Refuses a large batch on its header alone, as the whole body would be refused: a stranger,
 * a suspended or retired sender, another recipient, a stale or replayed batch, or a key other
 * than the pinned one (a rotation travels in a small batch). `ends` holds the body's two ends
 * (bodyEnds); when the header cannot be read from them, the whole body is judged as usual.
 */
async function refuseByHeader(ctx: NodeContext, ends: Buffer, named: string | undefined): Promise<void> {
  const frame = readBatchFrame(ends);
  if (!frame) return;
  const header = headerOf(frame.header);
  if (typeof header.from !== 'string') return;
  checkNamedSender(header, named);
  const peer = (await checkBatchHeader(ctx, header))!;
  const key = (header.sig as { key?: unknown } | null)?.key;
  if (typeof key === 'string' && key !== peer.fingerprint) throw new BatchRefusedError(401, RejectReason.wrongKey, 'signed with a key other than the pinned one');
}

/** A body read because its request named a peer (SENDER_HEADER) is that peer's batch, or refused. */
function checkNamedSender(header: BatchHeader, named: string | undefined): void {
  if (named !== undefined && header.from !== named) throw new BatchRefusedError(403, RejectReason.unknownSender, `the batch is from ${String(header.from).slice(0, 80)}, not from ${named.slice(0, 80)} as its request said`);
}

function headerOf(texts: Record<string, string>): BatchHeader {
  const h: Record<string, unknown> = {};
  for (const k of ['id', 'from', 'to', 'issued_at', 'sig'] as const) {
    if (texts[k] === undefined) continue;
    try {
      h[k] = JSON.parse(texts[k]);
    } catch {
      // malformed: JSON.parse of the whole body says where
    }
  }
  return h;
}
