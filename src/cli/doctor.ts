import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { DEFAULT_ORG_ID } from '../../domain/index.js';
import { loadConfig, type Config } from '../config/index.js';
import { createMemtrace } from '../core.js';
import { openConfiguredStorage } from '../modules/storage.module.js';

/** One finding: `ok` passed, `warn` works but needs attention, `fail` stops memtrace. */
export interface Check {
  readonly status: 'ok' | 'warn' | 'fail';
  readonly name: string;
  readonly message: string;
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Checks what `memtrace serve` needs, in order, stopping at the first failure that makes the
 * rest meaningless: the configuration, the store's location, opening the store (which applies
 * pending migrations, as the server does), that it answers, and its orgs and keys.
 */
export async function runDoctor(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
): Promise<Check[]> {
  const checks: Check[] = [];
  let config: Config;
  try {
    config = loadConfig(env, cwd);
    checks.push({
      status: 'ok',
      name: 'config',
      message: `${config.file ? `read ${config.file}` : 'no memtrace.toml: defaults and MEMTRACE_* variables'}; driver ${config.storage.driver}, listening on ${config.server.host}:${config.server.port}`,
    });
  } catch (e) {
    checks.push({ status: 'fail', name: 'config', message: reason(e) });
    return checks;
  }

  if (config.storage.driver === 'sqlite' && config.storage.sqlitePath !== ':memory:') {
    const file = path.resolve(cwd, config.storage.sqlitePath);
    const dir = path.dirname(file);
    let nearest = dir;
    while (!existsSync(nearest) && path.dirname(nearest) !== nearest) {
      nearest = path.dirname(nearest);
    }
    try {
      accessSync(nearest, constants.W_OK);
      checks.push({
        status: 'ok',
        name: 'sqlite file',
        message: existsSync(file) ? `${file} exists` : `${file} will be created`,
      });
    } catch {
      checks.push({
        status: 'fail',
        name: 'sqlite file',
        message: `${nearest} is not writable: memtrace cannot create or write ${file}`,
      });
      return checks;
    }
  }
  if (config.storage.driver === 'memory') {
    checks.push({
      status: 'warn',
      name: 'storage',
      message: 'the memory driver keeps nothing across restarts',
    });
  }

  let storage: StorageBundle;
  try {
    storage = await openConfiguredStorage(config);
    checks.push({
      status: 'ok',
      name: 'storage',
      message: `opened the ${storage.driver} store`,
    });
  } catch (e) {
    checks.push({
      status: 'fail',
      name: 'storage',
      message: `cannot open the store: ${reason(e)}`,
    });
    return checks;
  }
  try {
    await storage.ping();
    checks.push({ status: 'ok', name: 'ping', message: 'the store answers' });
    const orgs = await storage.auth.listOrgs();
    if (orgs.length === 0) {
      checks.push({
        status: 'warn',
        name: 'orgs',
        message:
          'no org yet: the first `memtrace serve` creates the default org and prints its admin key',
      });
    } else {
      const keys = await storage.auth.listKeys(DEFAULT_ORG_ID);
      const admins = keys.filter((k) => k.permissions.includes('admin')).length;
      checks.push({
        status: admins > 0 ? 'ok' : 'warn',
        name: 'keys',
        message: `${orgs.length} org(s); ${DEFAULT_ORG_ID} has ${keys.length} active key(s), ${admins} with admin${admins > 0 ? '' : ': create one with `memtrace key create --name admin --permissions read,write,admin`'}`,
      });
    }
    const routing = await checkArcRouting(storage, config);
    if (routing) checks.push(routing);
  } catch (e) {
    checks.push({
      status: 'fail',
      name: 'ping',
      message: `the store does not answer: ${reason(e)}`,
    });
  } finally {
    await storage.close();
  }
  return checks;
}

/**
 * Orgs routed to their own Arc instance: whether their stored API keys open with this
 * MEMTRACE_MASTER_KEY (an org whose key does not open gets 503 on every memory request), and
 * whether the driver uses the routing at all. Null when no org is routed.
 */
async function checkArcRouting(storage: StorageBundle, config: Config): Promise<Check | null> {
  const service = createMemtrace({ storage, masterKey: config.secrets.masterKey }).arcInstances;
  const routed = await service.list();
  if (routed.length === 0) return null;
  const unreadable: string[] = [];
  for (const instance of routed) {
    try {
      await service.routeFor(instance.orgId);
    } catch (e) {
      unreadable.push(`${instance.orgId} (${reason(e)})`);
    }
  }
  if (unreadable.length > 0) {
    return {
      status: 'fail',
      name: 'arc routing',
      message: `the stored Arc API key of ${unreadable.join(', ')} does not open: its memory requests get 503`,
    };
  }
  if (config.storage.driver !== 'arc') {
    return {
      status: 'warn',
      name: 'arc routing',
      message: `${routed.length} org(s) routed to their own Arc, but the driver is ${config.storage.driver}: routing applies with MEMTRACE_STORAGE_DRIVER=arc only`,
    };
  }
  return {
    status: 'ok',
    name: 'arc routing',
    message: `${routed.length} org(s) routed to their own Arc; every stored API key opens`,
  };
}

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

/** One line per check: `✓ config: ...`. */
export const formatCheck = (c: Check): string => `${MARK[c.status]} ${c.name}: ${c.message}`;
