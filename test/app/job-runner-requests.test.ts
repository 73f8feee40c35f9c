import { spawnSync } from 'node:child_process';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/app/job-runner.js';
import type { JobDef } from '../../src/capability.js';
import { HOST } from '../../src/util/ids.js';
import { DIALECTS } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';

const FAR = '2100-01-01T00:00:00.000Z';
const quiet = () => undefined;
const silent = { level: 'silent', info: quiet, warn: quiet, error: quiet, debug: quiet, trace: quiet, fatal: quiet, silent: quiet, child: () => silent } as unknown as FastifyBaseLogger;

/** The pid of a process that ran and has exited (no process has it now, barring reuse). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/**
 * Work that arrives for a job asks for a run (`ctx.jobs.runSoon`) instead of waiting for the
 * job's period; a claim left by a process of this host that no longer runs is taken over at once.
 */
describe.each(DIALECTS)('the job runner runs a job on request (%s)', (dialect) => {
  let node: TestNode;
  const runs: string[] = [];
  let release: (() => void) | null = null;
  let blockNext = false;
  const jobs: JobDef[] = [
    { name: 'test.quick', everyMs: 3_600_000, run: async () => void runs.push('quick') },
    {
      name: 'test.slow',
      everyMs: 3_600_000,
      run: async () => {
        runs.push('slow');
        if (blockNext) {
          blockNext = false;
          await new Promise<void>((r) => (release = r));
        }
      },
    },
  ];
  let runner: JobRunner;

  beforeAll(async () => {
    node = await createTestNode(dialect);
    runner = new JobRunner(node.ctx, jobs, silent, { tickMs: 3_600_000 });
    await runner.start();
    await runner.idle();
  });

  afterAll(async () => {
    release?.();
    await runner?.stop();
    await node?.close();
  });

  const count = (name: string) => runs.filter((r) => r === name).length;
  const row = (name: string) => node.ctx.store.db.selectFrom('jobs').selectAll().where('name', '=', name).executeTakeFirstOrThrow();

  it('runs a job at once when asked, though its next run is far off and the runner does not tick', async () => {
    await node.ctx.store.db.updateTable('jobs').set({ next_run_at: FAR }).execute();
    const before = count('quick');
    node.ctx.jobs.runSoon('test.quick');
    await runner.idle();
    expect(count('quick')).toBe(before + 1);
    // The run made it due again one period later, as any run does.
    expect((await row('test.quick')).next_run_at < FAR).toBe(true);
  });

  it('runs a job asked for while it runs once more right after, not twice at once', async () => {
    await node.ctx.store.db.updateTable('jobs').set({ next_run_at: FAR }).execute();
    const before = count('slow');
    blockNext = true;
    node.ctx.jobs.runSoon('test.slow');
    for (let i = 0; i < 1000 && !release; i++) await new Promise((r) => setTimeout(r, 5));
    expect(count('slow')).toBe(before + 1);
    node.ctx.jobs.runSoon('test.slow');
    node.ctx.jobs.runSoon('test.slow');
    await new Promise((r) => setTimeout(r, 5));
    expect(count('slow')).toBe(before + 1);
    release!();
    for (let i = 0; i < 1000 && count('slow') < before + 2; i++) await new Promise((r) => setTimeout(r, 5));
    await runner.idle();
    expect(count('slow')).toBe(before + 2);
  });

  it('a request with a delay makes the job due then, in the jobs table (for any process of the node)', async () => {
    await node.ctx.store.db.updateTable('jobs').set({ next_run_at: FAR }).where('name', '=', 'test.quick').execute();
    const before = count('quick');
    const t0 = Date.now();
    node.ctx.jobs.runSoon('test.quick', 60_000);
    runner.kick();
    await runner.idle();
    expect(count('quick')).toBe(before);
    const due = Date.parse((await row('test.quick')).next_run_at);
    expect(due).toBeGreaterThanOrEqual(t0 + 60_000);
    expect(due).toBeLessThan(t0 + 120_000);
  });

  it('ignores a request for a job it does not know', async () => {
    node.ctx.jobs.runSoon('test.unknown');
    await runner.idle();
    expect(await node.ctx.store.db.selectFrom('jobs').select('name').where('name', '=', 'test.unknown').executeTakeFirst()).toBeUndefined();
  });

  it('takes over at once a claim held by a process of this host that no longer runs, and runs that job again', async () => {
    const dead = `${HOST}:${deadPid()}:0190c2d4-0000-7000-8000-000000000000`;
    await node.ctx.store.db.updateTable('jobs').set({ claimed_by: dead, claimed_until: FAR, next_run_at: FAR }).where('name', '=', 'test.quick').execute();
    const before = count('quick');
    runner.kick();
    await runner.idle();
    expect(count('quick')).toBe(before + 1);
    const r = await row('test.quick');
    expect(r.claimed_by).toBeNull();
  });

  it('leaves a claim held by a live process, or by one of another host, until it lapses', async () => {
    for (const holder of [`${HOST}:${process.ppid}:x`, `elsewhere.example:${deadPid()}:x`]) {
      await node.ctx.store.db.updateTable('jobs').set({ claimed_by: holder, claimed_until: FAR, next_run_at: '2000-01-01T00:00:00.000Z' }).where('name', '=', 'test.quick').execute();
      const before = count('quick');
      node.ctx.jobs.runSoon('test.quick');
      await runner.idle();
      expect(count('quick')).toBe(before);
      expect((await row('test.quick')).claimed_by).toBe(holder);
    }
    await node.ctx.store.db.updateTable('jobs').set({ claimed_by: null, claimed_until: null }).where('name', '=', 'test.quick').execute();
  });
});
