import { invalid } from './errors.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const RELATIVE = /^(\d{1,9})([mhdw])$/;
// Date, optionally with time, optional fraction and optional zone. Without a zone the time is UTC.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
// ECMAScript dates reach ±8.64e15 ms; stay well inside so arithmetic never leaves the range.
const MAX_ABS_MS = 8.64e15;

/**
 * Reads a point in time given as a relative expression (`30m`, `2h`, `7d`, `1w`: that long before
 * `nowMs`) or an ISO 8601 date or date-time (`2026-02-13`, `2026-02-13T10:30:00Z`,
 * `2026-02-13T10:30:00.123+02:00`; no zone means UTC).
 *
 * @param field the parameter's name, used in the error message
 * @returns milliseconds since the epoch, UTC
 * @throws DomainError `invalid` when the value is neither form or names an impossible date
 */
export function parseTimeExpression(field: string, value: string, nowMs: number): number {
  const text = value.trim();
  const rel = RELATIVE.exec(text);
  if (rel) {
    const ms = nowMs - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS];
    if (Math.abs(ms) > MAX_ABS_MS) throw invalidTime(field, value);
    return ms;
  }
  const iso = ISO.exec(text);
  if (!iso) throw invalidTime(field, value);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = iso;
  const ms = Number((frac + '000').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(utc);
  // Date.UTC rolls over (Feb 30 -> Mar 2); a rolled-over date was not a real one.
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(h) ||
    check.getUTCMinutes() !== Number(mi) ||
    check.getUTCSeconds() !== Number(s)
  ) {
    throw invalidTime(field, value);
  }
  const offset = zoneOffsetMs(zone);
  if (offset === null) throw invalidTime(field, value);
  return utc - offset;
}

/** The zone's offset from UTC in ms, or null for an impossible one (+25:00, +02:99). */
function zoneOffsetMs(zone: string): number | null {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes) * 60_000;
}

function invalidTime(field: string, value: string) {
  return invalid(
    `${field} must be a relative time (30m, 2h, 7d, 1w) or an ISO 8601 timestamp, got '${value.slice(0, 64)}'`,
  );
}

/** `2h30m15s` style, as the health endpoint reports uptime. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}
