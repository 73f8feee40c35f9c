import { Readable } from 'node:stream';
import type { NodeContext } from '../../src/context.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import type { Tlp } from '../../src/intel/policy/markings.js';
import { tlp2MarkingId } from '../../src/intel/policy/markings.js';
import { IntelMessage, type IntelObjectsBody } from '../../src/intel/releases/releases.schemas.js';
import { importBundle } from '../../src/intel/store/import.service.js';
import type { NodeIdentity } from '../../src/node/identity.js';
import { bundle, indicator } from './_intel.js';

/** An indicator marked with a TLP 2.0 level (none: unmarked). */
export function marked(tlp: Tlp | null, over: Record<string, unknown> = {}) {
  return indicator({ ...(tlp ? { object_marking_refs: [tlp2MarkingId(tlp)] } : {}), ...over });
}

/** Stores objects in a node's store as an import would: local, or received from `source`. */
export async function store(ctx: NodeContext, objects: unknown[], origin: 'local' | 'received' = 'local', source?: string) {
  return importBundle(ctx, { ref: 'test' }, Readable.from([Buffer.from(bundle(objects))]), { origin, ...(source ? { source } : {}) });
}

/** A message of a release, signed by `id` for `to`. */
export function releaseMessage(id: NodeIdentity, to: string, body: Partial<IntelObjectsBody> & Pick<IntelObjectsBody, 'release_id' | 'rseq' | 'objects'>): Envelope<IntelObjectsBody> {
  const full: IntelObjectsBody = { title: 'Test release', audience: { kind: 'peer' }, ...body };
  return signEnvelope(id, { v: 1, id: newMessageId(), from: id.node_id, to: [to], type: IntelMessage.objects, issued_at: new Date().toISOString(), body: full });
}

export const local = (o: Record<string, unknown>) => ({ origin: 'local' as const, object: o });
export const received = (o: Record<string, unknown>) => ({ origin: 'received' as const, object: o });
