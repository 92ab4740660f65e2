import { ContainerModule } from 'inversify';
import { createWinstonLogger } from '../../adapters/logging/winston-logger.js';
import { LOGGER, type Logger } from '../../domain/index.js';
import type { Config } from '../config/index.js';

export const loggingModule = (config: Config, logger?: Logger) =>
  new ContainerModule(({ bind }) => {
    bind(LOGGER).toConstantValue(logger ?? createWinstonLogger(config.log));
  });
