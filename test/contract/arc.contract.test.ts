import { arcHarness } from '../support/arc-harness.js';
import { describeStorageContract } from './storage.contract.js';

describeStorageContract(arcHarness());
// The same answers while Arc has not flushed yet: the store merges its acknowledged writes.
describeStorageContract(arcHarness({ maxBufferAgeMs: 200 }));
