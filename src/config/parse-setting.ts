import { ConfigError } from './config-error.js';

/** Where settings come from: the environment's MEMTRACE_* variables (or a test's stand-in). */
export type Source = Readonly<Record<string, string | undefined>>;
/** One table of memtrace.toml. */
export type Table = Record<string, unknown>;
/** A setting's value, from the environment or else memtrace.toml; undefined when unset. */
export type ReadSetting = (section: string, key: string) => string | undefined;
/** A setting's environment name, as error messages say it: `MEMTRACE_SECTION_KEY`. */
export type SettingName = (section: string, key: string) => string;

/** @throws ConfigError naming the setting unless `value` is an integer from `min` to `max` */
export function parseInteger(name: string, value: string, min: number, max: number): number {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** @throws ConfigError naming the setting unless `value` is a yes or no word */
export function parseBool(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got '${value}'`);
}
