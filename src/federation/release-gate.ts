import type { NodeContext } from '../context.js';
import { AppError } from '../errors.js';

export class ReleaseRefusedError extends AppError {
  override name = 'ReleaseRefusedError';
  constructor(peer: string, type: string, reason: string) {
    super(403, 'release-refused', 'Release refused', `${type} may not go to ${peer}: ${reason}`, { peer, message_type: type });
  }
}

/**
 * The release gate: the one question every message answers before it may leave this node,
 * "may this body go to this peer?". Each capability can add a rule (its descriptor's
 * `release`, e.g. markings); all must agree, or the whole send is refused and nothing is
 * queued. The outbox (enqueueMessages) and the direct ping both pass through here.
 */
export function checkRelease(ctx: NodeContext, peer: string, type: string, bodies: readonly unknown[]): void {
  const rules = ctx.catalog.releaseRules;
  if (rules.length === 0) return;
  for (const body of bodies) {
    for (const rule of rules) {
      const verdict = rule(ctx, { peer, type, body });
      if (verdict !== true) throw new ReleaseRefusedError(peer, type, verdict);
    }
  }
}
