#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { DEFAULT_ORG_ID } from '../../domain/index.js';
import { loadConfig } from '../config/index.js';
import { openConfiguredStorage } from '../modules/storage.module.js';
import { reportFailure } from '../report-failure.js';
import { serve } from '../server-process.js';
import { out } from './commands/common.js';
import { addForgetCommand } from './commands/forget.js';
import { addKeyCommands } from './commands/key.js';
import { addOrgCommands } from './commands/org.js';
import { addTransferCommands } from './commands/transfer.js';

const USAGE = `Usage:
  memtrace [serve]                                   run the server
  memtrace migrate                                   apply pending storage migrations
  memtrace key create --name <name> [--org <org_id>] [--permissions read,write,admin]
  memtrace key list [--org <org_id>]
  memtrace key revoke <key_id> [--org <org_id>]
  memtrace org create <name>
  memtrace org list
  memtrace org add-arc <org_id> --url <url> --database <db> [--api-key <key>|-] [--measurement events]
  memtrace org show-arc <org_id>
  memtrace org remove-arc <org_id>
  memtrace export [--org <org_id>] [--output <file>]     an org as NDJSON (stdout by default)
  memtrace import [file] [--org <org_id>] [--no-dedup] [--strict]  an export (stdin when no file or -)
  memtrace forget [--org <org_id>] [--agent <id>] [--session <id>] [--type <types>] [--event-type <types>]
                  [--tags <tags>] [--since <time>] [--until <time>] [--ids <ids>] [--all] [--dry-run]
                                                     delete the memories every filter matches, all or none
  memtrace doctor                                    check the configuration and the store
  memtrace mcp                                       the MCP server on stdio (MEMTRACE_URL, MEMTRACE_API_KEY)
--org defaults to ${DEFAULT_ORG_ID}. Configuration comes from memtrace.toml and MEMTRACE_* variables.
add-arc --api-key - reads the key from stdin; it is stored encrypted under MEMTRACE_MASTER_KEY.`;

function program(): Command {
  const cli = new Command('memtrace')
    .description('Memory service for AI agents: the server and its operator tools.')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', `\n${USAGE}`)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });

  cli
    .command('serve')
    .description('run the server (the default command)')
    .action(() => serve());

  cli
    .command('migrate')
    .description('apply pending storage migrations')
    .action(async () => {
      const storage = await openConfiguredStorage(loadConfig(), { forceMigrate: true });
      await storage.close();
      out(`memtrace: storage ready (driver ${storage.driver}), migrations applied`);
    });

  addKeyCommands(cli);
  addOrgCommands(cli);
  addTransferCommands(cli);
  addForgetCommand(cli);

  cli
    .command('doctor')
    .description('check the configuration and the store, with a reason for each problem')
    .action(async () => {
      const { formatCheck, runDoctor } = await import('./doctor.js');
      const checks = await runDoctor();
      for (const c of checks) out(formatCheck(c));
      if (checks.some((c) => c.status === 'fail')) process.exitCode = 1;
    });

  cli
    .command('mcp')
    .description('run the MCP server on stdio (MEMTRACE_URL, MEMTRACE_API_KEY)')
    .action(async () => {
      const { runMcpStdio } = await import('../mcp.js');
      await runMcpStdio();
    });

  return cli;
}

/**
 * When the reader of an operator command's output goes away early (`memtrace key list | head -1`),
 * the next write fails with EPIPE: the command ends there, quietly and with status 0, as a Unix
 * tool killed by SIGPIPE does without a trace (Node ignores SIGPIPE, so it would print a stack).
 * Any other write error stays an error. The server and `mcp` keep their own handling.
 */
function endQuietlyWhenTheReaderLeaves(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
}

/** The `memtrace` command: the server, and the operator's tools on the same store. */
export async function runCli(argv: readonly string[]): Promise<void> {
  if (argv.length === 0) return serve();
  if (argv[0] === 'help') argv = ['--help'];
  if (argv[0] !== 'serve' && argv[0] !== 'mcp') {
    endQuietlyWhenTheReaderLeaves(process.stdout);
    endQuietlyWhenTheReaderLeaves(process.stderr);
  }
  try {
    await program().parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return;
    process.stderr.write(`memtrace: ${e.message.replace(/^error: /, '')}\n${USAGE}\n`);
    process.exitCode = 2;
  }
}

runCli(process.argv.slice(2)).catch(reportFailure);
