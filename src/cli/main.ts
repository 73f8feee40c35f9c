import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/settings.js';
import { AppError } from '../errors.js';
import { ACCORD_VERSION } from '../node/package-root.js';
import { auditCommand } from './commands/audit.js';
import { bundleCommand } from './commands/bundle.js';
import { caseCommand } from './commands/case.js';
import { groupCommand } from './commands/group.js';
import { initCommand } from './commands/init.js';
import { intelCommand } from './commands/intel.js';
import { keyCommand } from './commands/key.js';
import { transferCommand } from './commands/transfer.js';
import { nodeCommand } from './commands/node.js';
import { noticeCommand, peerCommand } from './commands/peer.js';
import { serveCommand } from './commands/serve.js';
import { startCommand } from './commands/start.js';
import { statementCommand } from './commands/statement.js';
import { tokenCommand } from './commands/token.js';
import { userCommand } from './commands/user.js';

export function buildProgram(): Command {
  const program = new Command('accord')
    .description('Accord: a sovereign node for international cooperation on ICT security')
    .version(ACCORD_VERSION)
    .showHelpAfterError('(run with --help for usage)');
  for (const cmd of [initCommand(), serveCommand(), startCommand(), userCommand(), tokenCommand(), auditCommand(), nodeCommand(), peerCommand(), noticeCommand(), keyCommand(), transferCommand(), groupCommand(), caseCommand(), bundleCommand(), statementCommand(), intelCommand()]) {
    program.addCommand(cmd);
  }
  return program;
}

function exitOverrideAll(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) exitOverrideAll(sub);
}

/** Runs the CLI; returns the exit code. Errors become one line on stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  exitOverrideAll(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const known = err instanceof ConfigError || err instanceof AppError || (err instanceof Error && ['AlreadyInitialisedError', 'Error'].includes(err.name));
    process.stderr.write(`accord: ${err instanceof Error ? err.message : String(err)}\n`);
    if (!known) process.stderr.write('(unexpected error; run with ACCORD_LOG_LEVEL=debug for details)\n');
    return 1;
  }
}
