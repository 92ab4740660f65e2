import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import type { LogMeta, Logger, NewMemory, Principal } from '../../../domain/index.js';
import { createMemtrace } from '../../../src/core.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { SequentialIds } from '../../support/sequential-ids.js';
import { rejection } from '../../support/domain-errors.js';

const T0 = Date.UTC(2026, 1, 7, 20, 15, 0);
const HOUR = 3_600_000;
const WRITER: Principal = { orgId: 'org_a', keyId: 'key_writer', permissions: ['read', 'write'] };
const ADMIN: Principal = {
  orgId: 'org_a',
  keyId: 'key_admin',
  permissions: ['read', 'write', 'admin'],
};
const OTHER_ORG: Principal = { ...ADMIN, orgId: 'org_b', keyId: 'key_b' };

async function setup() {
  const storage = await createInMemoryStorage();
  const clock = new FixedClock(T0);
  const lines: { level: string; message: string; meta: LogMeta | undefined }[] = [];
  const at = (level: string) => (message: string, meta?: LogMeta) => {
    lines.push({ level, message, meta });
  };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  const memtrace = createMemtrace({
    storage,
    clock,
    ids: new SequentialIds(),
    dedup: { enabled: false, windowHours: 24 },
    logger,
  });
  const service = memtrace.memories;
  const remember = async (input: Partial<NewMemory> & { orgId?: string } = {}) => {
    const { orgId = 'org_a', ...rest } = input;
    return service.create(orgId, { agentId: 'agent_1', content: 'a fact', ...rest });
  };
  const left = async (orgId = 'org_a') =>
    (await service.list(orgId, { since: '30d', limit: 1000 })).memories.map((m) => m.content);
  return { service, clock, lines, remember, left };
}

