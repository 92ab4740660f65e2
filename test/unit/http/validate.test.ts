import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import {
  CreateMemoryBatchRequest,
  CreateMemoryRequest,
} from '../../../adapters/wire/create-memory.request.js';
import { ListMemoriesQuery } from '../../../adapters/wire/list-memories.query.js';
import { NoQuery } from '../../../adapters/wire/page.query.js';
import { UpdateSessionRequest } from '../../../adapters/wire/update-session.request.js';
import {
  queryOf,
  toDto,
  validateQuery,
  type FieldError,
} from '../../../adapters/http/middleware/validate.js';
import { DomainError, MAX_BATCH_SIZE } from '../../../domain/index.js';
import { rejection } from '../../support/domain-errors.js';

/** The DomainError toDto throws, or fails the test. */

const details = (e: DomainError) => (e.details?.details ?? []) as FieldError[];

describe('validate.toDto', () => {
  it('returns an instance with the fields when the body is valid', async () => {
    // Arrange
    const body = { agent_id: 'a1', content: 'hello', tags: ['x'], importance: 0.5 };

    // Act
    const dto = await toDto(CreateMemoryRequest, body, 'body');

    // Assert
    expect(dto).toBeInstanceOf(CreateMemoryRequest);
    expect(dto).toMatchObject(body);
  });

  it('says "agent_id is required" when agent_id is missing', async () => {
    // Arrange / Act
    const err = await rejection(toDto(CreateMemoryRequest, { content: 'x' }, 'body'));

    // Assert
    expect(err.kind).toBe('invalid');
    expect(err.message).toBe('agent_id is required');
    expect(details(err)).toEqual([
      { field: 'agent_id', constraints: { isDefined: 'agent_id is required' } },
    ]);
  });

  it('treats null as absent when a required field is null', async () => {
    // Arrange / Act
    const err = await rejection(
      toDto(CreateMemoryRequest, { agent_id: 'a', content: null }, 'body'),
    );

    // Assert
    expect(err.message).toBe('content is required');
  });

  it('drops the field when an optional field is null', async () => {
    // Arrange / Act
    const dto = await toDto(
      CreateMemoryRequest,
      { agent_id: 'a', content: 'c', tags: null, metadata: null },
      'body',
    );

    // Assert
    expect(dto.tags).toBeUndefined();
    expect(dto.metadata).toBeUndefined();
  });

  it.each([
    [{ agent_id: 5, content: 'c' }, 'agent_id must be a string'],
    [{ agent_id: 'a', content: ['c'] }, 'content must be a string'],
    [{ agent_id: 'a', content: 'c', importance: '0.5' }, 'importance must be a number'],
    [{ agent_id: 'a', content: 'c', metadata: [1] }, 'metadata must be a JSON object'],
    [{ agent_id: 'a', content: 'c', metadata: 'x' }, 'metadata must be a JSON object'],
    [{ agent_id: 'a', content: 'c', tags: 'x' }, 'tags must be an array of strings'],
    [{ agent_id: 'a', content: 'c', tags: ['x', 1] }, 'tags must be an array of strings'],
    [{ agent_id: 'a', content: 'c', session_id: {} }, 'session_id must be a string'],
  ])('names the field and its JSON type when %j has a wrong type', async (body, message) => {
    // Arrange / Act
    const err = await rejection(toDto(CreateMemoryRequest, body, 'body'));

    // Assert
    expect(err.message).toBe(message);
  });

  it('says "<name> is not a known field" when the body has an unknown field', async () => {
    // Arrange / Act
    const err = await rejection(
      toDto(CreateMemoryRequest, { agent_id: 'a', content: 'c', importnace: 1 }, 'body'),
    );

    // Assert
    expect(err.message).toBe('importnace is not a known field');
  });

  it.each(['constructor', 'toString', 'hasOwnProperty'])(
    'refuses %s as an unknown field when a key names an Object.prototype member',
    async (key) => {
      // Arrange / Act
      const err = await rejection(
        toDto(CreateMemoryRequest, { agent_id: 'a', content: 'c', [key]: 1 }, 'body'),
      );

      // Assert
      expect(err.message).toBe(`${key} is not a known field`);
    },
  );

  it.each([[[1]], ['text'], [42], [null]])(
    'says "body must be a JSON object" when the body is %j',
    async (body) => {
      // Arrange / Act
      const err = await rejection(toDto(CreateMemoryRequest, body, 'body'));

      // Assert
      expect(err.message).toBe('body must be a JSON object');
    },
  );

  it('names the item index when a batch item lacks agent_id', async () => {
    // Arrange
    const memories = [
      { agent_id: 'a', content: '0' },
      { agent_id: 'a', content: '1' },
      { agent_id: 'a', content: '2' },
      { content: '3' },
    ];

    // Act
    const err = await rejection(toDto(CreateMemoryBatchRequest, { memories }, 'body'));

    // Assert
    expect(err.message).toBe('memories[3].agent_id is required');
    expect(details(err)[0]?.field).toBe('memories[3].agent_id');
  });

  it('names the item index when a batch item has a wrong type', async () => {
    // Arrange
    const memories = [
      { agent_id: 'a', content: '0' },
      { agent_id: 'a', content: 1 },
    ];

    // Act
    const err = await rejection(toDto(CreateMemoryBatchRequest, { memories }, 'body'));

    // Assert
    expect(err.message).toBe('memories[1].content must be a string');
  });

  it('names the item index when a batch item has an unknown field', async () => {
    // Arrange
    const memories = [{ agent_id: 'a', content: '0', constructor: 'x' }];

    // Act
    const err = await rejection(toDto(CreateMemoryBatchRequest, { memories }, 'body'));

    // Assert
    expect(err.message).toBe('memories[0].constructor is not a known field');
  });

  it.each([['x'], [3], [null], [[{ agent_id: 'a' }]]])(
    'says the item must be a JSON object when a batch item is %j',
    async (item) => {
      // Arrange / Act
      const err = await rejection(
        toDto(
          CreateMemoryBatchRequest,
          { memories: [{ agent_id: 'a', content: 'c' }, item] },
          'body',
        ),
      );

      // Assert
      expect(err.message).toBe('memories[1] must be a JSON object');
    },
  );

  it('refuses the batch before validating items when it has too many', async () => {
    // Arrange
    const memories = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => ({}));

    // Act
    const err = await rejection(toDto(CreateMemoryBatchRequest, { memories }, 'body'));

    // Assert
    expect(err.message).toBe(
      `memories must contain at most ${MAX_BATCH_SIZE} memories per request`,
    );
    expect(details(err)).toHaveLength(1);
  });

  it('lists at most 20 details when many items are invalid', async () => {
    // Arrange
    const memories = Array.from({ length: 100 }, () => ({ content: 'c' }));

    // Act
    const err = await rejection(toDto(CreateMemoryBatchRequest, { memories }, 'body'));

    // Assert
    expect(err.message).toBe('memories[0].agent_id is required');
    expect(details(err)).toHaveLength(20);
  });

  it('keeps nulls inside metadata when a session update removes keys', async () => {
    // Arrange / Act
    const dto = await toDto(
      UpdateSessionRequest,
      { metadata: { a: null, b: { c: null } } },
      'body',
    );

    // Assert
    expect(dto.metadata).toEqual({ a: null, b: { c: null } });
  });

  it('converts limit and offset when they are digits', async () => {
    // Arrange / Act
    const dto = await toDto(ListMemoriesQuery, { limit: '10', offset: '0' }, 'query');

    // Assert
    expect(dto.limit).toBe(10);
    expect(dto.offset).toBe(0);
  });

  it.each(['abc', '1e2', '-1', '1.5', ' 5', '0x10', 'NaN', 'Infinity'])(
    'says "limit must be an integer from 1 to 1000" when limit is %s',
    async (limit) => {
      // Arrange / Act
      const err = await rejection(toDto(ListMemoriesQuery, { limit }, 'query'));

      // Assert
      expect(err.message).toBe('limit must be an integer from 1 to 1000');
    },
  );

  it('says "offset must be a non-negative integer" when offset is not digits', async () => {
    // Arrange / Act
    const err = await rejection(toDto(ListMemoriesQuery, { offset: '-3' }, 'query'));

    // Assert
    expect(err.message).toBe('offset must be a non-negative integer');
  });

  it.each([
    ['0.5', 0.5],
    ['1', 1],
    ['.25', 0.25],
  ])('converts min_importance %s to %d when it is a decimal', async (raw, expected) => {
    // Arrange / Act
    const dto = await toDto(ListMemoriesQuery, { min_importance: raw }, 'query');

    // Assert
    expect(dto.min_importance).toBe(expected);
  });

  it.each(['NaN', 'abc', '0.5x', ''])(
    'says min_importance must be a number when it is %j',
    async (raw) => {
      // Arrange / Act
      const err = await rejection(toDto(ListMemoriesQuery, { min_importance: raw }, 'query'));

      // Assert
      expect(err.message).toBe('min_importance must be a number between 0 and 1');
    },
  );

  it('says "<name> must be given once" when a single-valued parameter is repeated', async () => {
    // Arrange / Act
    const err = await rejection(toDto(ListMemoriesQuery, { agent_id: ['a', 'b'] }, 'query'));

    // Assert
    expect(err.message).toBe('agent_id must be given once');
  });

  it('says "limit must be given once" when limit is repeated', async () => {
    // Arrange / Act
    const err = await rejection(toDto(ListMemoriesQuery, { limit: ['1', '2'] }, 'query'));

    // Assert
    expect(err.message).toBe('limit must be given once');
  });

  it('splits commas and joins repeats when a list parameter is given both ways', async () => {
    // Arrange / Act
    const dto = await toDto(
      ListMemoriesQuery,
      { tags: ['a,b', 'c'], memory_type: 'episodic' },
      'query',
    );

    // Assert
    expect(dto.tags).toEqual(['a', 'b', 'c']);
    expect(dto.memory_type).toEqual(['episodic']);
  });

  it('says "<name> is not a known field" when a route takes no parameters', async () => {
    // Arrange / Act
    const err = await rejection(toDto(NoQuery, { verbose: 'true' }, 'query'));

    // Assert
    expect(err.message).toBe('verbose is not a known field');
  });
});

describe('validate.validateQuery', () => {
  it('treats an empty value as absent when a parameter is given without a value', async () => {
    // Arrange
    const query = Object.assign(Object.create(null) as object, { agent_id: '', limit: '5' });
    const req = { query } as unknown as Request;
    const res = { locals: {} } as unknown as Response;
    let called = false;
    const next: NextFunction = () => {
      called = true;
    };

    // Act
    await validateQuery(ListMemoriesQuery)(req, res, next);

    // Assert
    expect(called).toBe(true);
    expect(queryOf<ListMemoriesQuery>(res).agent_id).toBeUndefined();
    expect(queryOf<ListMemoriesQuery>(res).limit).toBe(5);
  });
});
