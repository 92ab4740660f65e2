import { describe, expect, it } from 'vitest';
import { findInexactInteger } from '../../../domain/index.js';

describe('findInexactInteger', () => {
  it.each([
    ['{"a":1234567890123456789}', 'a', '1234567890123456789'],
    [
      '{"s":"9007199254740993","n":{"x":[0.1,1e300,-9007199254740992]}}',
      'n.x[2]',
      '-9007199254740992',
    ],
    [
      '{"k\\"ey":{"a b":[[1],[2,{"z":99999999999999999999}]]}}',
      'k"ey.a b[1][1].z',
      '99999999999999999999',
    ],
    [
      '{"memories":[{"a":1},{"m":{"id":9007199254740993}}]}',
      'memories[1].m.id',
      '9007199254740993',
    ],
  ])('returns the path and digits when given %s', (text, path, literal) => {
    // Act
    const found = findInexactInteger(text);

    // Assert
    expect(found).toEqual({ path, literal });
  });

  it.each([
    '{"a":9007199254740991,"b":-9007199254740991}',
    '{"a":"12345678901234567890","b":1.2345678901234567e25,"c":12345678901234567890.5}',
    '{"12345678901234567890":true,"x":[]}',
  ])('returns null when every integer is exact in %s', (text) => {
    // Act
    const found = findInexactInteger(text);

    // Assert
    expect(found).toBeNull();
  });
});
