/**
 * The worker thread of a large import: it reads the bundle's bytes that the importing thread
 * passes in, and sends back its objects parsed, validated and ready to store (see
 * prepared-groups.ts). The importing thread stores meanwhile: the two run on two cores.
 */
import { parentPort } from 'node:worker_threads';
import { BundleFormatError, type BundleHeader } from './bundle-stream.js';
import { BundlePreparer, packGroup } from './prepare-bundle.js';
import type { FromWorker, ToWorker } from './prepared-groups.js';

/** Elements per group sent back: few messages, and a store batch fills in a few groups. */
const GROUP = 1000;

const port = parentPort;
if (!port) throw new Error('import.worker runs as a worker thread');

const inbox: ToWorker[] = [];
let wake: (() => void) | null = null;
port.on('message', (m: ToWorker) => {
  inbox.push(m);
  wake?.();
});

const preparer = new BundlePreparer(GROUP);
const send = (m: FromWorker) => port.postMessage(m);

/** The bytes as they come; before waiting for more, what is ready goes back (the importing thread sends more when it hears how far this one got). */
async function* chunks(): AsyncGenerator<Uint8Array> {
  for (;;) {
    if (inbox.length === 0) {
      send({ kind: 'group', group: packGroup(preparer.take()) });
      await new Promise<void>((r) => (wake = r));
      wake = null;
    }
    const m = inbox.shift()!;
    if ('end' in m) return;
    yield m.chunk;
  }
}

async function main(): Promise<void> {
  const header: BundleHeader = {};
  try {
    for await (const g of preparer.run(chunks(), header)) send({ kind: 'group', group: packGroup(g) });
    send({ kind: 'group', group: packGroup(preparer.take()) });
    send({ kind: 'end', header: { type: header.type, id: header.id } });
  } catch (e) {
    send({ kind: 'group', group: packGroup(preparer.take()) });
    if (e instanceof BundleFormatError) send({ kind: 'format-error', reason: e.reason, offset: e.offset });
    else send({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

void main();
