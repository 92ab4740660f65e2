import type { Command } from 'commander';
import { iso, orgOption, out, withStore } from './common.js';

/** `memtrace key create|list|revoke`: the API keys of an org. */
export function addKeyCommands(cli: Command): void {
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
}
