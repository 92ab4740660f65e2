import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { ConfigError } from './config-error.js';
import type { Source, Table } from './parse-setting.js';

/** The memtrace.toml to read: MEMTRACE_CONFIG, else the first of ./, /etc/memtrace/, ~/.memtrace/. */
export function findConfigFile(env: Source, cwd: string): string | undefined {
  const explicit = env.MEMTRACE_CONFIG;
  if (explicit) {
    if (!existsSync(explicit))
      throw new ConfigError(`MEMTRACE_CONFIG names a missing file: ${explicit}`);
    return explicit;
  }
  const home = env.HOME ?? homedir();
  return [
    path.join(cwd, 'memtrace.toml'),
    '/etc/memtrace/memtrace.toml',
    path.join(home, '.memtrace', 'memtrace.toml'),
  ].find((candidate) => existsSync(candidate));
}

/** The tables of a memtrace.toml. */
export function readToml(file: string): Table {
  try {
    return parseToml(readFileSync(file, 'utf8')) as Table;
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new ConfigError(`${file} is not valid TOML: ${reason}`);
  }
}
