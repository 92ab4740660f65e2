import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
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

/** Records a memory of a random agent, session and tags. */
class CreateCommand implements Command {
  constructor(
    readonly agent: number,
    readonly session: number,
    readonly tags: readonly string[],
  ) {}
  check = () => true;
  async run(model: LifecycleModel, real: LifecycleReal) {
    real.tick();
    const content = model.freshContent();
    const agentId = AGENTS[this.agent]!;
    const sessionId = this.session < SESSIONS.length ? SESSIONS[this.session]! : null;
    const res = await real.api.post('/api/v1/memories', {
      agent_id: agentId,
      content,
      tags: this.tags,
      ...(sessionId === null ? {} : { session_id: sessionId }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    model.memories.push({
      id: res.body.memory_id as string,
      content,
      agentId,
      sessionId,
      tags: this.tags,
      gone: false,
    });
    if (sessionId !== null) model.sessions.add(sessionId);
    await checkEveryReadPath(model, real);
  }
  toString = () => `create(${this.agent}, ${this.session}, [${this.tags.join(',')}])`;
}

/** Deletes one memory ever created: 204 when it is live, 404 when it is gone already. */
class DeleteCommand implements Command {
  constructor(readonly pick: number) {}
  check = (model: Readonly<LifecycleModel>) => model.memories.length > 0;
  async run(model: LifecycleModel, real: LifecycleReal) {
    const target = model.pick(this.pick)!;
    const res = await real.api.delete(`/api/v1/memories/${target.id}`);
    expect(res.status).toBe(target.gone ? 404 : 204);
    target.gone = true;
    await checkEveryReadPath(model, real);
  }
  toString = () => `delete(${this.pick})`;
}

/** Deletes a session: 204 and every memory in it is gone, or 404 when it does not exist. */
class DeleteSessionCommand implements Command {
  constructor(readonly session: number) {}
  check = () => true;
  async run(model: LifecycleModel, real: LifecycleReal) {
    const sessionId = SESSIONS[this.session]!;
    const res = await real.api.delete(`/api/v1/sessions/${sessionId}`);
    expect(res.status).toBe(model.sessions.has(sessionId) ? 204 : 404);
    for (const m of model.memories) if (m.sessionId === sessionId) m.gone = true;
    model.sessions.delete(sessionId);
    await checkEveryReadPath(model, real);
  }
  toString = () => `deleteSession(${this.session})`;
}

/** A forget filter: some of agent, session, one tag, or a few ids. */
interface ForgetDraw {
  readonly agent: number | null;
  readonly session: number | null;
  readonly tag: number | null;
  readonly picks: readonly number[] | null;
  readonly dryRun: boolean;
}

/** Forgets what a filter matches (or, in a dry run, counts it): all of it, atomically. */
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
      if (!dryRun) for (const m of matches) m.gone = true;
    }
    await checkEveryReadPath(model, real);
  }
  toString = () => `forget(${JSON.stringify(this.draw)})`;
}

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const commands = [
  fc
    .tuple(
      fc.nat({ max: AGENTS.length - 1 }),
      fc.nat({ max: SESSIONS.length }),
      fc.subarray([...TAGS]),
    )
    .map(([a, s, t]) => new CreateCommand(a, s, t)),
  fc.nat().map((p) => new DeleteCommand(p)),
  fc.nat({ max: SESSIONS.length - 1 }).map((s) => new DeleteSessionCommand(s)),
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

let app: McpApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('memory lifecycle against a reference model', () => {
  it('never returns what is gone and never misses what is live, on every read path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 16 }), async (cmds) => {
        await app?.close();
        app = await startMcpApp();
        const running = app;
        const real: LifecycleReal = {
          api: apiAs(running.t.app, running.t.adminKey),
          mcp: await running.connect(running.t.adminKey),
          app: running,
          tick: () => running.t.clock.advance(1000),
        };
        for (const name of AGENTS) {
          expect((await real.api.post('/api/v1/agents', { name })).status).toBe(201);
        }
        await fc.asyncModelRun(() => ({ model: new LifecycleModel(), real }), cmds);
      }),
      // Bounded: each step checks every read path; 25 runs of up to 16 steps.
      { numRuns: 25, endOnFailure: true },
    );
  }, 240_000);
});
