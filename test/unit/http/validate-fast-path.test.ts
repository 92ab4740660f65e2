import { describe, expect, it } from 'vitest';
import { CreateAgentRequest } from '../../../adapters/wire/create-agent.request.js';
import { CreateKeyRequest } from '../../../adapters/wire/create-key.request.js';
import {
  CreateMemoryBatchRequest,
  CreateMemoryRequest,
} from '../../../adapters/wire/create-memory.request.js';
import { CreateOrgRequest } from '../../../adapters/wire/create-org.request.js';
import { CreateSessionRequest } from '../../../adapters/wire/create-session.request.js';
import { fastFieldsOf, type FastField } from '../../../adapters/wire/field-decorators.js';
import { DeleteAgentQuery } from '../../../adapters/wire/delete-agent.query.js';
import {
  AgentMemoriesQuery,
  ListMemoriesQuery,
  SessionMemoriesQuery,
} from '../../../adapters/wire/list-memories.query.js';
import { ListSessionsQuery } from '../../../adapters/wire/list-sessions.query.js';
import { NoQuery, PageQuery } from '../../../adapters/wire/page.query.js';
import { SearchMemoriesRequest } from '../../../adapters/wire/search-memories.request.js';
import { SessionContextRequest } from '../../../adapters/wire/session-context.request.js';
import { UpdateSessionRequest } from '../../../adapters/wire/update-session.request.js';
import { toDto } from '../../../adapters/http/middleware/validate.js';

type Ctor = new () => object;

/** Every body DTO of the API, with the field names it declares. */
const BODY_DTOS: readonly Ctor[] = [
  CreateMemoryRequest,
  CreateMemoryBatchRequest,
  CreateAgentRequest,
  CreateKeyRequest,
  CreateOrgRequest,
  CreateSessionRequest,
  SearchMemoriesRequest,
  SessionContextRequest,
  UpdateSessionRequest,
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A JSON value of any type, biased towards what the fields expect so both paths get exercised. */
function anyValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * 12);
  switch (pick) {
    case 0:
    case 1:
      return `s${Math.floor(rand() * 100)}`;
    case 2:
      return rand();
    case 3:
      return Math.floor(rand() * 10);
    case 4:
      return rand() < 0.5;
    case 5:
      return null;
    case 6:
      return ['a', 'b'].slice(0, Math.floor(rand() * 3));
    case 7:
      return depth > 1 ? {} : { k: anyValue(rand, depth + 1) };
    case 8:
      return depth > 1 ? [] : [anyValue(rand, depth + 1)];
    case 9:
      return '';
    case 10:
      return ['x', 1];
    default:
      return undefined;
  }
}

/** Every query DTO of the API. */
const QUERY_DTOS: readonly Ctor[] = [
  ListMemoriesQuery,
  AgentMemoriesQuery,
  SessionMemoriesQuery,
  ListSessionsQuery,
  DeleteAgentQuery,
  PageQuery,
  NoQuery,
];

/** A query parameter's value as the query parser gives it: a string, or strings when repeated. */
function queryValue(rand: () => number, field: FastField | undefined): string | string[] {
  const one = (): string => {
    const any = ['', 'x', 'a,b', 'true', 'false', '5', '0.5', '-1', '1e3', '1e999', '0x10', ' 7'];
    if (field === undefined || rand() < 0.3) return any[Math.floor(rand() * any.length)] as string;
    switch (field.kind) {
      case 'queryNumber':
        return ['0', '1', '50', '0.25', '.5', '007', '12345678901234567'][Math.floor(rand() * 7)]!;
      case 'queryBoolean':
        return rand() < 0.5 ? 'true' : 'false';
      case 'queryList':
        return ['episodic', 'a,b', 'decision,entity', ',', 'x,'][Math.floor(rand() * 5)]!;
      default:
        return ['agent_1', 'sess 2', '2026-01-01T00:00:00Z', 'desc', '7d'][Math.floor(rand() * 5)]!;
    }
  };
  return rand() < 0.1 ? [one(), one()] : one();
}

/** A parsed query string for `dto`: each declared parameter absent or given, sometimes an unknown one. */
function anyQuery(rand: () => number, dto: Ctor): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, field] of fastFieldsOf(dto) ?? new Map<string, FastField>()) {
    if (rand() < 0.6) continue;
    query[key] = queryValue(rand, field);
  }
  if (rand() < 0.05) query.unknown_param = queryValue(rand, undefined);
  return query;
}

/** A value of the kind a field expects. */
function typed(rand: () => number, field: FastField): unknown {
  switch (field.kind) {
    case 'string':
    case 'requiredString':
      return ['agent_1', 'episodic', '7d', 'x y', ''][Math.floor(rand() * 5)];
    case 'number':
      return [0, 0.5, 1, 2, 50][Math.floor(rand() * 5)];
    case 'boolean':
      return rand() < 0.5;
    case 'object':
      return { k: anyValue(rand) ?? 1 };
    case 'stringArray':
      return ['a', 'b', 'c'].slice(0, Math.floor(rand() * 4));
    case 'nestedArray':
      return Array.from({ length: Math.floor(rand() * 4) }, () =>
        rand() < 0.9 ? anyBody(rand, field.type()) : anyValue(rand),
      );
    default:
      return anyValue(rand);
  }
}

