import type http from 'node:http';
import zlib from 'node:zlib';
import {
  decodePayload,
  PayloadDecodeError,
  RecordWriteError,
  toBatches,
  type DecodedRecord,
} from './ingest.js';
import { headerString, json, type Reply } from './http-reply.js';
import { parseLineProtocol, parsePrecision } from './line-protocol.js';
import { decodeMsgpack, MsgpackDecodeError } from './msgpack-decoder.js';
import type { ArcStorage } from './storage.js';

/** Arc's write endpoints: msgpack (§1.3) and line protocol (§1.4), sharing one ingest tail. */

const WRITE_DB = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MEASUREMENT = /^[a-zA-Z][a-zA-Z0-9_-]*$/;

/** Body compression by magic bytes, not headers (§1.3): gzip, zstd, else raw. */
function decompress(raw: Buffer): Uint8Array | Reply {
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return zlib.gunzipSync(raw);
    } catch (e) {
      return json(400, { error: `Invalid gzip compression: ${(e as Error).message}` });
    }
  }
  if (raw[0] === 0x28 && raw[1] === 0xb5 && raw[2] === 0x2f && raw[3] === 0xfd) {
    const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer })
      .zstdDecompressSync;
    if (!zstd) {
      return json(400, { error: 'Invalid zstd compression: zstd needs Node >= 22.15' });
    }
    try {
      return zstd(raw);
    } catch (e) {
      return json(400, { error: `Invalid zstd compression: ${(e as Error).message}` });
    }
  }
  return raw;
}

export async function handleMsgpackWrite(
  storage: ArcStorage,
  req: http.IncomingMessage,
  raw: Buffer,
): Promise<Reply> {
  if (raw.length === 0) return json(400, { error: 'Empty payload' });
  const payload = decompress(raw);
  if (!(payload instanceof Uint8Array)) return payload;
  let records;
  try {
    const nowMicros = BigInt(Date.now()) * 1000n;
    records = decodePayload(decodeMsgpack(payload), nowMicros);
  } catch (e) {
    if (e instanceof MsgpackDecodeError) {
      return json(400, {
        error: `Invalid MessagePack payload: failed to unmarshal msgpack: ${e.message}`,
      });
    }
    if (e instanceof PayloadDecodeError) {
      return json(400, { error: `Invalid MessagePack payload: ${e.message}` });
    }
    throw e;
  }
  return ingest(storage, headerString(req, 'x-arc-database') || 'default', records);
}

/**
 * Line-protocol writes (§1.4). The database comes from `x-arc-database`, else from the
 * `db` (InfluxDB 1.x) or `bucket` (2.x) query parameter, else `default`.
 */
export async function handleLineProtocolWrite(
  storage: ArcStorage,
  req: http.IncomingMessage,
  raw: Buffer,
  dbParam?: 'db' | 'bucket',
): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const requested = url.searchParams.get('precision');
  const precision = parsePrecision(requested);
  if (!precision) {
    return json(400, {
      error: `invalid precision ${JSON.stringify(requested)}: must be ns, us, ms, or s`,
    });
  }
  if (raw.length === 0) return json(400, { error: 'Empty request body' });
  const payload = decompress(raw);
  if (!(payload instanceof Uint8Array)) return payload;
  const text = Buffer.from(payload).toString('utf8');
  const records = parseLineProtocol(text, precision, BigInt(Date.now()) * 1000n);
  if (records.length === 0) return json(400, { error: 'No valid records in request' });
  const db =
    headerString(req, 'x-arc-database') ||
    (dbParam ? url.searchParams.get(dbParam) : null) ||
    'default';
  return ingest(storage, db, records);
}

/** The shared tail of every write: name checks, type inference, buffering; 204. */
async function ingest(storage: ArcStorage, db: string, records: DecodedRecord[]): Promise<Reply> {
  if (!WRITE_DB.test(db)) {
    return json(400, {
      error:
        'invalid database name: must start with a letter and contain only alphanumeric ' +
        'characters, underscores, or hyphens (max 64 characters)',
    });
  }
  for (const r of records) {
    if (r.measurement.length > 128 || !MEASUREMENT.test(r.measurement)) {
      return json(400, {
        error:
          `invalid measurement name ${JSON.stringify(r.measurement)}: must start with a letter ` +
          'and contain only alphanumeric characters, underscores, or hyphens',
      });
    }
  }
  let batches;
  try {
    batches = toBatches(records);
  } catch (e) {
    if (e instanceof RecordWriteError) {
      return json(500, { error: `Failed to write records: ${e.message}` });
    }
    throw e;
  }
  for (const batch of batches) await storage.write(db, batch);
  return { status: 204 };
}
