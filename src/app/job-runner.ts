import type { FastifyBaseLogger } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { JobDef } from '../capability.js';
import type { NodeContext } from '../context.js';
import { isDeadLocalWorker, newWorkerId } from '../util/ids.js';
import { SerialPass } from '../util/serial-pass.js';
import { settleWithin } from '../util/settle-within.js';

/**
 * A claim outlives any sane run; a process of another host that died holding one delays that
 * job by this much at most (one of this host is recognised at once, by its pid).
 */
const MIN_LEASE_MS = 60_000;

export interface JobRunnerOptions {
  /** How often the runner looks for due jobs. */
  tickMs?: number;
  metrics?: Registry;
}

/**
 * The node's one runner for periodic and deadline work, declared by capabilities (`jobs`).
 * Each tick reads the `jobs` table once; a due job is claimed by compare-and-set on its row
 * (`next_run_at` moves forward in the same statement), so among several processes on one
 * PostgreSQL exactly one runs it. Jobs run independently: a slow one never delays another.
 * A failure is logged, counted in /metrics and recorded on the row; the job runs again at
 * its next time.
 *
 * Work can ask for a run sooner (`ctx.jobs.runSoon`, util/job-requests.ts): the request moves
 * the row's `next_run_at` forward, so whichever process claims next runs it; a request made
 * while the job runs here runs it again right after. A claim held by a process of this host
 * that no longer runs (kill -9) is taken over at once, and that job runs again at once: its
 * run was cut short.
 */
export class JobRunner {
  readonly id = newWorkerId();
  private readonly byName: Map<string, JobDef>;
  private readonly running = new Map<string, Promise<void>>();
  /** Runs asked for and not yet written to the jobs table: job → run no later than (ms since the epoch). */
  private readonly requested = new Map<string, number>();
  /** Jobs asked for while they ran here: looked at again as soon as the run ends. */
  private readonly rerun = new Set<string>();
  private detach: (() => void) | null = null;
  private readonly pass = new SerialPass(() => this.tick(), (err) => this.log.error({ err }, 'job runner pass failed'));
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly tickMs: number;
  private readonly runs?: Counter<'job' | 'outcome'>;
  private readonly duration?: Histogram<'job'>;

  constructor(
    private readonly ctx: NodeContext,
    jobs: readonly JobDef[],
    private readonly log: FastifyBaseLogger,
    opts: JobRunnerOptions = {},
  ) {
    this.byName = new Map(jobs.map((j) => [j.name, j]));
    this.tickMs = opts.tickMs ?? 1_000;
    if (opts.metrics) {
      this.runs = new Counter({ name: 'accord_job_runs_total', help: 'Scheduled job runs by job and outcome (ok, failed)', labelNames: ['job', 'outcome'] as const, registers: [opts.metrics] });
      this.duration = new Histogram({ name: 'accord_job_duration_seconds', help: 'Scheduled job run time', labelNames: ['job'] as const, buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers: [opts.metrics] });
    }
  }

  /** Records every job (a new one is due at once) and starts ticking. */
  async start(): Promise<void> {
    const now = new Date().toISOString();
    if (this.byName.size > 0) {
      await this.ctx.store.db
        .insertInto('jobs')
        .values([...this.byName.keys()].map((name) => ({ name, next_run_at: now, runs: 0, failures: 0 })))
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    }
    this.detach = this.ctx.jobs.attach((name, inMs) => this.runSoon(name, inMs));
    this.timer = setInterval(() => this.pass.kick(), this.tickMs);
    this.pass.kick();
  }

