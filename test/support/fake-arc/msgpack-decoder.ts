/**
 * A small MessagePack decoder that keeps the wire's int/float distinction, which Arc's type
 * inference depends on (reference §1.3): every msgpack integer (fixint, int8…64, uint8…64) decodes
 * to a `bigint`, every float32/float64 to a `number`. Maps decode to `Map` (insertion order kept),
 * arrays to arrays, bin to `Uint8Array`, str to UTF-8 with invalid bytes replaced (Arc sanitises
 * strings the same way).
 */

export type MsgValue = null | boolean | bigint | number | string | Uint8Array | MsgValue[] | MsgMap;
export type MsgMap = Map<string, MsgValue>;

/** Thrown for malformed input; Arc reports it as `failed to unmarshal msgpack: <reason>`. */
export class MsgpackDecodeError extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: false });

class Reader {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new MsgpackDecodeError('unexpected EOF');
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  private bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private str(n: number): string {
    return utf8.decode(this.bytes(n));
  }

  private array(n: number, depth: number): MsgValue[] {
    const out: MsgValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
    return out;
  }

  private map(n: number, depth: number): MsgMap {
    const out: MsgMap = new Map();
    for (let i = 0; i < n; i++) {
      const key = this.value(depth + 1);
      const value = this.value(depth + 1);
      out.set(typeof key === 'string' ? key : String(key), value);
    }
    return out;
  }

  value(depth = 0): MsgValue {
    if (depth > 100) throw new MsgpackDecodeError('exceeded max depth');
    const c = this.u8();
    if (c <= 0x7f) return BigInt(c);
    if (c >= 0xe0) return BigInt(c - 0x100);
    if (c >= 0x80 && c <= 0x8f) return this.map(c & 0x0f, depth);
    if (c >= 0x90 && c <= 0x9f) return this.array(c & 0x0f, depth);
    if (c >= 0xa0 && c <= 0xbf) return this.str(c & 0x1f);
    switch (c) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.bytes(this.u8()).slice();
      case 0xc5:
        return this.bytes(this.u16()).slice();
      case 0xc6:
        return this.bytes(this.u32()).slice();
      case 0xca: {
        this.need(4);
        const v = this.view.getFloat32(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xcb: {
        this.need(8);
        const v = this.view.getFloat64(this.pos);
        this.pos += 8;
        return v;
      }
      case 0xcc:
        return BigInt(this.u8());
      case 0xcd:
        return BigInt(this.u16());
      case 0xce:
        return BigInt(this.u32());
      case 0xcf: {
        this.need(8);
        const v = this.view.getBigUint64(this.pos);
        this.pos += 8;
        return v;
      }
      case 0xd0: {
        this.need(1);
        const v = this.view.getInt8(this.pos);
        this.pos += 1;
        return BigInt(v);
      }
      case 0xd1: {
        this.need(2);
        const v = this.view.getInt16(this.pos);
        this.pos += 2;
        return BigInt(v);
      }
      case 0xd2: {
        this.need(4);
        const v = this.view.getInt32(this.pos);
        this.pos += 4;
        return BigInt(v);
      }
      case 0xd3: {
        this.need(8);
        const v = this.view.getBigInt64(this.pos);
        this.pos += 8;
        return v;
      }
      case 0xd9:
        return this.str(this.u8());
      case 0xda:
        return this.str(this.u16());
      case 0xdb:
        return this.str(this.u32());
      case 0xdc:
        return this.array(this.u16(), depth);
      case 0xdd:
        return this.array(this.u32(), depth);
      case 0xde:
        return this.map(this.u16(), depth);
      case 0xdf:
        return this.map(this.u32(), depth);
      default:
        // 0xc1 (never used) and the ext family (0xc7-0xc9, 0xd4-0xd8): Arc's payloads carry none.
        throw new MsgpackDecodeError(`invalid code=${c.toString(16)} decoding interface{}`);
    }
  }
}

/** Decodes one msgpack value from `buf` (trailing bytes are ignored, as Go's Unmarshal does). */
export function decodeMsgpack(buf: Uint8Array): MsgValue {
  return new Reader(buf).value();
}

/** The Go type name Arc's error messages print (`%T`) for a decoded value. */
export function goTypeName(v: MsgValue | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'bigint') return v > 0x7fffffffffffffffn ? 'uint64' : 'int64';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Uint8Array) return '[]uint8';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}
