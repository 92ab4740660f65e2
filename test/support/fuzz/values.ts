import fc from 'fast-check';

/** The odd values the fuzzer is made of: strings, numbers and JSON no store may choke on. */

export const SQL = [
  "'; DROP TABLE memories; --",
  "' OR '1'='1",
  '%',
  '_',
  '\\',
  '"',
  "'",
  '`',
  '/*',
  '*/',
  ';',
  '$1',
  '?',
  'NULL',
  "\\'",
  "%' ESCAPE '\\",
];
export const NUMBER_LIKE = [
  'NaN',
  '-NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '-0',
  '0x10',
  '1_000',
  ' 1',
  '1 ',
  '+1',
  '1.',
  '.5',
  '9007199254740993',
  '4294967296',
  '-1',
  '1e-400',
  '',
];
export const ODD = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\udbff\udfff',
  '\ufeff',
  '\u202e',
  '👩‍👩‍👧',
  'ｅ',
  '\r\n',
  '\t',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
];

/** Short odd strings: for ids and query values. */
export const shortOddString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SQL, ...NUMBER_LIKE, ...ODD) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 20_000 }).map((n) => 'q'.repeat(n)) },
);

/** Odd strings, a few of them huge: for bodies. */
export const oddString = fc.oneof(
  { weight: 20, arbitrary: shortOddString },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('a', 'é', '😀', '\u0000', "'"),
        fc.integer({ min: 1_000, max: 100_000 }),
      )
      .map(([c, n]) => c.repeat(n)),
  },
);

export const edgeNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    1e308,
    -1e308,
    5e-324,
    2 ** 53 + 2,
    -(2 ** 63),
    1e21,
    0.1 + 0.2,
  ),
  fc.double(),
  fc.integer(),
);

/** A JSON value with odd leaves, odd keys and deep nesting. */
export const oddJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    oddString,
    edgeNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .array(
        fc.tuple(fc.oneof(oddString, fc.constantFrom('constructor', 'prototype')), tie('value')),
        {
          maxLength: 5,
        },
      )
      .map((entries) => Object.fromEntries(entries)),
  ),
})).value;

/** Raw bodies JSON.stringify cannot make: numbers out of range, __proto__, broken text. */
export const rawBody = fc.oneof(
  fc.constantFrom(
    '{"content": 1e309, "agent_id": "a"}',
    '{"importance": -0, "agent_id": "agent_a", "content": "minus zero"}',
    '{"metadata": {"n": 1e309}, "agent_id": "agent_a", "content": "x"}',
    '{"__proto__": {"polluted": true}, "agent_id": "a", "content": "x"}',
    '{"metadata": {"__proto__": {"polluted": true}}, "agent_id": "a", "content": "x"}',
    '{"metadata": {"constructor": {"prototype": {"polluted": true}}}, "agent_id": "agent_a", "content": "proto"}',
    '{"content": "\\ud800", "agent_id": "a"}',
    '{"content": "a\\u0000b", "agent_id": "a"}',
    '{"agent_id": "a", "agent_id": "agent_b", "content": "duplicate keys"}',
    '{',
    '{"a":',
    '[]',
    '"string"',
    '1',
    'null',
    'true',
    '\u0000',
    '{"memories": null}',
    '{"memories": [null]}',
    '{"memories": {}}',
    '{"memories": [[]]}',
    '',
  ),
  fc.integer({ min: 1, max: 2_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1, max: 2_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

/** Text every store must keep as sent: any well-formed Unicode without NUL. */
export const keepableString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...SQL,
      ...NUMBER_LIKE.filter(Boolean),
      '\ufeff',
      '\u202e',
      '👩‍👩‍👧',
      'constructor',
      '__proto__x',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 50 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 60_000 }).map((n) => 'é😀'.repeat(n)) },
);

export const keepableJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    keepableString,
    edgeNumber.filter((n) => Number.isFinite(n)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(
        fc.tuple(
          fc.oneof(keepableString, fc.constantFrom('constructor', 'prototype', '')),
          tie('value'),
        ),
        { maxLength: 4 },
      )
      .map((entries) => Object.fromEntries(entries)),
  ),
})).value;
