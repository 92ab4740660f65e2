import { gunzipSync } from 'node:zlib';
import { decode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import {
  ARC_COLUMNS,
  encodeWrite,
  parseQueryAnswer,
  readAnswer,
  tagNeedle,
  tagSet,
  toInt,
} from '../../../adapters/storage/arc/arc-wire.js';
import { aMemory } from '../../support/builders.js';

type Columnar = { m: string; columns: Record<string, unknown[]> };

describe('encodeWrite', () => {
  it('writes one columnar map with every column as long as the rows', async () => {
    const rows = [
      { memory: aMemory({ sessionId: null }), seq: 1n, revision: 0 },
      { memory: aMemory(), seq: 2n, revision: 0 },
    ];
    const body = (await encodeWrite('events', rows, 1 << 20)) as Uint8Array;
    const decoded = decode(body, { useBigInt64: true }) as Columnar;
    expect(decoded.m).toBe('events');
    expect(Object.keys(decoded.columns).sort()).toEqual([...ARC_COLUMNS].sort());
    for (const values of Object.values(decoded.columns)) expect(values).toHaveLength(2);
    expect(decoded.columns['session_id']?.[0]).toBeNull();
  });

  it('sends time, time_ms and seq as int64 and importance as float64 even when whole', async () => {
    const m = aMemory({ importance: 1, time: 1_770_494_400_123, metadata: { n: 2 } });
    const body = await encodeWrite('events', [{ memory: m, seq: 2n ** 60n, revision: 0 }], 1 << 20);
    const { columns } = decode(body, { useBigInt64: true }) as Columnar;
    expect(columns['time']).toEqual([1_770_494_400_123_000n]);
    expect(columns['time_ms']).toEqual([1_770_494_400_123n]);
    expect(columns['seq']).toEqual([2n ** 60n]);
    expect(columns['importance']).toEqual([1]);
    expect(typeof columns['importance']?.[0]).toBe('number');
    // 0xcb: msgpack float64, followed by the IEEE bytes of 1.0.
    expect(Buffer.from(body).includes(Buffer.from([0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]))).toBe(
      true,
    );
  });

  it('sends metadata and tags as JSON text and the tag set for exact matching', async () => {
    const m = aMemory({ metadata: { b: 1, a: [true, null] }, tags: ['x.y', 'load'] });
    const body = await encodeWrite('events', [{ memory: m, seq: 1n, revision: 0 }], 1 << 20);
    const { columns } = decode(body, { useBigInt64: true }) as Columnar;
    expect(columns['metadata_json']).toEqual(['{"b":1,"a":[true,null]}']);
    expect(columns['tags_json']).toEqual(['["x.y","load"]']);
    expect(columns['tag_set']).toEqual([',x.y,load,']);
  });

  it('gzips a body above the threshold and leaves a small one raw', async () => {
    const rows = [{ memory: aMemory({ content: 'x'.repeat(5000) }), seq: 1n, revision: 0 }];
    const small = await encodeWrite('events', rows, 1 << 20);
    const big = await encodeWrite('events', rows, 100);
    expect([small[0], small[1]]).not.toEqual([0x1f, 0x8b]);
    expect([big[0], big[1]]).toEqual([0x1f, 0x8b]);
    expect(Buffer.from(gunzipSync(big))).toEqual(Buffer.from(small));
  });
});

describe('tagSet and tagNeedle', () => {
  it('match a tag only whole, never across two tags or inside a longer one', () => {
    const set = tagSet(['prod', 'eu', 'a,b']);
    expect(set.includes(tagNeedle('prod'))).toBe(true);
    expect(set.includes(tagNeedle('a,b'))).toBe(true);
    expect(set.includes(tagNeedle('pro'))).toBe(false);
    expect(set.includes(tagNeedle('prod,eu'))).toBe(false);
    expect(set.includes(tagNeedle('b'))).toBe(false);
    expect(tagSet([])).toBe(',');
  });
});

describe('parseQueryAnswer', () => {
  it('reads rows by column name whatever the column order', () => {
    const text =
      '{"success":true,"columns":["b","a"],"data":[[1,"x"],[2,"y"]],"row_count":2,' +
      '"execution_time_ms":1,"timestamp":"2026-02-13T10:30:00Z"}';
    expect(parseQueryAnswer(text).rows).toEqual([
      { a: 'x', b: 1 },
      { a: 'y', b: 2 },
    ]);
  });

  it('gives no rows for a measurement nothing was written to (200 with no columns)', () => {
    const text = '{"success":true,"columns":[],"data":[],"row_count":0,"execution_time_ms":0}';
    expect(parseQueryAnswer(text)).toEqual({ columns: [], rows: [] });
    expect(readAnswer(text, 'rows')).toEqual([]);
    expect(readAnswer(text, 'one')).toEqual([]);
  });

  it('refuses a body cut off mid-stream, a short data array and an error envelope', () => {
    expect(() => parseQueryAnswer('{"success":true,"columns":["a"],"data":[[1],')).toThrow(
      /incomplete/,
    );
    expect(() =>
      parseQueryAnswer('{"success":true,"columns":["a"],"data":[[1]],"row_count":2}'),
    ).toThrow(/cut short/);
    expect(() =>
      parseQueryAnswer(
        '{"success":false,"columns":null,"data":null,"row_count":0,"error":"Binder Error: x"}',
      ),
    ).toThrow(/Binder Error/);
  });
});

describe('readAnswer', () => {
  const answer = (data: unknown[][], columns = ['id', 'arc_end']) =>
    JSON.stringify({ success: true, columns, data, row_count: data.length });

  it('returns the rows before the end marker', () => {
    expect(
      readAnswer(
        answer([
          ['a', false],
          ['b', false],
          [null, true],
        ]),
        'rows',
      ),
    ).toEqual([
      { id: 'a', arc_end: false },
      { id: 'b', arc_end: false },
    ]);
    expect(readAnswer(answer([[null, true]]), 'rows')).toEqual([]);
  });

  it('refuses an answer Arc cut short with a 200 (no end marker last)', () => {
    expect(() => readAnswer(answer([['a', false]]), 'rows')).toThrow(/stops before its end/);
    expect(() => readAnswer(answer([]), 'rows')).toThrow(/stops before its end/);
  });

  it('wants exactly one row of an aggregate once anything was written', () => {
    expect(readAnswer(answer([[3]], ['n']), 'one')).toEqual([{ n: 3 }]);
    expect(() => readAnswer(answer([], ['n']), 'one')).toThrow(/without its row/);
  });
});

describe('toInt', () => {
  it('reads BIGINT numbers, HUGEINT and DECIMAL text, and null as 0', () => {
    expect(toInt(3)).toBe(3);
    expect(toInt('10')).toBe(10);
    expect(toInt('3')).toBe(3);
    expect(toInt(null)).toBe(0);
    expect(() => toInt('x')).toThrow();
  });
});
