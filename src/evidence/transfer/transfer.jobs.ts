import type { JobDef } from '../../capability.js';
import { offerNewAttachments, pumpIncoming } from './transfer.service.js';

/** The sender offers complete attachments; the receiver fetches what was offered to it. */
export const transferJobs: JobDef[] = [
  { name: 'evidence.offer', everyMs: 1_000, run: async (ctx, job) => void (await offerNewAttachments(ctx, job.log)) },
  { name: 'evidence.fetch', everyMs: 1_000, run: (ctx, job) => pumpIncoming(ctx, job.log) },
];
