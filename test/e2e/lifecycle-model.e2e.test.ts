import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ExpiryPurge, OrgRetention, silentLogger } from '../../domain/index.js';
import {
  AGENTS,
  checkEveryReadPath,
  LifecycleModel,
  SESSIONS,
  TAGS,
  type LifecycleReal,
} from '../support/lifecycle-model.js';
import { startMcpApp, type McpApp } from '../support/mcp-app.js';
import { apiAs } from '../support/test-app.js';

type Command = fc.AsyncCommand<LifecycleModel, LifecycleReal>;

const MINUTE = 60_000;

/** What a create draws: who, where, tags, an expiry (ttl in minutes) or pin, and a correction. */
interface CreateDraw {
  readonly agent: number;
  readonly session: number;
  readonly tags: readonly string[];
  readonly ttlMinutes: number | null;
  readonly pinned: boolean;
  /** Supersede the memory this draws (any ever created), or none. */
  readonly supersedes: number | null;
}

/**
 * Records a memory: 201; with `supersedes` a 404 when the target is gone (deleted or expired), a
 * 409 when another memory corrects it already; a refused create leaves nothing behind (not even
 * the session it names).
 */
class CreateCommand implements Command {
  constructor(readonly draw: CreateDraw) {}
  check = (model: Readonly<LifecycleModel>) =>
    this.draw.supersedes === null || model.memories.length > 0;
  async run(model: LifecycleModel, real: LifecycleReal) {
    real.advance(1000);
    model.now += 1000;
    const { agent, session, tags, ttlMinutes, pinned, supersedes } = this.draw;
    const content = model.freshContent();
    const agentId = AGENTS[agent]!;
    const sessionId = session < SESSIONS.length ? SESSIONS[session]! : null;
    const target = supersedes === null ? null : model.pick(supersedes)!;
    const res = await real.api.post('/api/v1/memories', {
      agent_id: agentId,
      content,
      tags,
      ...(sessionId === null ? {} : { session_id: sessionId }),
      ...(ttlMinutes === null ? {} : { ttl: `${ttlMinutes}m` }),
      ...(pinned ? { pinned: true } : {}),
      ...(target === null ? {} : { supersedes: target.id }),
    });
    if (target && !model.isLive(target)) {
      expect(res.status, JSON.stringify(res.body)).toBe(404);
    } else if (target && target.supersededBy !== null) {
      expect(res.status, JSON.stringify(res.body)).toBe(409);
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const id = res.body.memory_id as string;
      model.memories.push({
        id,
        content,
        agentId,
        sessionId,
        tags,
        expiresAt: ttlMinutes === null ? null : model.now + ttlMinutes * MINUTE,
        deleted: false,
        supersedes: target?.id ?? null,
        supersededBy: null,
      });
      if (target) target.supersededBy = id;
      if (sessionId !== null) model.sessions.add(sessionId);
    }
    await checkEveryReadPath(model, real);
  }
  toString = () => `create(${JSON.stringify(this.draw)})`;
}

/** Deletes one memory ever created: 204 when it is live (superseded or not), else 404. */
class DeleteCommand implements Command {
  constructor(readonly pick: number) {}
  check = (model: Readonly<LifecycleModel>) => model.memories.length > 0;
  async run(model: LifecycleModel, real: LifecycleReal) {
    const target = model.pick(this.pick)!;
    const res = await real.api.delete(`/api/v1/memories/${target.id}`);
    expect(res.status).toBe(model.isLive(target) ? 204 : 404);
    if (model.isLive(target)) target.deleted = true;
    await checkEveryReadPath(model, real);
  }
  toString = () => `delete(${this.pick})`;
}

