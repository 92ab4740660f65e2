import type { DecodedRecord } from './ingest.js';
import type { MsgValue } from './msgpack-decoder.js';

/**
 * InfluxDB line protocol as Arc ingests it (reference §1.4): `m[,tag=v…] field=v[,…] [ts]`.
 * Tags and fields become plain columns (a field named like a tag gets `_value`, as in §1.3);
 * lines that do not parse are skipped.
 */

export type Precision = 'ns' | 'us' | 'ms' | 's';

const PRECISIONS: readonly string[] = ['ns', 'us', 'ms', 's'];

export function parsePrecision(p: string | null): Precision | undefined {
  if (p === null || p === '') return 'ns';
  return PRECISIONS.includes(p) ? (p as Precision) : undefined;
}

/** Splits on `sep` outside double quotes, honouring backslash escapes. */
function splitUnescaped(s: string, sep: string, quotes: boolean): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + (s[i + 1] as string);
      i++;
      continue;
    }
    if (quotes && ch === '"') inQuotes = !inQuotes;
    if (ch === sep && !inQuotes) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

const unescape = (s: string): string => s.replace(/\\([,= \\"])/g, '$1');

function parseFieldValue(raw: string): MsgValue | undefined {
  if (raw.startsWith('"')) {
    if (!raw.endsWith('"') || raw.length < 2) return undefined;
    return raw.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  if (/^-?\d+i$/.test(raw)) return BigInt.asIntN(64, BigInt(raw.slice(0, -1)));
  if (/^\d+u$/.test(raw)) return BigInt(raw.slice(0, -1));
  if (/^(t|T|true|True|TRUE)$/.test(raw)) return true;
  if (/^(f|F|false|False|FALSE)$/.test(raw)) return false;
  const n = Number(raw);
  return raw !== '' && Number.isFinite(n) ? n : undefined;
}

const TO_MICROS: Record<Precision, (ts: bigint) => bigint> = {
  ns: (ts) => ts / 1000n,
  us: (ts) => ts,
  ms: (ts) => ts * 1000n,
  s: (ts) => ts * 1_000_000n,
};

function parseLine(line: string, precision: Precision, nowMicros: bigint): DecodedRecord | null {
  const parts = splitUnescaped(line, ' ', true).filter((p) => p !== '');
  if (parts.length < 2 || parts.length > 3) return null;
  const [series = '', fieldSet = '', ts] = parts;
  const [measurement = '', ...tagPairs] = splitUnescaped(series, ',', false);
  const tags = new Map<string, string>();
  for (const pair of tagPairs) {
    const [k, v, ...rest] = splitUnescaped(pair, '=', false);
    if (!k || v === undefined || rest.length > 0) return null;
    tags.set(unescape(k), unescape(v));
  }
  const fields = new Map<string, MsgValue>();
  for (const pair of splitUnescaped(fieldSet, ',', true)) {
    const eq = pair.search(/(?<!\\)=/);
    if (eq <= 0) return null;
    const value = parseFieldValue(pair.slice(eq + 1));
    if (value === undefined) return null;
    fields.set(unescape(pair.slice(0, eq)), value);
  }
  let time = nowMicros;
  if (ts !== undefined) {
    if (!/^-?\d+$/.test(ts)) return null;
    time = TO_MICROS[precision](BigInt(ts));
  }
  return { kind: 'row', measurement: unescape(measurement), time, fields, tags };
}

/** Parses a line-protocol body; lines that fail to parse are skipped. */
export function parseLineProtocol(
  body: string,
  precision: Precision,
  nowMicros: bigint,
): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const record = parseLine(line, precision, nowMicros);
    if (record) out.push(record);
  }
  return out;
}
