import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import { CHECKPOINT_INTERVAL_MS } from '../../adapters/storage/sqlite/sqlite-checkpointer.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { aMemory } from '../support/builders.js';
import { removeSqliteFiles, tempSqlitePath } from '../support/sqlite-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A store on a fresh file holding one memory whose content is a unique string. */
async function storeWithOne(backgroundCheckpoints: boolean) {
  const file = tempSqlitePath('memtrace-checkpoint');
  cleanups.push(() => removeSqliteFiles(file));
  const storage: StorageBundle = await createSqliteStorage({ path: file, backgroundCheckpoints });
  cleanups.push(() => storage.close());
  const marker = `checkpointed-${randomBytes(8).toString('hex')}`;
  await storage.memories.insert([aMemory({ content: marker })], null);
  return { file, storage, marker };
}

const inFile = (file: string, marker: string) => readFileSync(file).includes(Buffer.from(marker));

describe('SQLite checkpoints in the background', () => {
  it('moves a commit from the WAL into the database file without another write', async () => {
    // Arrange
    const { file, marker } = await storeWithOne(true);

    // Act: nothing but time passes.
    await sleep(CHECKPOINT_INTERVAL_MS * 4);

    // Assert
    expect(inFile(file, marker)).toBe(true);
  });

  it('leaves a small commit in the WAL without them, as SQLite alone does', async () => {
    // Arrange
    const { file, marker } = await storeWithOne(false);

    // Act
    await sleep(CHECKPOINT_INTERVAL_MS * 4);

    // Assert
    expect(inFile(file, marker)).toBe(false);
  });

  it('closes its own connection first on close, so the store leaves no WAL behind', async () => {
    // Arrange
    const { file, storage } = await storeWithOne(true);
    expect(existsSync(`${file}-wal`)).toBe(true);

    // Act
    await storage.close();
    await storage.close();

    // Assert: the store's connection closed last, checkpointed and removed the WAL.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
