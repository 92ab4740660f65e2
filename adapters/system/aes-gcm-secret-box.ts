import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError, type SecretBox } from '../../domain/index.js';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** `v1.<nonce>.<ciphertext and tag>`, both base64url: the version names the scheme below. */
const SEALED = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/** What MEMTRACE_MASTER_KEY must be, for error messages. */
export const MASTER_KEY_FORMAT =
  '32 random bytes, written as 64 hex digits or as base64 (`openssl rand -hex 32` makes one)';

/**
 * Parses a master key: exactly 32 bytes, written as 64 hex digits or as base64 (standard or
 * url-safe, padding optional). Surrounding whitespace is ignored.
 * @throws Error naming the expected format, never echoing the value
 */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(t)) {
    key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  if (key === null || key.length !== KEY_BYTES) {
    throw new Error(`MEMTRACE_MASTER_KEY must be ${MASTER_KEY_FORMAT}`);
  }
  return key;
}

const missing = () =>
  new DomainError(
    'unavailable',
    'MASTER_KEY_MISSING',
    `MEMTRACE_MASTER_KEY is not set: it is needed to encrypt and decrypt Arc API keys; it must be ${MASTER_KEY_FORMAT}`,
  );

const unreadable = () =>
  new DomainError(
    'unavailable',
    'SECRET_UNREADABLE',
    'a stored Arc API key cannot be decrypted: it was sealed under another MEMTRACE_MASTER_KEY or altered',
  );

/**
 * {@link SecretBox} on node:crypto AES-256-GCM: a random 12-byte nonce per seal, a 16-byte tag,
 * and the context as additional authenticated data. The key is held privately and never logged.
 */
export class AesGcmSecretBox implements SecretBox {
  readonly #key: Buffer | null;

  /** @param masterKey MEMTRACE_MASTER_KEY as given, or undefined when unset (seal/open then throw) */
  constructor(masterKey: string | undefined) {
    this.#key = masterKey === undefined ? null : parseMasterKey(masterKey);
  }

  seal(plaintext: string, context: string): string {
    const key = this.#key ?? throwError(missing());
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([
      cipher.update(plaintext, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `v1.${nonce.toString('base64url')}.${body.toString('base64url')}`;
  }

  open(sealed: string, context: string): string {
    const key = this.#key ?? throwError(missing());
    const m = SEALED.exec(sealed);
    if (!m) throw unreadable();
    const nonce = Buffer.from(m[1] as string, 'base64url');
    const body = Buffer.from(m[2] as string, 'base64url');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw unreadable();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    } catch {
      throw unreadable();
    }
  }
}

function throwError(e: Error): never {
  throw e;
}