/** A body for `dto`: each field absent, of its kind, or (sometimes) any JSON value at all. */
function anyBody(rand: () => number, dto: Ctor): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, field] of fastFieldsOf(dto) ?? new Map<string, FastField>()) {
    const required = field.kind === 'requiredString' || field.kind === 'nestedArray';
    if (rand() < (required ? 0.05 : 0.5)) continue;
    const v = rand() < 0.85 ? typed(rand, field) : anyValue(rand);
    if (v !== undefined) body[key] = v;
  }
  if (rand() < 0.05) body.unknown_field = 1;
  return body;
}

/** What toDto does with the input: the instance (class and fields) or the error it throws. */
async function outcome(
  dto: Ctor,
  input: unknown,
  fast: boolean,
  where: 'body' | 'query' = 'body',
): Promise<unknown> {
  try {
    const value = await toDto(dto, input, where, { fast });
    return { ok: Object.getPrototypeOf(value) === dto.prototype, value: structuredClone(value) };
  } catch (e) {
    return { error: (e as Error).message, details: (e as { details?: unknown }).details };
  }
}

describe('validate.toDto fast path', () => {
  it('has fast checks for every body DTO and every query DTO', () => {
    // Act
    const bodies = BODY_DTOS.map((dto) => [dto.name, fastFieldsOf(dto) !== null]);
    const queries = QUERY_DTOS.map((dto) => [dto.name, fastFieldsOf(dto)?.size]);

    // Assert
    expect(bodies).toEqual(BODY_DTOS.map((dto) => [dto.name, true]));
    expect(queries).toEqual([
      ['ListMemoriesQuery', 17],
      ['AgentMemoriesQuery', 16],
      ['SessionMemoriesQuery', 16],
      ['ListSessionsQuery', 5],
      ['DeleteAgentQuery', 1],
      ['PageQuery', 3],
      ['NoQuery', 0],
    ]);
  });

  it('gives the same instance or the same error as class-validator for random queries', async () => {
    // Arrange
    const rand = mulberry32(20261207);
    let accepted = 0;

    // Act
    const differences: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      const dto = QUERY_DTOS[i % QUERY_DTOS.length] as Ctor;
      const input = anyQuery(rand, dto);
      const fast = await outcome(dto, input, true, 'query');
      const slow = await outcome(dto, input, false, 'query');
      if ((slow as { ok?: boolean }).ok) accepted += 1;
      if (JSON.stringify(fast) !== JSON.stringify(slow))
        differences.push({ dto: dto.name, input, fast, slow });
    }

    // Assert
    expect(JSON.stringify(differences.slice(0, 2), null, 1)).toBe('[]');
    expect(accepted).toBeGreaterThan(300);
    expect(accepted).toBeLessThan(2700);
  });

  it('gives the same instance or the same error as class-validator for random bodies', async () => {
    // Arrange
    const rand = mulberry32(20261123);
    const cases: [Ctor, unknown][] = [];
    for (let i = 0; i < 3000; i++) {
      const dto = BODY_DTOS[i % BODY_DTOS.length] as Ctor;
      cases.push([dto, anyBody(rand, dto)]);
    }
    let accepted = 0;

    // Act
    const differences: unknown[] = [];
    for (const [dto, input] of cases) {
      const fast = await outcome(dto, input, true);
      const slow = await outcome(dto, input, false);
      if ((slow as { ok?: boolean }).ok) accepted += 1;
      if (JSON.stringify(fast) !== JSON.stringify(slow))
        differences.push({ dto, input, fast, slow });
    }

    // Assert
    expect(JSON.stringify(differences.slice(0, 2), null, 1)).toBe('[]');
    // The corpus reaches both paths: a fair share of bodies is valid, a fair share is not.
    expect(accepted).toBeGreaterThan(300);
    expect(accepted).toBeLessThan(2700);
  });

  it('keeps free-form metadata whole when the fast path builds the instance', async () => {
    // Arrange
    const metadata = { constructor: 'x', nested: { list: [{ a: 1 }] } };

    // Act
    const dto = await toDto(
      CreateMemoryBatchRequest,
      { memories: [{ agent_id: 'a', content: 'c', metadata, tags: ['t'] }] },
      'body',
    );

    // Assert
    expect(dto).toBeInstanceOf(CreateMemoryBatchRequest);
    const item = (dto as unknown as { memories: object[] }).memories[0];
    expect(item).toBeInstanceOf(CreateMemoryRequest);
    expect(item).toMatchObject({ agent_id: 'a', content: 'c', metadata, tags: ['t'] });
  });
});
