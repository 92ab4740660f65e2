import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { orgOption, out, withStore } from './common.js';

/** `1 agent, 2 sessions and 0 memories`: each count with its noun in the right number. */
const transferCounts = (c: { agents: number; sessions: number; memories: number }) => {
  const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return (
    `${counted(c.agents, 'agent', 'agents')}, ${counted(c.sessions, 'session', 'sessions')} ` +
    `and ${counted(c.memories, 'memory', 'memories')}`
  );
};

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

/** `memtrace export` and `memtrace import`: an org as NDJSON, out of a store and into one. */
export function addTransferCommands(cli: Command): void {
  cli
    .command('export')
    .description("write an org's agents, sessions and memories as NDJSON")
    .addOption(orgOption())
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (o: { org: string; output?: string }) =>
      withStore(async (storage) => {
        // Loaded on use: the key and org commands start faster without them.
        const { exportOrg } = await import('../org-transfer.js');
        const { progressFor } = await import('../progress.js');
        const dest = o.output ? createWriteStream(o.output) : process.stdout;
        const counts = await exportOrg(
          storage,
          o.org,
          writerTo(dest),
          progressFor('export'),
          Date.now,
          loadConfig().memory.defaultRetentionMs,
        );
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
      const { importOrg } = await import('../org-transfer.js');
      const { progressFor } = await import('../progress.js');
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
}
