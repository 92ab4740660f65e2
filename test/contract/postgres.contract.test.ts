import { postgresHarness } from '../support/postgres-harness.js';
import { describeStorageContract } from './storage.contract.js';

describeStorageContract(postgresHarness());
