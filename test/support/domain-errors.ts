import { expect } from 'vitest';
import { DomainError } from '../../domain/index.js';

/** The DomainError a promise rejects with; fails the test when it resolves or throws another error. */
export async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError, the call succeeded');
}

/** The DomainError `act` throws; fails the test when it returns or throws another error. */
export function thrown(act: () => unknown): DomainError {
  try {
    act();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}
