import type { ReleaseQuestion } from '../../capability.js';
import type { NodeContext } from '../../context.js';
import { tlpOfObject, type Tlp } from '../policy/markings.js';
import { DEFAULT_POLICY, mayReach, type Decision, type Origin } from '../policy/release.policy.js';
import { IntelMessage, type IntelObjectsBody } from './releases.schemas.js';

/**
 * Whether one released object may reach the peer a message goes to (or came from, on the
 * receiver): the release policy with the peer audience. The TLP is read from the object's own
 * markings, never from a label beside it; an origin that is not plainly `local` counts as
 * received; only a release to the peer itself names it (TLP:RED), not one to a group.
 */
export function releasedObjectDecision(entry: { origin?: unknown; object?: unknown }, audienceKind: unknown): Decision {
  const obj = (entry.object && typeof entry.object === 'object' ? entry.object : {}) as Record<string, unknown>;
  const origin: Origin = entry.origin === 'local' ? 'local' : 'received';
  const tlp: Tlp | null = tlpOfObject(obj)?.level ?? null;
  return mayReach({ tlp, origin }, { kind: 'peer', named: audienceKind === 'peer' }, DEFAULT_POLICY);
}

/**
 * The intel capability's rule of the outbox's release gate: every object in an intel message
 * must be one the release policy lets reach that peer, or the whole send is refused and
 * nothing is queued, whatever built the message.
 */
export function intelReleaseRule(_ctx: NodeContext, q: ReleaseQuestion): true | string {
  if (q.type !== IntelMessage.objects) return true;
  const body = q.body as Partial<IntelObjectsBody> | null;
  if (!body || !Array.isArray(body.objects)) return 'an intel message carries a list of objects';
  for (const entry of body.objects as unknown[]) {
    const e = (entry ?? {}) as { origin?: unknown; object?: { id?: unknown } };
    const d = releasedObjectDecision(e, body.audience?.kind);
    if (!d.allowed) return `${String(e.object?.id ?? 'an object')} is TLP:${d.tlp.toUpperCase()} (${e.origin === 'local' ? 'local' : 'received'}): ${d.reason}`;
  }
  return true;
}
