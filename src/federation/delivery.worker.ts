import type { FastifyBaseLogger } from 'fastify';
import type { NodeContext } from '../context.js';
import { reloadIdentityIfChanged } from '../node/identity.js';
import { KEY_ROTATION_TYPE } from './keyring.js';
import { findPeer, updatePeer, type PeerRow } from './peers.repository.js';
import { applyReceipt, buildBatchText, postBatchText } from './transport.js';
import { DeliveryWindow, WakeSignal } from './delivery-window.js';
import { isPending, isPendingRotation } from './outbox.conditions.js';
import { backlogOf, sendsNow } from './delivery.rules.js';
import { SerialPass } from '../util/serial-pass.js';
import { backoffMs } from '../util/backoff.js';
import { countDeliveryFailure, countSent } from '../http/metrics.js';
import { HOST, newWorkerId } from '../util/ids.js';

// A lease lasts 15 s and is renewed every 5 s while the worker delivers, so a worker that
// died (kill -9, power cut) blocks its peers for at most 15 s; one restarted on the same host
// frees its dead predecessor's leases at once.
const LEASE_MS = 15_000;
const RENEW_MS = 5_000;
// While a loop delivers, the peer's row (its status) and pending key rotations are looked up
// again at most this often, and at once when this process's key changed: not per batch.
const RECHECK_MS = 1_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DeliveryStats {
  delivered: number;
  rejected: number;
  failedAttempts: number;
}

/**
 * Delivers the outbox. One worker owns a peer at a time (a lease taken by compare-and-set on
 * the peer's row, safe across processes on one PostgreSQL) and sends its messages in release
 * order, with up to `deliveryWindow` batches in flight so that both sides work at once;
 * failures back off per peer with jitter. Nothing waits to fill a batch: a message goes at once
 * when nothing is in flight to its peer; otherwise it goes with what queued up by the time a
 * batch in flight settles, and only a backlog fills the other slots (sendsNow). At-least-once: a message is marked delivered only
 * after the peer's signed receipt names it.
 */
export class DeliveryWorker {
  /** `host:pid:random` — lets a restarted worker recognise leases of dead processes on its host. */
  readonly id = newWorkerId();
  readonly stats: DeliveryStats = { delivered: 0, rejected: 0, failedAttempts: 0 };
  private timer: NodeJS.Timeout | null = null;
  private readonly runner = new SerialPass(() => this.pass(), (err) => this.log?.error({ err }, 'delivery pass failed'));
  /** Fired when messages may have been queued: wakes delivery loops that wait with a free slot. */
  private readonly queued = new WakeSignal();
  private stopped = false;
  private leasesFreed = false;

  constructor(
    private ctx: NodeContext,
    private log?: FastifyBaseLogger,
    /** Message types that must apply in release order (MessageType.ordered). */
    private isOrdered: (type: string) => boolean = () => false,
    private intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.kick();
  }

