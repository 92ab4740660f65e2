import { describe, expect, it } from 'vitest';
import {
  DOMAIN_ERROR_STATUS,
  HttpError,
  INTERNAL_MESSAGE,
  toErrorResponse,
} from '../../../adapters/http/error-mapping.js';
import { DomainError, invalid, notFound, type DomainErrorKind } from '../../../domain/index.js';

const RID = 'req-1';

describe('errorMapping.toErrorResponse', () => {
  it.each([
    ['invalid', 400, 'invalid_request'],
    ['unauthorized', 401, 'unauthorized'],
    ['forbidden', 403, 'forbidden'],
    ['not_found', 404, 'not_found'],
    ['conflict', 409, 'conflict'],
    ['unavailable', 503, 'unavailable'],
  ] as const)('maps kind %s to %i %s when a DomainError is thrown', (kind, status, code) => {
    // Arrange
    const err = new DomainError(kind as DomainErrorKind, 'CODE', 'what happened');

    // Act
    const res = toErrorResponse(err, RID);

    // Assert
    expect(res).toEqual({
      status,
      body: { error: code, message: 'what happened', request_id: RID },
      internal: false,
    });
  });

  it('covers every DomainError kind in one table when the kinds are listed', () => {
    // Arrange
    const kinds: DomainErrorKind[] = [
      'invalid',
      'unauthorized',
      'forbidden',
      'not_found',
      'conflict',
      'unavailable',
    ];

    // Act
    const mapped = kinds.map((k) => DOMAIN_ERROR_STATUS[k].status);

    // Assert
    expect(mapped).toEqual([400, 401, 403, 404, 409, 503]);
  });

  it('merges details into the body when the DomainError carries them', () => {
    // Arrange
    const err = new DomainError('conflict', 'DUPLICATE_MEMORY', 'duplicate memory', {
      memory_id: 'mem_1',
    });

    // Act
    const res = toErrorResponse(err, RID);

    // Assert
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: 'conflict',
      message: 'duplicate memory',
      memory_id: 'mem_1',
      request_id: RID,
    });
  });

  it('keeps error, message and request_id when details try to replace them', () => {
    // Arrange
    const err = new DomainError('invalid', 'X', 'agent_id is required', {
      error: 'hijack',
      message: 'hijack',
      request_id: 'hijack',
      details: [{ field: 'agent_id', constraints: { isDefined: 'agent_id is required' } }],
    });

    // Act
    const { body } = toErrorResponse(err, RID);

    // Assert
    expect(body.error).toBe('invalid_request');
    expect(body.message).toBe('agent_id is required');
    expect(body.request_id).toBe(RID);
    expect(body.details).toHaveLength(1);
  });

  it('returns 404 not_found when the error is notFound()', () => {
    // Arrange / Act
    const res = toErrorResponse(notFound('memory', 'MEMORY_NOT_FOUND'), RID);

    // Assert
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('memory not found');
  });

  it('returns 413 payload_too_large when an HttpError 413 is thrown', () => {
    // Arrange
    const err = new HttpError(413, 'payload_too_large', 'body must be at most 10 bytes');

    // Act
    const res = toErrorResponse(err, RID);

    // Assert
    expect(res).toEqual({
      status: 413,
      body: {
        error: 'payload_too_large',
        message: 'body must be at most 10 bytes',
        request_id: RID,
      },
      internal: false,
    });
  });

  it('returns 400 invalid_request when Express reports a 4xx error such as a bad URL', () => {
    // Arrange
    const err = Object.assign(new URIError("Failed to decode param '%E0'"), { status: 400 });

    // Act
    const res = toErrorResponse(err, RID);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toBe("Failed to decode param '%E0'");
  });

  it('returns 400 when the body parser reports a 4xx status the API has no code for', () => {
    // Arrange
    const err = Object.assign(new Error('unsupported charset "LATIN1"'), {
      status: 415,
      expose: true,
      type: 'charset.unsupported',
    });

    // Act
    const res = toErrorResponse(err, RID);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', message: err.message });
  });

  it('hides the message behind a 500 when an unexpected Error is thrown', () => {
    // Arrange
    const err = new Error('SQLITE_CORRUPT: secret path /var/db');

    // Act
    const res = toErrorResponse(err, RID);

    // Assert
    expect(res).toEqual({
      status: 500,
      body: { error: 'internal_error', message: INTERNAL_MESSAGE, request_id: RID },
      internal: true,
    });
  });

  it('returns 500 when something that is not an Error is thrown', () => {
    // Arrange / Act
    const res = toErrorResponse('boom', RID);

    // Assert
    expect(res.status).toBe(500);
    expect(res.body.message).toBe(INTERNAL_MESSAGE);
  });

  it('returns 500 when an error claims a 5xx status', () => {
    // Arrange
    const err = Object.assign(new Error('upstream exploded'), { status: 502, expose: false });

    // Act
    const res = toErrorResponse(err, RID);

    // Assert
    expect(res.status).toBe(500);
    expect(res.body.message).toBe(INTERNAL_MESSAGE);
  });

  it('uses the message of invalid() as it is when a rule is broken', () => {
    // Arrange / Act
    const res = toErrorResponse(invalid('importance must be a number between 0 and 1'), RID);

    // Assert
    expect(res.body.message).toBe('importance must be a number between 0 and 1');
  });
});
