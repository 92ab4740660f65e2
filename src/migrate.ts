import 'reflect-metadata';
import { loadConfig } from './config/index.js';
import { openConfiguredStorage } from './modules/storage.module.js';
import { reportFailure } from './report-failure.js';

/** Applies pending migrations of the configured driver (opening the store applies them). */
async function migrate(): Promise<void> {
  const config = loadConfig();
  const storage = await openConfiguredStorage(config, { forceMigrate: true });
  await storage.close();
  process.stdout.write(`memtrace: migrations applied (driver ${storage.driver})\n`);
}

migrate().catch(reportFailure);
