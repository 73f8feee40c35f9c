import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CASES } from '../../src/cli/commands/demo-cases.js';
import { ACCORD_BIN } from '../_util/node-process.js';
import { freePortRange } from '../_util/ports.js';

/** Runs `accord start` until it says it is running; the lines it printed so far. */
function startDemo(data: string, port: number): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn(process.execPath, [ACCORD_BIN, 'start', '--data', data, '--port', String(port)], { env: { ...process.env, ACCORD_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((res, rej) => {
    child.once('exit', (c) => rej(new Error(`accord start exited with ${c}: ${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // The last node's line ends what it prints.
      if (/kg-central-authority .*\n/.test(out)) res({ child, out });
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

/** The case list of one demo node, read from its SQLite file beside the running node (WAL lets a reader in). */
function casesOf(data: string, node: string): { direction: string; peer: string; type: string; status: string }[] {
  const db = new Database(join(data, node, 'accord.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT direction, peer, type, status FROM cases ORDER BY opened_at').all() as never;
  } finally {
    db.close();
  }
}

/** The ids of the threat-intelligence objects a demo node received from a peer. */
function receivedIntel(data: string, node: string, from: string): string[] {
  const db = new Database(join(data, node, 'accord.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT id FROM intel_objects WHERE origin = 'received' AND source = ? ORDER BY id").all(from) as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

describe('accord start (the demo federation)', () => {
  const data = mkdtempSync(join(tmpdir(), 'accord-demo-'));
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('opens its demo requests on the first run, each delivered to the node it asks, and not again on the next run', async () => {
    const port = await freePortRange(3);
    const first = await startDemo(data, port);
    try {
      expect(first.out).toContain(`Opened ${DEMO_CASES.length} demo requests`);
      // Every request reaches the node it is addressed to, which holds it as incoming.
      for (;;) {
        const arrived = DEMO_CASES.filter((c) => casesOf(data, c.to).some((r) => r.direction === 'incoming' && r.peer === c.from && r.type === c.content.type));
        if (arrived.length === DEMO_CASES.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const c of DEMO_CASES) {
        expect(casesOf(data, c.from)).toContainEqual({ direction: 'outgoing', peer: c.to, type: c.content.type, status: 'sent' });
      }
      // The national CERT's campaign reaches the cybercrime unit, the release naming it (so the TLP:RED address goes too).
      expect(first.out).toContain('Stored 11 threat-intelligence objects on uz-cert and released them to kz-cybercrime');
      while (receivedIntel(data, 'kz-cybercrime', 'uz-cert').length < 11) await new Promise((r) => setTimeout(r, 100));
      expect(receivedIntel(data, 'kz-cybercrime', 'uz-cert')).toContain('indicator--de000004-7a1b-4c2d-8e3f-4a5b6c7d8e9f');
      // …and no further: the third node holds none of it.
      expect(receivedIntel(data, 'kg-central-authority', 'uz-cert')).toEqual([]);
    } finally {
      await stop(first.child);
    }
    const second = await startDemo(data, port);
    await stop(second.child);
    expect(second.out).not.toContain('demo requests');
    expect(second.out).not.toContain('threat-intelligence objects');
    const all = ['uz-cert', 'kz-cybercrime', 'kg-central-authority'].flatMap((n) => casesOf(data, n));
    expect(all).toHaveLength(DEMO_CASES.length * 2);
  });
});
