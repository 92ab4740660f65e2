import { goTypeName, type MsgMap, type MsgValue } from './msgpack-decoder.js';

/**
 * Arc's msgpack ingest pipeline (reference §1.3): payload shapes → decoded records (the decoder
 * stage, whose failures are 400 `Invalid MessagePack payload: …`), then per-batch type inference
 * and coercion (the Arrow-writer stage, whose failures are 500 `Failed to write records: …`).
 */

export type ColumnType = 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
export type CellValue = bigint | number | string | boolean | null;

export interface TypedColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly values: CellValue[];
}

/** One batch as Arc's Arrow writer sees it: one measurement, one schema, time in µs. */
export interface TypedBatch {
  readonly measurement: string;
  readonly time: bigint[];
  readonly columns: TypedColumn[];
}

/** A decoder-stage failure: the request gets 400 `Invalid MessagePack payload: <message>`. */
export class PayloadDecodeError extends Error {}

/** A writer-stage failure: the request gets 500 `Failed to write records: <message>`. */
export class RecordWriteError extends Error {}

interface ColumnarRecord {
  readonly kind: 'columnar';
  readonly measurement: string;
  readonly columns: Map<string, MsgValue[]>;
  /** µs since epoch; null entries are refused later by the writer, as Arc does. */
  readonly time: (bigint | null)[];
}

interface RowRecord {
  readonly kind: 'row';
  readonly measurement: string;
  readonly time: bigint;
  readonly fields: Map<string, MsgValue>;
  readonly tags: Map<string, string>;
}

export type DecodedRecord = ColumnarRecord | RowRecord;

const isMap = (v: MsgValue | undefined): v is MsgMap => v instanceof Map;

function toInt64(v: MsgValue | undefined): bigint | undefined {
  if (typeof v === 'bigint') return BigInt.asIntN(64, v);
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  return undefined;
}

/** Unit detection from one value: < 1e10 s, < 1e13 ms, < 1e16 µs, else ns (§1.3). */
function unitToMicros(first: bigint): (ts: bigint) => bigint {
  if (first < 10_000_000_000n) return (ts) => ts * 1_000_000n;
  if (first < 10_000_000_000_000n) return (ts) => ts * 1000n;
  if (first < 10_000_000_000_000_000n) return (ts) => ts;
  return (ts) => ts / 1000n;
}

function extractMeasurement(m: MsgValue | undefined): string {
  if (m === undefined || m === null) {
    throw new PayloadDecodeError("missing required field 'm' (measurement)");
  }
  if (typeof m === 'string') return m;
  if (typeof m === 'bigint') return `measurement_${m}`;
  throw new PayloadDecodeError(`invalid measurement type: ${goTypeName(m)}`);
}

function goValueString(v: MsgValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
}

function decodeColumnar(item: MsgMap, cols: MsgMap, nowMicros: bigint): ColumnarRecord {
  const measurement = extractMeasurement(item.get('m'));
  const columns = new Map<string, MsgValue[]>();
  // Entries that are not arrays are dropped by Arc's map→payload conversion.
  for (const [name, v] of cols) if (Array.isArray(v)) columns.set(name, v);
  if (columns.size === 0) {
    throw new PayloadDecodeError("columnar format requires non-empty 'columns' dict");
  }
  let expected = -1;
  for (const [name, values] of columns) {
    if (expected < 0) expected = values.length;
    else if (values.length !== expected) {
      throw new PayloadDecodeError(
        `columnar format: array length mismatch (expected ${expected}, got ${values.length} for '${name}')`,
      );
    }
  }
  const rawTime = columns.get('time');
  let time: (bigint | null)[];
  if (rawTime === undefined || rawTime.length === 0) {
    time = new Array<bigint>(expected).fill(nowMicros);
  } else {
    const first = toInt64(rawTime[0]);
    if (first === undefined) {
      throw new PayloadDecodeError(
        `failed to normalize timestamps: invalid timestamp type in columnar format: ${goTypeName(rawTime[0])}`,
      );
    }
    const convert = unitToMicros(first);
    time = rawTime.map((v, i) => {
      if (v === null) return null;
      const ts = toInt64(v);
      if (ts === undefined) {
        throw new PayloadDecodeError(
          `failed to normalize timestamps: invalid timestamp type at index ${i}: ${goTypeName(v)}`,
        );
      }
      return convert(ts);
    });
  }
  columns.delete('time');
  return { kind: 'columnar', measurement, columns, time };
}

function decodeRow(item: MsgMap, nowMicros: bigint): RowRecord {
  const measurement = extractMeasurement(item.get('m'));
  const t = item.get('t');
  let time = nowMicros;
  if (t !== undefined && t !== null) {
    const ts = toInt64(t);
    if (ts === undefined) throw new PayloadDecodeError(`invalid timestamp type: ${goTypeName(t)}`);
    time = unitToMicros(ts)(ts);
  }
  const h = item.get('h');
  const host =
    typeof h === 'string' ? h : typeof h === 'bigint' ? `host_${BigInt.asIntN(64, h)}` : 'unknown';
  let fields: Map<string, MsgValue>;
  const rawFields = item.get('fields');
  const compact = item.get('f');
  if (isMap(rawFields)) fields = rawFields;
  else if (compact !== undefined && compact !== null) {
    fields = new Map();
    if (Array.isArray(compact)) compact.forEach((v, i) => fields.set(`field_${i}`, v));
  } else throw new PayloadDecodeError("missing required field 'fields' or 'f'");
  const tags = new Map<string, string>();
  const rawTags = item.get('tags');
  if (isMap(rawTags)) for (const [k, v] of rawTags) tags.set(k, goValueString(v));
  tags.set('host', host);
  return { kind: 'row', measurement, time, fields, tags };
}

