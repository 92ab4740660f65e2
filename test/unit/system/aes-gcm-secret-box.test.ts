import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesGcmSecretBox, parseMasterKey } from '../../../adapters/system/aes-gcm-secret-box.js';
import { thrown } from '../../support/domain-errors.js';

const KEY_HEX = 'a1'.repeat(32);
const CONTEXT = 'arc-api-key:org_a';

/** Flips one bit of the base64url character at `index` of a sealed string's last part. */
function tamper(sealed: string, part: 1 | 2, index = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] as string, 'base64url');
  bytes[index] = (bytes[index] as number) ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('parseMasterKey', () => {
  it.each([
    ['64 hex digits', KEY_HEX],
    ['upper-case hex', KEY_HEX.toUpperCase()],
    ['base64 with padding', Buffer.from(KEY_HEX, 'hex').toString('base64')],
    ['base64url without padding', Buffer.from(KEY_HEX, 'hex').toString('base64url')],
    ['surrounding whitespace', `  ${KEY_HEX}\n`],
  ])('reads 32 bytes from %s', (_name, text) => {
    expect(parseMasterKey(text).equals(Buffer.from(KEY_HEX, 'hex'))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['63 hex digits', KEY_HEX.slice(1)],
    ['16 bytes of base64', randomBytes(16).toString('base64')],
    ['48 bytes of base64', randomBytes(48).toString('base64')],
    ['a passphrase', 'correct horse battery staple'],
  ])('refuses %s, naming the format and not echoing it', (_name, text) => {
    let message = '';
    try {
      parseMasterKey(text);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/MEMTRACE_MASTER_KEY must be 32 random bytes/);
    if (text.length > 0) expect(message).not.toContain(text);
  });
});

describe('AesGcmSecretBox', () => {
  it('opens what it sealed (round trip, unicode included)', () => {
    const box = new AesGcmSecretBox(KEY_HEX);
    for (const secret of ['arc-token', 'ключ 🚀', 'x'.repeat(1024)]) {
      expect(box.open(box.seal(secret, CONTEXT), CONTEXT)).toBe(secret);
    }
  });

  it('seals to a different string each time, with no trace of the plaintext', () => {
    const box = new AesGcmSecretBox(KEY_HEX);
    const a = box.seal('arc-token-123456', CONTEXT);
    const b = box.seal('arc-token-123456', CONTEXT);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    for (const s of [a, b]) {
      expect(s).not.toContain('arc-token');
      expect(Buffer.from(s.split('.')[2] as string, 'base64url').toString('latin1')).not.toContain(
        'arc-token',
      );
    }
  });

  it('uses a 12-byte nonce and a 16-byte tag', () => {
    const sealed = new AesGcmSecretBox(KEY_HEX).seal('abc', CONTEXT);
    const [, nonce, body] = sealed.split('.');
    expect(Buffer.from(nonce as string, 'base64url')).toHaveLength(12);
    expect(Buffer.from(body as string, 'base64url')).toHaveLength(3 + 16);
  });

  it.each([
    ['the nonce', 1 as const, 0],
    ['the ciphertext', 2 as const, 0],
    ['the tag', 2 as const, 20],
  ])('detects a flipped bit in %s', (_name, part, index) => {
    const box = new AesGcmSecretBox(KEY_HEX);
    const sealed = box.seal('arc-token', CONTEXT);
    const e = thrown(() => box.open(tamper(sealed, part, index), CONTEXT));
    expect([e.kind, e.code]).toEqual(['unavailable', 'SECRET_UNREADABLE']);
  });

  it('refuses a string that is not a sealed one, or one cut short', () => {
    const box = new AesGcmSecretBox(KEY_HEX);
    const sealed = box.seal('arc-token', CONTEXT);
    for (const bad of ['', 'arc-token', sealed.slice(0, -4), sealed.replace('v1.', 'v2.')]) {
      expect(thrown(() => box.open(bad, CONTEXT)).code).toBe('SECRET_UNREADABLE');
    }
  });

  it('does not open under another master key', () => {
    const sealed = new AesGcmSecretBox(KEY_HEX).seal('arc-token', CONTEXT);
    const other = new AesGcmSecretBox(randomBytes(32).toString('hex'));
    expect(thrown(() => other.open(sealed, CONTEXT)).code).toBe('SECRET_UNREADABLE');
  });

  it('does not open under another context (a key copied to another org)', () => {
    const box = new AesGcmSecretBox(KEY_HEX);
    const sealed = box.seal('arc-token', CONTEXT);
    expect(thrown(() => box.open(sealed, 'arc-api-key:org_b')).code).toBe('SECRET_UNREADABLE');
  });

  it('says MEMTRACE_MASTER_KEY is missing when asked to seal or open without one', () => {
    const box = new AesGcmSecretBox(undefined);
    for (const act of [() => box.seal('k', CONTEXT), () => box.open('v1.x.y', CONTEXT)]) {
      const e = thrown(act);
      expect([e.kind, e.code]).toEqual(['unavailable', 'MASTER_KEY_MISSING']);
      expect(e.message).toMatch(/MEMTRACE_MASTER_KEY is not set/);
    }
  });

  it('refuses a malformed master key at construction', () => {
    expect(() => new AesGcmSecretBox('too short')).toThrow(/MEMTRACE_MASTER_KEY must be/);
  });

  it('keeps the key out of its enumerable state', () => {
    const box = new AesGcmSecretBox(KEY_HEX);
    expect(JSON.stringify(box)).toBe('{}');
    expect(Object.keys(box)).toEqual([]);
  });
});
