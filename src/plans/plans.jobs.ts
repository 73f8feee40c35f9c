import type { JobDef } from '../capability.js';
import type { NodeContext } from '../context.js';
import { relayGroupLog, type GroupLogRelay } from '../groups/history-relay.js';
import { listGroupPlanEventRows, listGroupsWithPlans, recordRelay, relayedJoins } from './plans.repository.js';
import { PlanMessage } from './plans.schemas.js';

export const PLANS_RELAY_JOB = 'plans.relay-history';

const PLAN_LOG: GroupLogRelay = { messageType: PlanMessage.history, groupIds: listGroupsWithPlans, relayed: relayedJoins, rows: listGroupPlanEventRows, record: recordRelay };

/** Every member relays its groups' plans to a member that joined after it (groups/history-relay.ts). */
export function relayPlanHistory(ctx: NodeContext): Promise<number> {
  return relayGroupLog(ctx, PLAN_LOG);
}

export const planJobs: JobDef[] = [{ name: PLANS_RELAY_JOB, everyMs: 5_000, run: async (ctx) => void (await relayPlanHistory(ctx)) }];
