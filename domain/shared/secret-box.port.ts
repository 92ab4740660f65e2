/**
 * Authenticated encryption of small secrets kept at rest (an Arc instance's API key). The key
 * material lives in the adapter; the core sees only opaque sealed strings.
 */
export interface SecretBox {
  /**
   * Encrypts `plaintext`, bound to `context` (e.g. `arc-api-key:<org_id>`): a sealed string opens
   * only with the same context, so it cannot be copied to another record. Two seals of the same
   * text differ (a fresh random nonce each time).
   * @returns an opaque ASCII string that holds no trace of the plaintext
   * @throws DomainError `unavailable` (code `MASTER_KEY_MISSING`) when no master key is configured
   */
  seal(plaintext: string, context: string): string;

  /**
   * Decrypts what {@link seal} returned for the same `context`.
   * @throws DomainError `unavailable`: `MASTER_KEY_MISSING` when no master key is configured;
   *   `SECRET_UNREADABLE` when the string was altered, sealed under another key or context, or
   *   is not a sealed string at all
   */
  open(sealed: string, context: string): string;
}
