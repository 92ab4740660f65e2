import type { StoragePorts } from '../../domain/index.js';

/** The storage drivers memtrace has (MEMTRACE_STORAGE_DRIVER). */
export const STORAGE_DRIVERS = ['memory', 'sqlite', 'postgres', 'arc'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

/** Everything a storage driver provides, made by its `create<Driver>Storage` factory. */
export interface StorageBundle extends StoragePorts {
  readonly driver: StorageDriver;
}
