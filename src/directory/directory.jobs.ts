import type { JobDef } from '../capability.js';
import { remindToReconfirm } from './directory-reminder.service.js';
import { runDuePingSchedules } from './ping-schedules.service.js';
import { sweepPingTests } from './ping-tests.service.js';

/** The directory's periodic work, run by the node's job runner. */
export const directoryJobs: JobDef[] = [
  {
    // Due schedules start their tests, then the sweep escalates and closes; one failing does not stop the other.
    name: 'directory.ping-tests',
    everyMs: 5_000,
    run: async (ctx, { log }) => {
      await runDuePingSchedules(ctx).catch((err: unknown) => log.error({ err }, 'scheduled ping tests failed'));
      await sweepPingTests(ctx);
    },
  },
  {
    name: 'directory.reminder',
    everyMs: 5_000,
    run: async (ctx) => {
      await remindToReconfirm(ctx);
    },
  },
];
