import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createWinstonLogger, type LogLevel } from '../../../adapters/logging/winston-logger.js';
import type { Logger } from '../../../domain/index.js';

/** A logger at `level` writing JSON lines into a buffer, and a way to read what it wrote. */
function capture(level: LogLevel): { logger: Logger; lines: () => Promise<string[]> } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const logger = createWinstonLogger({ level, format: 'json', stream });
  return {
    logger,
    lines: async () => {
      await new Promise((r) => setImmediate(r));
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { message: string }).message);
    },
  };
}

describe('createWinstonLogger', () => {
  it('writes lines at or above its level and drops the ones below it', async () => {
    // Arrange
    const { logger, lines } = capture('warn');

    // Act
    logger.info('request', { status: 200 });
    logger.debug('detail');
    logger.warn('slow', { ms: 12 });
    logger.error('broken');

    // Assert
    expect(await lines()).toEqual(['slow', 'broken']);
  });

  it('writes every level when the level is debug', async () => {
    // Arrange
    const { logger, lines } = capture('debug');

    // Act
    logger.debug('a');
    logger.info('b');

    // Assert
    expect(await lines()).toEqual(['a', 'b']);
  });

  it('writes nothing when the level is silent', async () => {
    // Arrange
    const { logger, lines } = capture('silent');

    // Act
    logger.error('broken');

    // Assert
    expect(await lines()).toEqual([]);
  });
});
