#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { AuthService, DEFAULT_ORG_ID } from '../domain/index.js';
import { loadConfig } from './config.js';
import { buildContainer } from './container.js';
import { fail, serve } from './serve.js';

const USAGE = `Usage:
  memtrace [serve]                                   run the server
  memtrace migrate                                   apply pending storage migrations
  memtrace key create --name <name> [--org <org_id>] [--permissions read,write,admin]
  memtrace key list [--org <org_id>]
  memtrace key revoke <key_id> [--org <org_id>]
  memtrace org create <name>
  memtrace org list
--org defaults to ${DEFAULT_ORG_ID}. Configuration comes from memtrace.toml and MEMTRACE_* variables.`;

const iso = (ms: number) => new Date(ms).toISOString();

/** The `memtrace` command: the server, and the operator's key and org tools on the same store. */
export async function runCli(argv: readonly string[]): Promise<void> {
  const [command = 'serve', sub, ...rest] = argv;
  if (command === 'serve') return serve();
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const { values, positionals } = parseArgs({
    args: sub === undefined ? [] : [sub, ...rest],
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      org: { type: 'string', default: DEFAULT_ORG_ID },
      permissions: { type: 'string', default: 'read,write' },
    },
  });
  const config = loadConfig();
  const { container, storage } = await buildContainer(config);
  try {
    const auth = container.get(AuthService);
    const [action, arg] = positionals;
    const out = (line: string) => process.stdout.write(line + '\n');
    if (command === 'migrate') {
      out(`memtrace: storage ready (driver ${storage.driver}), migrations applied`);
    } else if (command === 'key' && action === 'create') {
      const issued = await auth.createKey(
        values.org,
        values.name ?? arg ?? '',
        values.permissions.split(','),
      );
      out('API key created (shown only once — save it now):');
      out(issued.apiKey);
      out(
        `key_id: ${issued.key.id}  org: ${issued.key.orgId}  permissions: ${issued.key.permissions.join(',')}`,
      );
    } else if (command === 'key' && action === 'list') {
      for (const k of await auth.listKeys(values.org)) {
        out(`${k.id}\t${k.name}\t${k.permissions.join(',')}\t${iso(k.createdAt)}`);
      }
    } else if (command === 'key' && action === 'revoke' && arg) {
      await auth.revokeKey(values.org, arg);
      out(`revoked ${arg}`);
    } else if (command === 'org' && action === 'create' && (arg || values.name)) {
      const { org, apiKey } = await auth.createOrg(arg ?? values.name ?? '');
      out(`org created: ${org.id} (${org.name})`);
      out('Admin API key for this org (shown only once — save it now):');
      out(apiKey);
    } else if (command === 'org' && action === 'list') {
      for (const o of await auth.listOrgs()) out(`${o.id}\t${o.name}\t${iso(o.createdAt)}`);
    } else {
      process.stderr.write(USAGE + '\n');
      process.exitCode = 2;
    }
  } finally {
    await storage.close();
  }
}

runCli(process.argv.slice(2)).catch(fail);
