import { randomFillSync, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { v7 as uuidv7 } from 'uuid';

// Random bytes for ids come from a pool filled 4 KiB at a time: one call into the system's
// random source per 256 ids rather than one per id (it was 3% of a node's work on case events).
const pool = new Uint8Array(4096);
let taken = pool.length;
function random16(): Uint8Array {
  if (taken === pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  taken += 16;
  return pool.subarray(taken - 16, taken);
}

// The millisecond and counter of the last id (RFC 9562 §6.2, method 1): ids made in one
// millisecond still sort in the order they were made.
const last = { msecs: -Infinity, seq: 0 };

/** A new record or message id: a UUID v7, so ids sort by creation time (within a process, strictly). */
export function newId(): string {
  const now = Date.now();
  const random = random16();
  if (now > last.msecs) {
    last.msecs = now;
    last.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    last.seq = (last.seq + 1) | 0;
    if (last.seq === 0) last.msecs++;
  }
  return uuidv7({ random, msecs: last.msecs, seq: last.seq });
}
/** This machine's name, as worker ids begin with it. */
export const HOST = hostname();

/**
 * The id a worker claims leases with: `host:pid:random`. A worker restarted on the same host
 * recognises leases of its dead predecessors by the host and a pid that no longer runs.
 */
export function newWorkerId(): string {
  return `${HOST}:${process.pid}:${randomUUID()}`;
}

/**
 * Whether a worker id (`host:pid:…`) names a process of this host that no longer runs (a
 * kill -9, a power cut): what it held can be taken over at once instead of waiting for a lease.
 */
export function isDeadLocalWorker(id: string): boolean {
  const [host, pidText] = id.split(':');
  const pid = Number(pidText);
  if (host !== HOST || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'EPERM';
  }
}
