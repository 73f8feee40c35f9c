import type { JobDef } from '../capability.js';
import type { NodeContext } from '../context.js';
import { relayGroupLog, type GroupLogRelay } from '../groups/history-relay.js';
import { listGroupStatementEventRows, listGroupsWithStatements, recordStatementRelay, relayedStatementJoins } from './statements.repository.js';
import { StatementMessage } from './statements.schemas.js';

export const STATEMENTS_RELAY_JOB = 'statements.relay-history';

const STATEMENT_LOG: GroupLogRelay = { messageType: StatementMessage.history, groupIds: listGroupsWithStatements, relayed: relayedStatementJoins, rows: listGroupStatementEventRows, record: recordStatementRelay };

/** Every member relays its groups' statements to a member that joined after it (groups/history-relay.ts). */
export function relayStatementHistory(ctx: NodeContext): Promise<number> {
  return relayGroupLog(ctx, STATEMENT_LOG);
}

export const statementJobs: JobDef[] = [{ name: STATEMENTS_RELAY_JOB, everyMs: 5_000, run: async (ctx) => void (await relayStatementHistory(ctx)) }];
