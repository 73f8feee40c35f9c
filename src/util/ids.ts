import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { v7 as uuidv7 } from 'uuid';

/** A new record or message id: a UUID v7, so ids sort by creation time. */
export function newId(): string {
  return uuidv7();
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
