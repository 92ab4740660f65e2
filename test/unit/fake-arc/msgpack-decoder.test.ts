import { describe, expect, it } from 'vitest';
import { encode } from '@msgpack/msgpack';
import {
  decodeMsgpack,
  goTypeName,
  MsgpackDecodeError,
} from '../../support/fake-arc/msgpack-decoder.js';
import { msgpack } from './arc-client.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('fake-arc msgpack decoder (§2.2: keeps int vs float, which §1.3 type inference needs)', () => {
  it('§2.2 decodes every integer encoding to bigint and every float encoding to number', () => {
    expect(decodeMsgpack(bytes(0x05))).toBe(5n); // positive fixint
    expect(decodeMsgpack(bytes(0xff))).toBe(-1n); // negative fixint
    expect(decodeMsgpack(bytes(0xcc, 0xff))).toBe(255n);
    expect(decodeMsgpack(bytes(0xcd, 0x01, 0x00))).toBe(256n);
    expect(decodeMsgpack(bytes(0xce, 0xff, 0xff, 0xff, 0xff))).toBe(4294967295n);
    expect(decodeMsgpack(bytes(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toBe(
      18446744073709551615n,
    );
    expect(decodeMsgpack(bytes(0xd0, 0x80))).toBe(-128n);
    expect(decodeMsgpack(bytes(0xd1, 0x80, 0x00))).toBe(-32768n);
    expect(decodeMsgpack(bytes(0xd2, 0x80, 0, 0, 0))).toBe(-2147483648n);
    expect(decodeMsgpack(bytes(0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0))).toBe(-9223372036854775808n);
    expect(decodeMsgpack(bytes(0xca, 0x3f, 0xc0, 0, 0))).toBe(1.5); // float32
    expect(decodeMsgpack(bytes(0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0))).toBe(1); // float64 1.0
  });

  it('keeps 1.0 a float when the driver encodes with forceIntegerToFloat (the §1.3 JS pitfall)', () => {
    expect(decodeMsgpack(msgpack(1))).toBe(1);
    expect(typeof decodeMsgpack(msgpack(1))).toBe('number');
    expect(decodeMsgpack(msgpack(1n))).toBe(1n);
    // Without the option @msgpack/msgpack writes 1.0 as an integer, and Arc infers BIGINT.
    expect(decodeMsgpack(encode(1))).toBe(1n);
  });

  it('§1.3 decodes nil, booleans, str, bin, arrays and maps in key order', () => {
    const v = decodeMsgpack(
      msgpack({ b: [true, false, null], s: 'héllo', z: new Uint8Array([1, 2]) }),
    );
    expect(v).toBeInstanceOf(Map);
    const m = v as Map<string, unknown>;
    expect([...m.keys()]).toEqual(['b', 's', 'z']);
    expect(m.get('b')).toEqual([true, false, null]);
    expect(m.get('s')).toBe('héllo');
    expect(m.get('z')).toEqual(new Uint8Array([1, 2]));
  });

  it('§2.2 decodes str8/16/32 and array16/map16 lengths', () => {
    const long = 'x'.repeat(70_000);
    expect(decodeMsgpack(msgpack(long))).toBe(long);
    const arr = Array.from({ length: 300 }, (_, i) => BigInt(i));
    expect(decodeMsgpack(msgpack(arr))).toEqual(arr);
    const obj = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, BigInt(i)]));
    expect((decodeMsgpack(msgpack(obj)) as Map<string, unknown>).size).toBe(20);
  });

  it('replaces invalid UTF-8 in strings instead of failing (§1.3 strings are sanitised)', () => {
    expect(decodeMsgpack(bytes(0xa2, 0xc3, 0x28))).toBe('\uFFFD(');
  });

  it('§1.3 throws MsgpackDecodeError on truncated input and on unknown codes', () => {
    expect(() => decodeMsgpack(bytes(0x92, 0x01))).toThrow(MsgpackDecodeError);
    expect(() => decodeMsgpack(bytes(0xc1))).toThrow(MsgpackDecodeError);
    expect(() => decodeMsgpack(bytes())).toThrow('unexpected EOF');
  });

  it('§1.3 names values with the Go types Arc prints in its errors', () => {
    expect(goTypeName('x')).toBe('string');
    expect(goTypeName(1n)).toBe('int64');
    expect(goTypeName(1.5)).toBe('float64');
    expect(goTypeName(true)).toBe('bool');
    expect(goTypeName(null)).toBe('<nil>');
    expect(goTypeName([])).toBe('[]interface {}');
  });
});