describe('MemoryService.delete', () => {
  it('deletes the memory so that get is a 404 when the id is the org’s', async () => {
    // Arrange
    const { service, remember, left } = await setup();
    const gone = await remember({ content: 'gone' });
    await remember({ content: 'kept' });

    // Act
    await service.delete(WRITER, gone.id);

    // Assert
    expect((await rejection(service.get('org_a', gone.id))).kind).toBe('not_found');
    expect(await left()).toEqual(['kept']);
  });

  it('throws not_found and deletes nothing when the id is another org’s', async () => {
    // Arrange
    const { service, remember, left } = await setup();
    const theirs = await remember({ orgId: 'org_b', content: 'theirs' });

    // Act
    const error = await rejection(service.delete(WRITER, theirs.id));

    // Assert
    expect({ kind: error.kind, code: error.code }).toEqual({
      kind: 'not_found',
      code: 'MEMORY_NOT_FOUND',
    });
    expect(await left('org_b')).toEqual(['theirs']);
  });

  it('throws not_found when no memory has the id', async () => {
    // Arrange
    const { service } = await setup();

    // Act
    const error = await rejection(service.delete(WRITER, 'mem_000000000000000000000000'));

    // Assert
    expect(error.kind).toBe('not_found');
  });

  it('logs the org, the key, the id and the count at info, never the content', async () => {
    // Arrange
    const { service, remember, lines } = await setup();
    const gone = await remember({ content: 'a secret never to log' });

    // Act
    await service.delete(WRITER, gone.id);

    // Assert
    const logged = lines.filter((l) => l.message === 'memories forgotten');
    expect(logged).toEqual([
      {
        level: 'info',
        message: 'memories forgotten',
        meta: { org_id: 'org_a', key_id: 'key_writer', filter: { ids: [gone.id] }, deleted: 1 },
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('a secret never to log');
  });

  it('logs the request id with the org and the key when the principal has one', async () => {
    // Arrange
    const { service, remember, lines } = await setup();
    const gone = await remember({ content: 'x' });

    // Act
    await service.delete({ ...WRITER, requestId: 'req-42' }, gone.id);

    // Assert
    expect(lines.find((l) => l.message === 'memories forgotten')?.meta).toEqual({
      org_id: 'org_a',
      key_id: 'key_writer',
      request_id: 'req-42',
      filter: { ids: [gone.id] },
      deleted: 1,
    });
  });
});

describe('MemoryService.forget', () => {
  it('deletes what the filters match and answers the count when given filters', async () => {
    // Arrange
    const { service, remember, left } = await setup();
    await remember({ agentId: 'agent_1', tags: ['pii'], content: 'a1 pii' });
    await remember({ agentId: 'agent_1', content: 'a1 plain' });
    await remember({ agentId: 'agent_2', tags: ['pii'], content: 'a2 pii' });

    // Act
    const outcome = await service.forget(WRITER, { agentId: 'agent_1', tags: ['pii'] });

    // Assert
    expect(outcome).toEqual({ count: 1, dryRun: false });
    expect((await left()).sort()).toEqual(['a1 plain', 'a2 pii']);
  });

  it('deletes by memory type, event type, session and time range when given them', async () => {
    // Arrange
    const { service, remember, left, clock } = await setup();
    await remember({ memoryType: 'decision', eventType: 'chose', sessionId: 's1', content: 'old' });
    clock.advance(2 * HOUR);
    await remember({ memoryType: 'decision', eventType: 'chose', sessionId: 's1', content: 'new' });
    await remember({ memoryType: 'episodic', eventType: 'chose', sessionId: 's1', content: 'ep' });

    // Act
    const outcome = await service.forget(WRITER, {
      memoryTypes: ['decision'],
      eventTypes: ['chose'],
      sessionId: 's1',
      since: '1h',
    });

    // Assert
    expect(outcome.count).toBe(1);
    expect((await left()).sort()).toEqual(['ep', 'old']);
  });

  it('deletes the given ids of the org only when given ids', async () => {
    // Arrange
    const { service, remember, left } = await setup();
    const one = await remember({ content: 'one' });
    await remember({ content: 'two' });
    const theirs = await remember({ orgId: 'org_b', content: 'theirs' });

    // Act
    const outcome = await service.forget(WRITER, { ids: [one.id, theirs.id, 'mem_nowhere'] });

    // Assert
    expect(outcome.count).toBe(1);
    expect(await left()).toEqual(['two']);
    expect(await left('org_b')).toEqual(['theirs']);
  });

  it('answers the count and deletes nothing when dry run is set', async () => {
    // Arrange
    const { service, remember, left, lines } = await setup();
    await remember({ content: 'one' });
    await remember({ content: 'two' });

    // Act
    const outcome = await service.forget(WRITER, { agentId: 'agent_1', dryRun: true });

    // Assert
    expect(outcome).toEqual({ count: 2, dryRun: true });
    expect((await left()).sort()).toEqual(['one', 'two']);
    expect(lines.filter((l) => l.level === 'info')).toEqual([]);
  });

  it.each([
    ['no field', {}],
    ['empty lists', { memoryTypes: [], eventTypes: [], tags: [], ids: [] }],
    ['all false', { all: false }],
  ])('refuses an empty filter and deletes nothing when given %s', async (_name, input) => {
    // Arrange
    const { service, remember, left } = await setup();
    await remember({ content: 'kept' });

    // Act
    const error = await rejection(service.forget(ADMIN, input));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/all: true/);
    expect(await left()).toEqual(['kept']);
  });

  it('deletes every memory of the org and none of another when all is set by an admin', async () => {
    // Arrange
    const { service, remember, left } = await setup();
    await remember({ content: 'one' });
    await remember({ agentId: 'agent_2', content: 'two' });
    await remember({ orgId: 'org_b', content: 'theirs' });

    // Act
    const outcome = await service.forget(ADMIN, { all: true });

    // Assert
    expect(outcome.count).toBe(2);
    expect(await left()).toEqual([]);
    expect(await left('org_b')).toEqual(['theirs']);
  });

  it('throws forbidden and deletes nothing when all is set by a key without admin', async () => {
    // Arrange
    const { service, remember, left } = await setup();
    await remember({ content: 'kept' });

    // Act
    const error = await rejection(service.forget(WRITER, { all: true }));

    // Assert
    expect(error.kind).toBe('forbidden');
    expect(error.message).toContain('admin');
    expect(await left()).toEqual(['kept']);
  });

  it('refuses all next to a filter, saying all takes none', async () => {
    // Arrange
    const { service, remember, left } = await setup();
    await remember({ content: 'kept' });

    // Act
    const error = await rejection(service.forget(ADMIN, { all: true, agentId: 'agent_1' }));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/^all/);
    expect(await left()).toEqual(['kept']);
  });

  it('refuses more than 1,000 ids naming the limit', async () => {
    // Arrange
    const { service } = await setup();
    const ids = Array.from({ length: 1001 }, (_, i) => `mem_${i}`);

    // Act
    const error = await rejection(service.forget(WRITER, { ids }));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe('ids must have at most 1000 values, got 1001');
  });

  it('accepts exactly 1,000 ids', async () => {
    // Arrange
    const { service, remember } = await setup();
    const one = await remember();
    const ids = [one.id, ...Array.from({ length: 999 }, (_, i) => `mem_${i}`)];

    // Act
    const outcome = await service.forget(WRITER, { ids });

    // Assert
    expect(outcome.count).toBe(1);
  });

  it.each([
    ['an id of the wrong form', { ids: ['not an id'] }, /^ids\[0\]/],
    ['an unknown memory type', { memoryTypes: ['bogus'] }, /^memory_types\[0\]/],
    [
      'too many tags',
      { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      /^tags must have at most 20/,
    ],
    ['an empty time range', { since: '1h', until: '2h' }, /^since must be earlier than until/],
    ['a bad time', { until: 'yesterday' }, /^until/],
    ['a bad agent id', { agentId: '' }, /^agent_id/],
  ])('refuses %s naming the field', async (_name, input, message) => {
    // Arrange
    const { service, remember, left } = await setup();
    await remember({ content: 'kept' });

    // Act
    const error = await rejection(service.forget(WRITER, input));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(message);
    expect(await left()).toEqual(['kept']);
  });

  it('logs the org, the key, the filter and the count at info, never the content', async () => {
    // Arrange
    const { service, remember, lines } = await setup();
    await remember({ content: 'a secret never to log', tags: ['pii'] });

    // Act
    await service.forget(WRITER, { tags: ['pii'], until: '2026-02-08T00:00:00Z' });

    // Assert
    expect(lines.filter((l) => l.level === 'info')).toEqual([
      {
        level: 'info',
        message: 'memories forgotten',
        meta: {
          org_id: 'org_a',
          key_id: 'key_writer',
          filter: { tags: ['pii'], until: '2026-02-08T00:00:00.000Z' },
          deleted: 1,
        },
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('a secret never to log');
  });

  it('logs all: true as the whole org when an admin forgets everything', async () => {
    // Arrange
    const { service, remember, lines } = await setup();
    await remember();

    // Act
    await service.forget(OTHER_ORG, { all: true });

    // Assert
    expect(lines.filter((l) => l.level === 'info').map((l) => l.meta)).toEqual([
      { org_id: 'org_b', key_id: 'key_b', filter: { all: true }, deleted: 0 },
    ]);
  });
});
