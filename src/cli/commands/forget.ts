import { CommanderError, type Command } from 'commander';
import type { ForgetInput, Principal } from '../../../domain/index.js';
import { orgOption, out, withStore } from './common.js';

interface ForgetFlags {
  org: string;
  agent?: string;
  session?: string;
  type?: string[];
  eventType?: string[];
  tags?: string[];
  since?: string;
  until?: string;
  query?: string;
  ids?: string[];
  all?: boolean;
  dryRun?: boolean;
}

/** `a,b, c` as `['a', 'b', 'c']`; empty items are dropped. */
const list = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const FILTER_FLAGS =
  '--agent, --session, --type, --event-type, --tags, --since, --until, --query or --ids';

/** `1 memory`, `2 memories`. */
const memories = (n: number) => `${n} ${n === 1 ? 'memory' : 'memories'}`;

/**
 * `memtrace forget`: deletes an org's memories by the filters of search and/or ids, all or none,
 * as POST /api/v1/memories/forget does, on the configured store. The operator holds the store,
 * so `--all` needs no admin key; the deletion is logged with the key id `cli`.
 */
export function addForgetCommand(cli: Command): void {
  cli
    .command('forget')
    .description(
      "delete an org's memories that every given filter matches, all or none (--dry-run counts)",
    )
    .addOption(orgOption())
    .option('--agent <agent_id>', 'memories of this agent')
    .option('--session <session_id>', 'memories of this session')
    .option('--type <types>', 'comma-separated memory types (any of them)', list)
    .option('--event-type <types>', 'comma-separated event types (any of them)', list)
    .option('--tags <tags>', 'comma-separated tags (all of them)', list)
    .option('--since <time>', 'at or after: 30m, 2h, 7d, 1w or ISO 8601')
    .option('--until <time>', 'before: 30m, 2h, 7d, 1w or ISO 8601')
    .option('--query <words>', 'keyword search, as search reads it ("a phrase", prefix*, OR)')
    .option('--ids <ids>', 'comma-separated memory ids (at most 1000)', list)
    .option('--all', 'every memory of the org (no filter may be given)')
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .action(async (o: ForgetFlags) => {
      const input: ForgetInput = {
        agentId: o.agent,
        sessionId: o.session,
        memoryTypes: o.type,
        eventTypes: o.eventType,
        tags: o.tags,
        since: o.since,
        until: o.until,
        query: o.query,
        ids: o.ids,
        dryRun: o.dryRun === true,
        all: o.all === true,
      };
      const filtered = [o.agent, o.session, o.since, o.until, o.query].some((v) => v !== undefined);
      const listed = [o.type, o.eventType, o.tags, o.ids].some((v) => (v?.length ?? 0) > 0);
      if (!filtered && !listed && o.all !== true) {
        throw new CommanderError(
          2,
          'memtrace.usage',
          `forget needs a filter (${FILTER_FLAGS}), or --all for every memory of the org`,
        );
      }
      const operator: Principal = {
        orgId: o.org,
        keyId: 'cli',
        permissions: ['read', 'write', 'admin'],
      };
      await withStore(
        async (_storage, core) => {
          const { count, dryRun } = await core.memories.forget(operator, input);
          out(
            dryRun
              ? `would forget ${memories(count)} of ${o.org} (dry run: nothing deleted)`
              : `forgot ${memories(count)} of ${o.org}`,
          );
        },
        { log: true },
      );
    });
}
