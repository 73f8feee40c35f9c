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