function decodeItem(item: MsgMap, nowMicros: bigint): DecodedRecord[] {
  const batch = item.get('batch');
  if (Array.isArray(batch)) {
    // Items that fail to decode are skipped and the request still succeeds (§1.3 batch).
    const out: DecodedRecord[] = [];
    for (const sub of batch) {
      if (!isMap(sub)) continue;
      try {
        out.push(...decodeItem(sub, nowMicros));
      } catch (e) {
        if (!(e instanceof PayloadDecodeError)) throw e;
      }
    }
    return out;
  }
  const cols = item.get('columns');
  return [isMap(cols) ? decodeColumnar(item, cols, nowMicros) : decodeRow(item, nowMicros)];
}

/**
 * Turns a decoded msgpack value into records, following Arc's three shapes: columnar, row and
 * batch (a `batch` key or a top-level array). Throws {@link PayloadDecodeError}.
 */
export function decodePayload(payload: MsgValue, nowMicros: bigint): DecodedRecord[] {
  if (isMap(payload)) return decodeItem(payload, nowMicros);
  if (Array.isArray(payload)) {
    const out: DecodedRecord[] = [];
    for (const item of payload) {
      if (!isMap(item)) continue;
      try {
        out.push(...decodeItem(item, nowMicros));
      } catch (e) {
        if (!(e instanceof PayloadDecodeError)) throw e;
      }
    }
    return out;
  }
  throw new PayloadDecodeError(`unsupported msgpack payload type: ${goTypeName(payload)}`);
}

function inferType(name: string, values: readonly MsgValue[]): ColumnType {
  for (const v of values) {
    if (v === null) continue;
    if (typeof v === 'bigint') return 'BIGINT';
    if (typeof v === 'number') return 'DOUBLE';
    if (typeof v === 'string') return 'VARCHAR';
    if (typeof v === 'boolean') return 'BOOLEAN';
    throw new RecordWriteError(
      `failed to convert columns: unsupported type ${goTypeName(v)} in column '${name}'`,
    );
  }
  return 'VARCHAR';
}

const GO_TARGET: Record<ColumnType, string> = {
  BIGINT: 'int64',
  DOUBLE: 'float64',
  VARCHAR: 'string',
  BOOLEAN: 'bool',
};

function coerce(name: string, type: ColumnType, v: MsgValue): CellValue {
  if (v === null) return null;
  if (type === 'BIGINT') {
    // A float after an int is silently truncated (§1.3).
    const n = toInt64(v);
    if (n !== undefined) return n;
  } else if (type === 'DOUBLE') {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(BigInt.asIntN(64, v));
  } else if (type === 'VARCHAR') {
    if (typeof v === 'string') return v;
  } else if (typeof v === 'boolean') return v;
  throw new RecordWriteError(
    `failed to convert columns: cannot convert ${goTypeName(v)} to ${GO_TARGET[type]} in column '${name}'`,
  );
}

function typedColumns(source: Iterable<[string, MsgValue[]]>): TypedColumn[] {
  const out: TypedColumn[] = [];
  for (const [name, values] of source) {
    if (name.startsWith('_')) continue; // Arc drops `_`-prefixed columns.
    const type = inferType(name, values);
    out.push({ name, type, values: values.map((v) => coerce(name, type, v)) });
  }
  return out;
}

function checkedTime(time: readonly (bigint | null)[]): bigint[] {
  return time.map((t) => {
    if (t === null) {
      throw new RecordWriteError(
        'failed to convert columns: time column cannot contain null values',
      );
    }
    return t;
  });
}

/**
 * Arc's Arrow-writer stage: each columnar record is its own batch; row records of one measurement
 * in one request are merged into one batch (tags and fields become plain columns, a field named
 * like a tag gets `_value`). Types come from each batch's first non-null value. Throws
 * {@link RecordWriteError}.
 */
export function toBatches(records: readonly DecodedRecord[]): TypedBatch[] {
  const batches: TypedBatch[] = [];
  const rowsByMeasurement = new Map<string, RowRecord[]>();
  for (const r of records) {
    if (r.kind === 'columnar') {
      batches.push({
        measurement: r.measurement,
        time: checkedTime(r.time),
        columns: typedColumns(r.columns),
      });
    } else {
      const group = rowsByMeasurement.get(r.measurement);
      if (group) group.push(r);
      else rowsByMeasurement.set(r.measurement, [r]);
    }
  }
  for (const [measurement, rows] of rowsByMeasurement) {
    const cols = new Map<string, MsgValue[]>();
    const cell = (name: string, i: number, v: MsgValue): void => {
      let col = cols.get(name);
      if (!col) {
        col = new Array<MsgValue>(rows.length).fill(null);
        cols.set(name, col);
      }
      col[i] = v;
    };
    rows.forEach((row, i) => {
      for (const [k, v] of row.tags) cell(k, i, v);
      for (const [k, v] of row.fields) {
        if (k === 'time') continue;
        cell(row.tags.has(k) ? `${k}_value` : k, i, v);
      }
    });
    batches.push({
      measurement,
      time: rows.map((r) => r.time),
      columns: typedColumns(cols),
    });
  }
  return batches;
}
