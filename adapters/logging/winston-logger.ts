import winston from 'winston';
import type { Logger, LogMeta } from '../../domain/index.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'silent';
export type LogFormat = 'console' | 'json';

export interface WinstonLoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go instead of stderr (tests). */
  readonly stream?: NodeJS.WritableStream;
}

const consoleFormat = winston.format.printf(({ timestamp, level, message, ...meta }) => {
  const fields = Object.entries(meta)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(timestamp)} ${level.toUpperCase().padEnd(5)} ${String(message)}${fields ? ' ' + fields : ''}`;
});

/** The Logger port on winston: JSON lines for machines, one readable line each for people. */
export function createWinstonLogger(options: WinstonLoggerOptions): Logger {
  const logger = winston.createLogger({
    level: options.level === 'silent' ? 'error' : options.level,
    silent: options.level === 'silent',
    format: winston.format.combine(
      winston.format.timestamp(),
      options.format === 'json' ? winston.format.json() : consoleFormat,
    ),
    // stderr keeps stdout for what the operator must see (the first-run key).
    transports: [
      options.stream
        ? new winston.transports.Stream({ stream: options.stream })
        : new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] }),
    ],
  });
  // A line below the level is dropped here: winston would otherwise build it and push it
  // through its streams and format before the transport discards it, on every request.
  const log = (level: string) => (message: string, meta?: LogMeta) => {
    if (logger.isLevelEnabled(level)) logger.log(level, message, meta ?? {});
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    enabled: (level) => options.level !== 'silent' && logger.isLevelEnabled(level),
  };
}
