import { describe, expect, it } from 'vitest';
import {
  applySessionPatch,
  checkFilterSize,
  checkJsonSize,
  jsonSize,
  utf8Length,
  type Session,
} from '../../../domain/index.js';

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a\uD800b', 5],
    ['\uDC00', 3],
  ])('counts %j as %i bytes, as TextEncoder does', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });
});

describe('checkJsonSize', () => {
  it('accepts an object of exactly the limit and refuses one byte more, naming both sizes', () => {
    // Arrange
    const value = { a: 'x'.repeat(10) };
    const size = jsonSize(value);

    // Act / Assert
    expect(() => checkJsonSize('metadata', value, size)).not.toThrow();
    expect(() => checkJsonSize('metadata', value, size - 1)).toThrow(
      `metadata must be at most ${size - 1} bytes of JSON, got ${size}`,
    );
  });
});

describe('checkFilterSize', () => {
  it('counts repeated values when refusing a list longer than the limit', () => {
    expect(() => checkFilterSize('tags', ['a', 'a'], 2)).not.toThrow();
    expect(() => checkFilterSize('tags', ['a', 'a', 'a'], 2)).toThrow(
      'tags must have at most 2 values, got 3',
    );
  });
});

describe('applySessionPatch.maxMetadataBytes', () => {
  const session: Session = {
    id: 'sess_1',
    orgId: 'org_1',
    agentId: 'agent_1',
    status: 'active',
    metadata: { a: 'x'.repeat(50) },
    createdAt: 0,
    updatedAt: 0,
    closedAt: null,
  };

  it('throws naming the limit when the merged metadata would pass it', () => {
    // Act
    const act = () =>
      applySessionPatch(session, { metadata: { b: 'y'.repeat(50) }, maxMetadataBytes: 100 }, 1);

    // Assert
    expect(act).toThrow(
      "metadata must keep the session's metadata at most 100 bytes of JSON once merged, " +
        `merged it would be ${jsonSize({ ...session.metadata, b: 'y'.repeat(50) })}`,
    );
  });

  it('merges when removing a key brings the metadata within the limit', () => {
    // Act
    const next = applySessionPatch(
      session,
      { metadata: { a: null, b: 'y'.repeat(50) }, maxMetadataBytes: 100 },
      1,
    );

    // Assert
    expect(next.metadata).toEqual({ b: 'y'.repeat(50) });
  });

  it('changes the status of a session already over the limit when no metadata is sent', () => {
    // Act
    const next = applySessionPatch(session, { status: 'closed', maxMetadataBytes: 10 }, 1);

    // Assert
    expect(next.status).toBe('closed');
  });
});
