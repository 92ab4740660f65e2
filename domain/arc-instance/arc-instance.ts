import { invalid } from '../shared/errors.js';

/** The measurement memories are written to and read from when none is given. */
export const DEFAULT_ARC_MEASUREMENT = 'events';

/** An Arc database name: a letter, then letters, digits, `_` or `-`; 64 at most. */
export const ARC_DATABASE_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** An Arc measurement: a letter, then letters, digits, `_` or `-`. */
export const ARC_MEASUREMENT_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
export const MAX_ARC_MEASUREMENT_LENGTH = 128;
export const MAX_ARC_URL_LENGTH = 2048;
export const MAX_ARC_API_KEY_LENGTH = 1024;

/**
 * `http://` or `https://`, a host (no user or password), an optional port and path; no query,
 * fragment or whitespace.
 */
const ARC_URL_PATTERN = /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/i;
/** Visible ASCII only: the key goes into an HTTP header, where CR or LF would split it. */
const ARC_API_KEY_PATTERN = /^[\x21-\x7e]+$/;

/**
 * The Arc instance an org is routed to instead of the configured default one. One per org.
 * The API key is kept only sealed (see SecretBox), never in plaintext.
 */
export interface ArcInstance {
  readonly orgId: string;
  /** Base URL without a trailing slash, e.g. `https://arc.example.com:8000`. */
  readonly url: string;
  readonly database: string;
  /** Where memories are written and read; both use this one. */
  readonly measurement: string;
  /** The instance's API key as sealed by SecretBox, or null when it needs none. */
  readonly apiKeySealed: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** @returns the URL without trailing slashes @throws DomainError `invalid` */
export function checkArcUrl(field: string, value: string): string {
  if (
    typeof value !== 'string' ||
    value.length > MAX_ARC_URL_LENGTH ||
    !ARC_URL_PATTERN.test(value)
  ) {
    throw invalid(
      `${field} must be an http:// or https:// URL with a host and no credentials, query or fragment (at most ${MAX_ARC_URL_LENGTH} characters)`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** @throws DomainError `invalid` */
export function checkArcDatabase(field: string, value: string): string {
  if (typeof value !== 'string' || !ARC_DATABASE_PATTERN.test(value)) {
    throw invalid(
      `${field} must start with a letter and contain only letters, digits, '_' or '-' (at most 64 characters)`,
    );
  }
  return value;
}

/** @throws DomainError `invalid` */
export function checkArcMeasurement(field: string, value: string): string {
  if (
    typeof value !== 'string' ||
    value.length > MAX_ARC_MEASUREMENT_LENGTH ||
    !ARC_MEASUREMENT_PATTERN.test(value)
  ) {
    throw invalid(
      `${field} must start with a letter and contain only letters, digits, '_' or '-' (at most ${MAX_ARC_MEASUREMENT_LENGTH} characters)`,
    );
  }
  return value;
}

/** @throws DomainError `invalid`; the message never repeats the key */
export function checkArcApiKey(field: string, value: string): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_ARC_API_KEY_LENGTH ||
    !ARC_API_KEY_PATTERN.test(value)
  ) {
    throw invalid(
      `${field} must be 1 to ${MAX_ARC_API_KEY_LENGTH} visible ASCII characters (no spaces or control characters)`,
    );
  }
  return value;
}
