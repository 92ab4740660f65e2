import { gzipSync } from 'node:zlib';
import { encode } from '@msgpack/msgpack';
import type { FakeArc } from '../../support/fake-arc/index.js';

/** Encodes like the arc driver must: numbers as float64, bigints as int64 (reference §1.3). */
export const msgpack = (value: unknown): Uint8Array =>
  encode(value, { useBigInt64: true, forceIntegerToFloat: true });

export interface ArcReply {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

let dbCounter = 0;
/** A database name no other test uses, so tests can share one server. */
export const freshDb = (): string => `db${Date.now().toString(36)}${dbCounter++}`;

async function reply(res: Response): Promise<ArcReply> {
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, json: parsed };
}

export async function writeRaw(
  arc: FakeArc,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<ArcReply> {
  const res = await fetch(`${arc.url}/api/v1/write/msgpack`, {
    method: 'POST',
    headers: { 'content-type': 'application/msgpack', ...headers },
    body,
  });
  return reply(res);
}

export function write(
  arc: FakeArc,
  db: string | undefined,
  payload: unknown,
  opts: { gzip?: boolean; headers?: Record<string, string> } = {},
): Promise<ArcReply> {
  const encoded = msgpack(payload);
  const headers: Record<string, string> = { ...opts.headers };
  if (db !== undefined) headers['x-arc-database'] = db;
  return writeRaw(arc, opts.gzip ? gzipSync(encoded) : encoded, headers);
}

export async function query(
  arc: FakeArc,
  db: string | undefined,
  sql: string,
  headers: Record<string, string> = {},
): Promise<ArcReply> {
  const res = await fetch(`${arc.url}/api/v1/query`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(db === undefined ? {} : { 'x-arc-database': db }),
      ...headers,
    },
    body: JSON.stringify({ sql }),
  });
  return reply(res);
}

export async function post(
  arc: FakeArc,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<ArcReply> {
  const res = await fetch(`${arc.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return reply(res);
}

/** Rows of a successful query as objects keyed by column name (Arc's column order is random). */
export function rowsOf(r: ArcReply): Record<string, unknown>[] {
  if (r.status !== 200 || r.json?.success !== true) {
    throw new Error(`query failed: ${r.status} ${r.text}`);
  }
  const columns = r.json.columns as string[];
  return (r.json.data as unknown[][]).map((row) =>
    Object.fromEntries(columns.map((c, i) => [c, row[i]])),
  );
}