  private async freeDeadLeases(): Promise<void> {
    const held = await this.ctx.store.db.selectFrom('peers').select(['node_id', 'lease_owner']).where('lease_owner', 'like', `${HOST}:%`).execute();
    for (const h of held) {
      const pid = Number(h.lease_owner!.split(':')[1]);
      if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
        await this.ctx.store.db.updateTable('peers').set({ lease_owner: null, lease_until: null }).where('node_id', '=', h.node_id).where('lease_owner', '=', h.lease_owner).execute();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.queued.close();
    await this.runner.stop();
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    this.runner.kick();
    this.queued.fire();
  }

  async pass(): Promise<void> {
    const { db } = this.ctx.store;
    if (!this.leasesFreed) {
      await this.freeDeadLeases();
      this.leasesFreed = true;
    }
    // `accord key rotate` may have run in another process.
    reloadIdentityIfChanged(this.ctx.settings.dataDir, this.ctx.identity);
    const now = new Date().toISOString();
    const due = await db
      .selectFrom('peers')
      .select('node_id')
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
      .where((eb) => eb.exists(eb.selectFrom('outbox').select('id').whereRef('outbox.peer_id', '=', 'peers.node_id').where(isPending)))
      .execute();
    await Promise.all(due.map((p) => this.deliverTo(p.node_id)));
  }

  private async lease(peerId: string): Promise<boolean> {
    const now = new Date();
    const r = await this.ctx.store.db
      .updateTable('peers')
      .set({ lease_owner: this.id, lease_until: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where('node_id', '=', peerId)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now.toISOString()), eb('lease_owner', '=', this.id)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  private async release(peerId: string): Promise<void> {
    await this.ctx.store.db.updateTable('peers').set({ lease_owner: null, lease_until: null }).where('node_id', '=', peerId).where('lease_owner', '=', this.id).execute();
  }

  private async deliverTo(peerId: string): Promise<void> {
    if (!(await this.lease(peerId))) return;
    const renew = setInterval(() => void this.lease(peerId).catch(() => undefined), RENEW_MS);
    const window = new DeliveryWindow(this.ctx.settings.deliveryWindow);
    const batchSize = this.ctx.settings.deliveryBatchSize;
    let batches = 0;
    let peer: PeerRow | undefined;
    let checkedAt = 0;
    let checkedKey = '';
    try {
      while (!this.stopped && !window.failed) {
        const since = this.queued.generation;
        const recheck = Date.now() - checkedAt >= RECHECK_MS || checkedKey !== this.ctx.identity.fingerprint;
        if (recheck) {
          checkedAt = Date.now();
          checkedKey = this.ctx.identity.fingerprint;
          peer = await findPeer(this.ctx.store.db, peerId);
          if (!peer || peer.status !== 'active') break;
          // A key rotation goes first and alone in the pipe: the batch is signed with the new
          // key, which the peer learns from the announcement inside it. Nothing else travels
          // with it: a batch signed with a key the peer has not pinned must be small (the inbox
          // refuses a large one before parsing it).
          const rotations = await this.pending(peerId, { rotation: true, limit: 10 });
          if (rotations.length > 0) {
            await window.drain();
            if (!(await this.sendOnce(peer, rotations))) break;
            checkedAt = 0;
            continue;
          }
        }
        if (!peer) break;
        // With nothing in flight, look from the lowest pending release number again, which
        // also picks up messages whose transaction committed after later ones.
        if (window.empty) window.cursor = -1;
        const rows = await this.pending(peerId, { afterSeq: window.cursor, limit: batchSize });
        if (rows.length === 0) {
          if (window.empty) break;
          // Nothing beyond what is in flight: wait for a batch to settle, or for enough calls
          // that messages were queued to make a backlog (each call queued one or more), which
          // goes at once; fewer go with the settle. Looking after every call would cost a
          // query per message queued under a steady trickle.
          await window.settleOneOr(this.queued.wait(since, backlogOf(batchSize)));
          continue;
        }
        if (!sendsNow(rows.length, window.batches, batchSize)) {
          await window.settleOne();
          continue;
        }
        // Messages that must apply in release order travel with nothing else in flight.
        const ordered = rows.some((r) => this.isOrdered(r.type));
        if (ordered) await window.drain();
        window.cursor = Number(rows[rows.length - 1]!.seq);
        const sent = this.sendOnce(peer, rows).catch((err: unknown) => {
          this.log?.error({ err, peer: peerId }, 'delivery of a batch failed');
          return false;
        });
        await window.add(
          sent,
          rows.map((r) => Number(r.seq)),
        );
        // An ordered message settles before anything follows it. Now and then, make sure the
        // cursor has passed over no pending message (one put back for redelivery, or left
        // pending by a receipt): if it has, let the pipe empty and start from the lowest again.
        if (ordered || (++batches % 16 === 0 && (await this.passedOver(peerId, window)))) await window.drain();
      }
      await window.drain();
    } finally {
      clearInterval(renew);
      await this.release(peerId);
    }
  }

  /** Whether a pending message at or below the cursor is not in flight. */
  private async passedOver(peerId: string, window: DeliveryWindow): Promise<boolean> {
    const rows = await this.ctx.store.db
      .selectFrom('outbox')
      .select('seq')
      .where('peer_id', '=', peerId)
      .where(isPending)
      .where('type', '!=', KEY_ROTATION_TYPE)
      .where('seq', '<=', window.cursor)
      .orderBy('seq')
      .limit(window.messages + 1)
      .execute();
    return rows.some((r) => !window.holds(Number(r.seq)));
  }

  private pending(peerId: string, o: { rotation?: boolean; afterSeq?: number; limit: number }) {
    let q = this.ctx.store.db.selectFrom('outbox').select(['id', 'seq', 'type', 'envelope']).where('peer_id', '=', peerId);
    q = o.rotation ? q.where(isPendingRotation) : q.where(isPending).where('type', '!=', KEY_ROTATION_TYPE);
    if (o.afterSeq !== undefined) q = q.where('seq', '>', o.afterSeq);
    return q.orderBy('seq').limit(o.limit).execute();
  }

  private async sendOnce(peer: PeerRow, rows: { id: string; envelope: string }[]): Promise<boolean> {
    const { db } = this.ctx.store;
    const r = await postBatchText(peer, buildBatchText(this.ctx, peer.node_id, rows.map((row) => row.envelope)));
    const now = new Date().toISOString();
    if (r.status !== 200 || !r.receipt) {
      this.stats.failedAttempts++;
      countDeliveryFailure(this.ctx, peer.node_id);
      const failures = Number(peer.failures) + 1;
      const wait = backoffMs(failures - 1, this.ctx.settings.retryBaseMs, this.ctx.settings.retryCapMs);
      const error = r.error ?? `HTTP ${r.status}: no receipt`;
      await updatePeer(db, peer.node_id, { failures, last_error: error, last_error_at: now, next_attempt_at: new Date(Date.now() + wait).toISOString() });
      this.log?.warn({ peer: peer.node_id, error, retry_in_ms: wait }, 'delivery failed');
      return false;
    }
    const counts = await applyReceipt(this.ctx, peer.node_id, r.receipt, rows.map((row) => row.id));
    this.stats.delivered += counts.delivered;
    this.stats.rejected += counts.rejected;
    countSent(this.ctx, peer.node_id, counts.delivered, counts.rejected);
    return true;
  }
}
