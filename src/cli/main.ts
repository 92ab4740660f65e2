#!/usr/bin/env node
import 'reflect-metadata';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import {
  DEFAULT_ARC_MEASUREMENT,
  type ArcInstanceService,
  DEFAULT_ORG_ID,
  DomainError,
  type ArcInstanceView,
} from '../../domain/index.js';
import { loadConfig } from '../config.js';
import { createMemtrace, type Memtrace } from '../core.js';
import { openConfiguredStorage } from '../modules/storage.module.js';
import { reportFailure } from '../report-failure.js';
import { serve } from '../server-process.js';

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
  memtrace doctor                                    check the configuration and the store
  memtrace mcp                                       the MCP server on stdio (MEMTRACE_URL, MEMTRACE_API_KEY)
--org defaults to ${DEFAULT_ORG_ID}. Configuration comes from memtrace.toml and MEMTRACE_* variables.
add-arc --api-key - reads the key from stdin; it is stored encrypted under MEMTRACE_MASTER_KEY.`;

const iso = (ms: number) => new Date(ms).toISOString();
const out = (line: string) => process.stdout.write(line + '\n');
/** `1 agent, 2 sessions and 0 memories`: each count with its noun in the right number. */
const transferCounts = (c: { agents: number; sessions: number; memories: number }) => {
  const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return (
    `${counted(c.agents, 'agent', 'agents')}, ${counted(c.sessions, 'session', 'sessions')} ` +
    `and ${counted(c.memories, 'memory', 'memories')}`
  );
};
const orgOption = () =>
  new Option('--org <org_id>', 'the org to act on').default(DEFAULT_ORG_ID, DEFAULT_ORG_ID);

/**
 * Runs `work` on the configured store and its services, then closes the store. The operator
 * commands need no HTTP app, so they skip the container and start faster.
 */
async function withStore<T>(
  work: (storage: StorageBundle, core: Memtrace) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const storage = await openConfiguredStorage(config);
  try {
    return await work(storage, createMemtrace({ storage, masterKey: config.secrets.masterKey }));
  } finally {
    await storage.close();
  }
}

/** Runs `work` with the org Arc routing of the configured store (see {@link withStore}). */
const withArcRouting = <T>(work: (arc: ArcInstanceService) => Promise<T>): Promise<T> =>
  withStore((_storage, core) => work(core.arcInstances));

/** All of stdin as text, without its trailing line break. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function printArcInstance(i: ArcInstanceView): void {
  out(`org: ${i.orgId}`);
  out(`url: ${i.url}`);
  out(`database: ${i.database}`);
  out(`measurement: ${i.measurement}`);
  out(`api_key: ${i.apiKeySet ? 'set (stored encrypted)' : 'none'}`);
  out(`created_at: ${iso(i.createdAt)}`);
  out(`updated_at: ${iso(i.updatedAt)}`);
}

/** Writes to a stream, waiting when it asks the writer to slow down. */
function writerTo(stream: Writable): (chunk: string) => Promise<void> {
  return async (chunk) => {
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
}

interface ImportFlags {
  org: string;
  dedup: boolean;
  strict?: boolean;
}

/** After an import's summary: the records renumbered, and those refused (exit code 1). */
function reportImportProblems(r: { rejected: number; renumbered: number }): void {
  if (r.renumbered > 0) {
    process.stderr.write(
      `memtrace: ${r.renumbered} of them got a new id: another org of this store has theirs ` +
        '(the parent_id links to them follow)\n',
    );
  }
  if (r.rejected > 0) {
    process.stderr.write(
      `memtrace: refused ${r.rejected} of the records (each named above with its line): ` +
        'none of those was stored; fix them and import again, what is imported is skipped\n',
    );
    process.exitCode = 1;
  }
}

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

  const key = cli.command('key').description('API keys of an org');
  key
    .command('create [name]')
    .description('issue a key; it is printed once')
    .option('--name <name>', 'what the key is for')
    .addOption(orgOption())
    .option('--permissions <list>', 'comma-separated: read, write, admin', 'read,write')
    .action(
      async (name: string | undefined, o: { name?: string; org: string; permissions: string }) =>
        withStore(async (_storage, { auth }) => {
          const issued = await auth.createKey(
            o.org,
            o.name ?? name ?? '',
            o.permissions.split(','),
          );
          out('API key created (shown only once — save it now):');
          out(issued.apiKey);
          out(
            `key_id: ${issued.key.id}  org: ${issued.key.orgId}  permissions: ${issued.key.permissions.join(',')}`,
          );
        }),
    );
  key
    .command('list')
    .description("the org's active keys (never the keys themselves)")
    .addOption(orgOption())
    .action(async (o: { org: string }) =>
      withStore(async (_storage, { auth }) => {
        for (const k of await auth.listKeys(o.org)) {
          out(`${k.id}\t${k.name}\t${k.permissions.join(',')}\t${iso(k.createdAt)}`);
        }
      }),
    );
  key
    .command('revoke <key_id>')
    .description('revoke a key, effective on the next request')
    .addOption(orgOption())
    .action(async (keyId: string, o: { org: string }) =>
      withStore(async (_storage, { auth }) => {
        await auth.revokeKey(o.org, keyId);
        out(`revoked ${keyId}`);
      }),
    );

  const org = cli.command('org').description('orgs (tenants)');
  org
    .command('create [name]')
    .description('create an org and its first admin key')
    .option('--name <name>', 'the org name')
    .action(async (name: string | undefined, o: { name?: string }) => {
      const orgName = name ?? o.name;
      if (!orgName) throw new CommanderError(2, 'memtrace.usage', 'org create needs a name');
      await withStore(async (_storage, { auth }) => {
        const created = await auth.createOrg(orgName);
        out(`org created: ${created.org.id} (${created.org.name})`);
        out('Admin API key for this org (shown only once — save it now):');
        out(created.apiKey);
      });
    });
  org
    .command('list')
    .description('every org')
    .action(async () =>
      withStore(async (_storage, { auth }) => {
        for (const o of await auth.listOrgs()) {
          out(`${o.id}\t${o.name}\t${iso(o.createdAt)}`);
        }
      }),
    );

  org
    .command('add-arc <org_id>')
    .description(
      "route the org's memories to its own Arc instance (replaces any it had); effective " +
        'without a restart',
    )
    .requiredOption('--url <url>', 'the Arc base URL, http(s)://host[:port]')
    .requiredOption('--database <db>', 'the Arc database')
    .option('--api-key <key>', "the instance's API key ('-' reads it from stdin)")
    .option('--measurement <name>', 'where memories are written and read', DEFAULT_ARC_MEASUREMENT)
    .action(
      async (
        orgId: string,
        o: { url: string; database: string; apiKey?: string; measurement: string },
      ) => {
        const apiKey = o.apiKey === '-' ? await readStdin() : (o.apiKey ?? null);
        await withArcRouting(async (arc) => {
          const { instance, created } = await arc.configure(orgId, {
            url: o.url,
            database: o.database,
            measurement: o.measurement,
            apiKey,
          });
          out(`${created ? 'added' : 'replaced'} the Arc instance of ${instance.orgId}`);
          printArcInstance(instance);
        });
      },
    );
  org
    .command('show-arc <org_id>')
    .description("the org's own Arc instance (never its API key)")
    .action(async (orgId: string) =>
      withArcRouting(async (arc) => {
        const instance = await arc.show(orgId);
        if (instance) printArcInstance(instance);
        else out(`${orgId} has no Arc instance of its own: it uses the default one`);
      }),
    );
  org
    .command('remove-arc <org_id>')
    .description('route the org back to the default Arc instance')
    .action(async (orgId: string) =>
      withArcRouting(async (arc) => {
        if (await arc.remove(orgId)) {
          out(`removed the Arc instance of ${orgId}: it uses the default one again`);
        } else {
          throw new DomainError(
            'not_found',
            'ARC_INSTANCE_NOT_FOUND',
            `${orgId} has no Arc instance of its own: nothing to remove`,
          );
        }
      }),
    );

  cli
    .command('export')
    .description("write an org's agents, sessions and memories as NDJSON")
    .addOption(orgOption())
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (o: { org: string; output?: string }) =>
      withStore(async (storage) => {
        // Loaded on use: the key and org commands start faster without them.
        const { exportOrg } = await import('./org-transfer.js');
        const { progressFor } = await import('./progress.js');
        const dest = o.output ? createWriteStream(o.output) : process.stdout;
        const counts = await exportOrg(storage, o.org, writerTo(dest), progressFor('export'));
        if (o.output) {
          dest.end();
          await once(dest, 'finish');
        }
        process.stderr.write(
          `exported ${transferCounts(counts)} of ${o.org}${o.output ? ` to ${o.output}` : ''}\n`,
        );
      }),
    );

  cli
    .command('import [file]')
    .description('import an export into an org; records it already has are skipped')
    .addOption(orgOption())
    .option('--no-dedup', 'skip only records whose id exists, not memories with a seen dedup key')
    .option(
      '--strict',
      'stop at the first record the rules refuse (by default each is reported, the rest imported)',
    )
    .action(async (file: string | undefined, o: ImportFlags) => {
      const config = loadConfig();
      const { importOrg } = await import('./org-transfer.js');
      const { progressFor } = await import('./progress.js');
      const input = file && file !== '-' ? createReadStream(file) : process.stdin;
      await withStore(async (storage, { auth }) => {
        // A store never served has no org yet: set it up as the server's first start would.
        const firstKey = await auth.bootstrap(config.auth.bootstrapKey);
        if (firstKey !== null && config.auth.bootstrapKey === undefined) {
          out(`FIRST RUN: Save your admin API key (shown only once)\nAPI Key: ${firstKey}`);
        }
        // Made just before reading: readline drops lines that arrive before iteration starts.
        const lines = createInterface({ input, crlfDelay: Infinity });
        const result = await importOrg(storage, o.org, lines, {
          dedup:
            o.dedup && config.dedup.enabled
              ? { windowMs: config.dedup.windowHours * 3_600_000 }
              : null,
          progress: progressFor('import'),
          strict: o.strict === true,
          maxMetadataBytes: config.limits.maxMetadataBytes,
          onReject: (line, message) => process.stderr.write(`memtrace: line ${line}: ${message}\n`),
        });
        const { imported, skipped } = result;
        out(
          `imported ${transferCounts(imported)} into ${o.org}; ` +
            `skipped ${skipped.agents + skipped.sessions + skipped.memories} already present`,
        );
        reportImportProblems(result);
      });
    });

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

/** The `memtrace` command: the server, and the operator's tools on the same store. */
export async function runCli(argv: readonly string[]): Promise<void> {
  if (argv.length === 0) return serve();
  if (argv[0] === 'help') argv = ['--help'];
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
