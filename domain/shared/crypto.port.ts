/** Hashing and randomness, kept behind a port so the core stays free of I/O and platform APIs. */
export interface Crypto {
  /** SHA-256 of the UTF-8 bytes of `input`, as 64 lowercase hex digits. */
  sha256Hex(input: string): string;
  /** `bytes` cryptographically random bytes, base64url without padding. */
  randomBase64Url(bytes: number): string;
  /** Compares two strings in time that depends only on their length. */
  timingSafeEqual(a: string, b: string): boolean;
}
