import type { Memory } from '../../../domain/index.js';
import type { ArcTarget } from './arc-client.js';
import type { ArcTargetResolver } from './arc-options.js';
import { ArcTargetState } from './arc-target-state.js';

/** The memories of one insert that go to one Arc database and measurement. */
export interface TargetGroup {
  readonly target: ArcTarget;
  readonly state: ArcTargetState;
  readonly memories: Memory[];
}

/**
 * Where each org's memories live (asked of the resolver on every call) and what this process
 * keeps per Arc database and measurement: one {@link ArcTargetState} each, whose acknowledged
 * writes are forgotten `readYourWritesMs` after Arc acknowledged them.
 */
export class ArcTargets {
  private readonly states = new Map<string, ArcTargetState>();

  constructor(
    private readonly resolveTarget: ArcTargetResolver,
    private readonly readYourWritesMs: number,
  ) {}

  /** The org's target and its state. */
  async open(orgId: string): Promise<{ target: ArcTarget; state: ArcTargetState }> {
    const target = await this.resolveTarget(orgId);
    return { target, state: this.stateOf(target) };
  }

  /** The memories grouped by target, the groups in the order of their targets' keys. */
  async groupByTarget(memories: readonly Memory[]): Promise<TargetGroup[]> {
    const targets = new Map<string, ArcTarget>();
    for (const orgId of new Set(memories.map((m) => m.orgId))) {
      targets.set(orgId, await this.resolveTarget(orgId));
    }
    const groups = new Map<string, TargetGroup>();
    for (const m of memories) {
      const target = targets.get(m.orgId) as ArcTarget;
      const key = targetKey(target);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { target, state: this.stateOf(target), memories: [] }));
      group.memories.push(m);
    }
    return [...groups.values()].sort((a, b) => (a.state.key < b.state.key ? -1 : 1));
  }

  /** How many acknowledged writes reads still merge in, over every target. */
  pendingCount(): number {
    let n = 0;
    for (const s of this.states.values()) n += s.pending.size;
    return n;
  }

  private stateOf(target: ArcTarget): ArcTargetState {
    const key = targetKey(target);
    let state = this.states.get(key);
    if (!state) this.states.set(key, (state = new ArcTargetState(key)));
    state.expire(Date.now() - this.readYourWritesMs);
    return state;
  }
}

const targetKey = (t: ArcTarget) => `${t.url}\u0000${t.database}\u0000${t.measurement}`;
