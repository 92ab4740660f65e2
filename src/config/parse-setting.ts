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

const DURATION_UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A duration written as `<n><unit>` (`30s`, `5m`, `2h`, `7d`, `1w`), or `0`.
 * @returns ms
 * @throws ConfigError naming the setting unless it is one, up to `maxMs`
 */
export function parseDuration(name: string, value: string, maxMs: number): number {
  const match = /^(\d{1,9})([smhdw])$/.exec(value.trim());
  const ms =
    value.trim() === '0'
      ? 0
      : match
        ? Number(match[1]) * DURATION_UNIT_MS[match[2] as keyof typeof DURATION_UNIT_MS]
        : NaN;
  if (!(ms >= 0 && ms <= maxMs)) {
    throw new ConfigError(
      `${name} must be a duration such as 30s, 5m, 2h, 7d or 1w (at most ${maxMs / DURATION_UNIT_MS.w}w), got '${value}'`,
    );
  }
  return ms;
}

/** @throws ConfigError naming the setting unless `value` is a yes or no word */
export function parseBool(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got '${value}'`);
}
