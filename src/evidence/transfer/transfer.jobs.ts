import type { JobDef } from '../../capability.js';
import { EvidenceJob } from './transfer.schemas.js';
import { offerNewAttachments, pumpIncoming } from './transfer.service.js';

/**
 * The sender offers complete attachments; the receiver fetches what was offered to it. Both
 * run when work arrives (an upload finished, an offer came in, a fetch has more to do or a
 * link to retry; transfer.service.ts asks with `ctx.jobs.runSoon`), and every
 * SAFETY_NET_MS for whatever no request announced (an offer imported by a command, a node
 * that stopped before it asked).
 */
const SAFETY_NET_MS = 30_000;

export const transferJobs: JobDef[] = [
  {
    name: EvidenceJob.offer,
    everyMs: SAFETY_NET_MS,
    run: async (ctx, job) => {
      if ((await offerNewAttachments(ctx, job.log)).more) ctx.jobs.runSoon(EvidenceJob.offer);
    },
  },
  {
    name: EvidenceJob.fetch,
    everyMs: SAFETY_NET_MS,
    run: async (ctx, job) => {
      const again = await pumpIncoming(ctx, job.log);
      if (again !== null) ctx.jobs.runSoon(EvidenceJob.fetch, again);
    },
  },
];
