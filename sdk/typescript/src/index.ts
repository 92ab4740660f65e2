export { Memtrace } from './client.js';
export {
  AuthenticationError,
  ConflictError,
  MemtraceError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  UnavailableError,
  ValidationError,
  errorFromResponse,
} from './errors.js';
export type * from './types.js';
