import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Crypto } from '../../domain/index.js';

/** Crypto on node:crypto. */
export class NodeCrypto implements Crypto {
  sha256Hex(input: string): string {
    return createHash('sha256').update(input, 'utf8').digest('hex');
  }

  randomBase64Url(bytes: number): string {
    return randomBytes(bytes).toString('base64url');
  }

  timingSafeEqual(a: string, b: string): boolean {
    const x = Buffer.from(a, 'utf8');
    const y = Buffer.from(b, 'utf8');
    // Hashes have a fixed length, so an early return on length reveals nothing.
    return x.length === y.length && timingSafeEqual(x, y);
  }
}
