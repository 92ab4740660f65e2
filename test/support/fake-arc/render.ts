import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

/**
 * Arc's JSON value rendering (reference §1.5, `writeArrowValue`), producing JSON text directly so
 * that 64-bit integers keep all their digits.
 */

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Go's RFC3339Nano in UTC from nanoseconds since epoch: fraction trimmed, none when zero. */
export function rfc3339Nano(nanos: bigint): string {
  const NS_PER_S = 1_000_000_000n;
  let secs = nanos / NS_PER_S;
  let frac = nanos % NS_PER_S;
  if (frac < 0n) {
    frac += NS_PER_S;
    secs -= 1n;
  }
  const d = new Date(Number(secs) * 1000);
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const fraction = frac === 0n ? '' : `.${String(frac).padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${fraction}Z`;
}

/** Go's RFC3339 (seconds precision) for the envelope's `timestamp`. */
export function rfc3339Seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Go's strconv.FormatFloat(x, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function formatFloat(x: number): string {
  if (Object.is(x, -0)) return '-0';
  const s = String(x);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, rest = '', expStr] = m;
  const digits = `${lead}${rest}`;
  const exp = Number(expStr);
  if (exp >= 0) {
    const intLen = 1 + exp;
    return digits.length <= intLen
      ? `${sign}${digits}${'0'.repeat(intLen - digits.length)}`
      : `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** arrow-go's decimal `ValueStr`: big.Float `%g`-style, trailing zeros dropped (3.0 → "3"). */
export function formatDecimal(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = String(negative ? -value : value);
  if (value === 0n) return '0';
  const padded = digits.padStart(scale + 1, '0');
  const intPart = padded.slice(0, padded.length - scale);
  const fracPart = padded.slice(padded.length - scale).replace(/0+$/, '');
  const sign = negative ? '-' : '';
  // %g switches to an exponent below 1e-4.
  const exp10 = digits.length - 1 - scale;
  if (exp10 < -4) {
    const mantissa = digits.replace(/0+$/, '');
    const m = mantissa.length > 1 ? `${mantissa[0]}.${mantissa.slice(1)}` : mantissa;
    return `${sign}${m}e-${pad(-exp10)}`;
  }
  return fracPart === '' ? `${sign}${intPart}` : `${sign}${intPart}.${fracPart}`;
}

/** Renders one DuckDB value as Arc's JSON writer does. */
export function renderValue(type: DuckDBType, value: DuckDBValue): string {
  if (value === null) return 'null';
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return value ? 'true' : 'false';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
      return String(value);
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return typeof value === 'number' && Number.isFinite(value) ? formatFloat(value) : 'null';
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return JSON.stringify(String(value));
    case DuckDBTypeId.DECIMAL:
      return value instanceof DuckDBDecimalValue
        ? JSON.stringify(formatDecimal(value.value, value.scale))
        : JSON.stringify(String(value));
    case DuckDBTypeId.TIMESTAMP_TZ:
      if (value instanceof DuckDBTimestampTZValue) {
        return JSON.stringify(rfc3339Nano(value.micros * 1000n));
      }
      break;
    case DuckDBTypeId.TIMESTAMP:
      if (value instanceof DuckDBTimestampValue) {
        return JSON.stringify(rfc3339Nano(value.micros * 1000n));
      }
      break;
    case DuckDBTypeId.TIMESTAMP_S:
      if (value instanceof DuckDBTimestampSecondsValue) {
        return JSON.stringify(rfc3339Nano(value.seconds * 1_000_000_000n));
      }
      break;
    case DuckDBTypeId.TIMESTAMP_MS:
      if (value instanceof DuckDBTimestampMillisecondsValue) {
        return JSON.stringify(rfc3339Nano(value.millis * 1_000_000n));
      }
      break;
    case DuckDBTypeId.TIMESTAMP_NS:
      if (value instanceof DuckDBTimestampNanosecondsValue) {
        return JSON.stringify(rfc3339Nano(value.nanos));
      }
      break;
    case DuckDBTypeId.DATE:
      if (value instanceof DuckDBDateValue) {
        return JSON.stringify(rfc3339Nano(BigInt(value.days) * 86_400_000_000_000n));
      }
      break;
    default:
      break;
  }
  return JSON.stringify(String(value));
}
