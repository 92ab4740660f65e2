import { CommanderError, type Command } from 'commander';
import {
  DEFAULT_ARC_MEASUREMENT,
  DomainError,
  type ArcInstanceView,
} from '../../../domain/index.js';
import { iso, out, withArcRouting, withStore } from './common.js';

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

/** `memtrace org create|list|add-arc|show-arc|remove-arc`: orgs and their own Arc instances. */
export function addOrgCommands(cli: Command): void {
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
}