  /** Stops claiming; waits for runs in progress at most `graceMs` and gives their claims back. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    this.detach?.();
    if (this.timer) clearInterval(this.timer);
    await this.pass.stop();
    await settleWithin(this.running.values(), graceMs);
  }

  /** Resolves when the current tick and the runs it started are done (for tests). */
  async idle(): Promise<void> {
    await this.pass.settle();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Looks for due jobs now (for tests and after a change that makes one due). */
  kick(): void {
    this.pass.kick();
  }

  /** Runs `name` within `inMs` ms (at once by default), in whichever process claims it first. */
  runSoon(name: string, inMs = 0): void {
    if (this.stopped || !this.byName.has(name)) return;
    const at = Date.now() + Math.max(0, inMs);
    const asked = this.requested.get(name);
    if (asked === undefined || at < asked) this.requested.set(name, at);
    if (inMs > 0) return;
    if (this.running.has(name)) this.rerun.add(name);
    this.pass.kick();
  }

  /** Writes the runs asked for into the jobs table: a row due later is made due then. */
  private async recordRequests(): Promise<void> {
    const asked = [...this.requested];
    this.requested.clear();
    for (const [name, at] of asked) {
      const iso = new Date(at).toISOString();
      await this.ctx.store.db.updateTable('jobs').set({ next_run_at: iso }).where('name', '=', name).where('next_run_at', '>', iso).execute();
    }
  }

  /** Frees a claim of a dead process of this host and makes its job due now. */
  private async takeOverDeadClaim(name: string, claimedBy: string, iso: string): Promise<boolean> {
    const r = await this.ctx.store.db.updateTable('jobs').set({ claimed_by: null, claimed_until: null, next_run_at: iso }).where('name', '=', name).where('claimed_by', '=', claimedBy).executeTakeFirst();
    const took = Number(r.numUpdatedRows) === 1;
    if (took) this.log.info({ job: name, claimed_by: claimedBy }, 'took over the claim of a process that no longer runs');
    return took;
  }

  private async tick(): Promise<void> {
    if (this.requested.size > 0) await this.recordRequests();
    const now = new Date();
    const iso = now.toISOString();
    // Every row (one per job): due ones, and claims a dead process of this host left behind.
    const rows = await this.ctx.store.db.selectFrom('jobs').select(['name', 'next_run_at', 'claimed_by', 'claimed_until']).execute();
    for (const r of rows) {
      const job = this.byName.get(r.name);
      if (!job || this.stopped || this.running.has(job.name)) continue;
      const claimed = r.claimed_until !== null && r.claimed_until > iso;
      if (claimed && r.claimed_by !== null && isDeadLocalWorker(r.claimed_by)) {
        if (!(await this.takeOverDeadClaim(job.name, r.claimed_by, iso))) continue;
      } else if (claimed || r.next_run_at > iso) continue;
      if (await this.claim(job, now)) {
        const p = this.run(job, now).finally(() => {
          this.running.delete(job.name);
          if (this.rerun.delete(job.name)) this.pass.kick();
        });
        this.running.set(job.name, p);
      }
    }
  }

  /** Compare-and-set: only the process whose update matched the due, unclaimed row runs the job. */
  private async claim(job: JobDef, now: Date): Promise<boolean> {
    const iso = now.toISOString();
    const r = await this.ctx.store.db
      .updateTable('jobs')
      .set({
        claimed_by: this.id,
        claimed_until: new Date(now.getTime() + Math.max(MIN_LEASE_MS, 2 * job.everyMs)).toISOString(),
        next_run_at: new Date(now.getTime() + job.everyMs).toISOString(),
        last_started_at: iso,
      })
      .where('name', '=', job.name)
      .where('next_run_at', '<=', iso)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', iso)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  private async run(job: JobDef, now: Date): Promise<void> {
    const started = performance.now();
    let error: string | null = null;
    try {
      await job.run(this.ctx, { log: this.log, now });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      this.log.error({ err, job: job.name }, 'job failed');
    }
    this.runs?.inc({ job: job.name, outcome: error === null ? 'ok' : 'failed' });
    this.duration?.observe({ job: job.name }, (performance.now() - started) / 1000);
    await this.ctx.store.db
      .updateTable('jobs')
      .set((eb) => ({
        claimed_by: null,
        claimed_until: null,
        last_finished_at: new Date().toISOString(),
        last_error: error,
        runs: eb('runs', '+', 1),
        failures: eb('failures', '+', error === null ? 0 : 1),
      }))
      .where('name', '=', job.name)
      .where('claimed_by', '=', this.id)
      .execute()
      .catch((err: unknown) => this.log.error({ err, job: job.name }, 'could not record a job run'));
  }
}
