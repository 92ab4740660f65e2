import { sqliteHarness } from '../support/sqlite-harness.js';
import { describeStorageContract } from './storage.contract.js';

describeStorageContract(sqliteHarness());
