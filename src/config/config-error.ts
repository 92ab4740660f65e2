/** A configuration mistake; its message is one line naming the setting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
