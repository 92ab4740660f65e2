import { arcHarness } from '../support/arc-harness.js';
import { describeStorageContract } from './storage.contract.js';

describeStorageContract(arcHarness());