/** Deletes a session: 204 and every live memory in it is gone, or 404 when it does not exist. */
class DeleteSessionCommand implements Command {
  constructor(readonly session: number) {}
  check = () => true;
  async run(model: LifecycleModel, real: LifecycleReal) {
    const sessionId = SESSIONS[this.session]!;
    const res = await real.api.delete(`/api/v1/sessions/${sessionId}`);
    expect(res.status).toBe(model.sessions.has(sessionId) ? 204 : 404);
    for (const m of model.live()) if (m.sessionId === sessionId) m.deleted = true;
    model.sessions.delete(sessionId);
    await checkEveryReadPath(model, real);
  }
  toString = () => `deleteSession(${this.session})`;
}

/** Changes a memory's tags and importance, and may pin it: 200 when it is live, else 404. */
class PatchCommand implements Command {
  constructor(
    readonly pick: number,
    readonly tags: readonly string[],
    readonly pin: boolean,
  ) {}
  check = (model: Readonly<LifecycleModel>) => model.memories.length > 0;
  async run(model: LifecycleModel, real: LifecycleReal) {
    const target = model.pick(this.pick)!;
    const res = await real.api.patch(`/api/v1/memories/${target.id}`, {
      tags: this.tags,
      importance: 0.5,
      ...(this.pin ? { pinned: true } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(model.isLive(target) ? 200 : 404);
    if (model.isLive(target)) {
      expect(res.body.tags).toEqual(this.tags);
      target.tags = this.tags;
      // Pinning clears the memory's own expiry: it never expires.
      if (this.pin) target.expiresAt = null;
    }
    await checkEveryReadPath(model, real);
  }
  toString = () => `patch(${this.pick}, [${this.tags.join(',')}], ${this.pin})`;
}

/** Lets time pass: memories whose ttl runs out are gone from that instant. */
class AdvanceCommand implements Command {
  constructor(readonly minutes: number) {}
  check = () => true;
  async run(model: LifecycleModel, real: LifecycleReal) {
    real.advance(this.minutes * MINUTE);
    model.now += this.minutes * MINUTE;
    await checkEveryReadPath(model, real);
  }
  toString = () => `advance(${this.minutes}m)`;
}

/** One purge pass: deletes exactly the expired memories nothing else deleted, reads unchanged. */
class PurgeCommand implements Command {
  check = () => true;
  async run(model: LifecycleModel, real: LifecycleReal) {
    const expired = model.memories.filter((m) => !m.deleted && model.isExpired(m));
    expect(await real.purge()).toBe(expired.length);
    for (const m of expired) m.deleted = true;
    expect(await real.purge()).toBe(0);
    await checkEveryReadPath(model, real);
  }
  toString = () => 'purge()';
}

/** A forget filter: some of agent, session, one tag, or a few ids. */
interface ForgetDraw {
  readonly agent: number | null;
  readonly session: number | null;
  readonly tag: number | null;
  readonly picks: readonly number[] | null;
  readonly dryRun: boolean;
}

/** Forgets the live memories a filter matches (or counts them in a dry run), atomically. */
class ForgetCommand implements Command {
  constructor(readonly draw: ForgetDraw) {}
  check = (model: Readonly<LifecycleModel>) =>
    this.draw.picks === null || model.memories.length > 0;
  async run(model: LifecycleModel, real: LifecycleReal) {
    const { agent, session, tag, picks, dryRun } = this.draw;
    const ids = picks === null ? null : [...new Set(picks.map((p) => model.pick(p)!.id))];
    const body: Record<string, unknown> = {
      ...(agent === null ? {} : { agent_id: AGENTS[agent] }),
      ...(session === null ? {} : { session_id: SESSIONS[session] }),
      ...(tag === null ? {} : { tags: [TAGS[tag]] }),
      ...(ids === null ? {} : { ids }),
      ...(dryRun ? { dry_run: true } : {}),
    };
    const matches = model
      .live()
      .filter(
        (m) =>
          (agent === null || m.agentId === AGENTS[agent]) &&
          (session === null || m.sessionId === SESSIONS[session]) &&
          (tag === null || m.tags.includes(TAGS[tag]!)) &&
          (ids === null || ids.includes(m.id)),
      );
    const res = await real.api.post('/api/v1/memories/forget', body);
    if (Object.keys(body).filter((k) => k !== 'dry_run').length === 0) {
      // An empty filter is refused: forgetting everything needs "all".
      expect(res.status).toBe(400);
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual(
        dryRun ? { would_delete: matches.length, dry_run: true } : { deleted: matches.length },
      );
      if (!dryRun) for (const m of matches) m.deleted = true;
    }
    await checkEveryReadPath(model, real);
  }
  toString = () => `forget(${JSON.stringify(this.draw)})`;
}

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const tagSets = fc.subarray([...TAGS]);

const create = fc
  .record({
    agent: fc.nat({ max: AGENTS.length - 1 }),
    session: fc.nat({ max: SESSIONS.length }),
    tags: tagSets,
    ttlMinutes: optional(fc.integer({ min: 1, max: 3 })),
    pinned: fc.boolean(),
    supersedes: optional(fc.nat()),
  })
  // A pinned memory has no ttl (both at once is a 400, which the input rules test).
  .map((d) => new CreateCommand(d.pinned ? { ...d, ttlMinutes: null } : d));

// Each entry is drawn as often as the others: creates four times, so runs hold memories to
// delete, forget, correct and expire.
const commands = [
  create,
  create,
  create,
  create,
  fc.nat().map((p) => new DeleteCommand(p)),
  fc.nat({ max: SESSIONS.length - 1 }).map((s) => new DeleteSessionCommand(s)),
  fc.tuple(fc.nat(), tagSets, fc.boolean()).map(([p, t, pin]) => new PatchCommand(p, t, pin)),
  fc.integer({ min: 1, max: 2 }).map((m) => new AdvanceCommand(m)),
  fc.constant(new PurgeCommand()),
  fc
    .record({
      agent: optional(fc.nat({ max: AGENTS.length - 1 })),
      session: optional(fc.nat({ max: SESSIONS.length - 1 })),
      tag: optional(fc.nat({ max: TAGS.length - 1 })),
      picks: optional(fc.array(fc.nat(), { minLength: 1, maxLength: 3 })),
      dryRun: fc.boolean(),
    })
    .map((d) => new ForgetCommand(d)),
];

/** The seed of the runs: 20261207 unless MEMTRACE_MODEL_SEED says another, or `random`. */
function seedOption(): { seed?: number } {
  const env = process.env.MEMTRACE_MODEL_SEED;
  if (env === 'random') return {};
  return { seed: env === undefined ? 20261207 : Number(env) };
}

let app: McpApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('memory lifecycle against a reference model', () => {
  it('never returns what is deleted, expired or superseded, and never misses the rest, on every read path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 24, size: 'max' }), async (cmds) => {
        await app?.close();
        app = await startMcpApp();
        const running = app;
        const { storage, clock } = running.t;
        const purge = new ExpiryPurge(
          storage.memories,
          storage.auth,
          new OrgRetention(storage.auth),
          clock,
          silentLogger,
          // Small batches, so a pass takes several.
          { batchSize: 2, maxBatchesPerRun: 1000 },
        );
        const real: LifecycleReal = {
          api: apiAs(running.t.app, running.t.adminKey),
          mcp: await running.connect(running.t.adminKey),
          app: running,
          advance: (ms) => clock.advance(ms),
          purge: () => purge.run(),
        };
        for (const name of AGENTS) {
          expect((await real.api.post('/api/v1/agents', { name })).status).toBe(201);
        }
        await fc.asyncModelRun(() => ({ model: new LifecycleModel(clock.now()), real }), cmds);
      }),
      // Bounded: each step checks every read path; 25 runs of up to 24 steps. A fixed seed keeps
      // runs repeatable; MEMTRACE_MODEL_SEED=random explores (a failure prints its seed).
      { numRuns: 25, endOnFailure: true, ...seedOption() },
    );
  }, 300_000);
});
