import type { StoragePorts } from '../../domain/index.js';

/**
 * Everything a storage driver provides, made by its `create<Driver>Storage` factory: the
 * domain's {@link StoragePorts} (the stores, `ping`, `close`) under the driver's name.
 */
export type StorageBundle = StoragePorts;
