import { inputSchemas, strictSchema } from '@memtrace/agent-tools';
import { describe, expect, it } from 'vitest';

describe('strictSchema', () => {
  it('makes every optional field required and nullable, the others as they were', () => {
    // Arrange
    const strict = strictSchema(inputSchemas.remember);

    // Act
    const withNulls = strict.safeParse({
      content: 'x',
      memory_type: null,
      importance: null,
      tags: null,
    });
    const missing = strict.safeParse({ content: 'x' });
    const emptyContent = strict.safeParse({
      content: '',
      memory_type: null,
      importance: null,
      tags: null,
    });

    // Assert
    expect(withNulls.success).toBe(true);
    expect(missing.success).toBe(false);
    expect(emptyContent.success).toBe(false);
    expect(Object.keys(strict.shape)).toEqual(Object.keys(inputSchemas.remember.shape));
  });

  it('keeps each field’s own checks under the null', () => {
    // Act
    const badTag = strictSchema(inputSchemas.remember).safeParse({
      content: 'x',
      memory_type: null,
      importance: null,
      tags: ['has space'],
    });
    const badLimit = strictSchema(inputSchemas.search).safeParse({
      query: 'x',
      memory_type: null,
      since: null,
      limit: 1000,
    });

    // Assert
    expect(badTag.success).toBe(false);
    expect(badLimit.success).toBe(false);
  });

  it('leaves the schema it was given optional', () => {
    // Act
    const parsed = inputSchemas.remember.safeParse({ content: 'x' });

    // Assert
    expect(parsed.success).toBe(true);
  });
});
