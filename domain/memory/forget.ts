import { actorLogMeta, type Principal } from '../auth/auth.js';
import { DomainError, invalid } from '../shared/errors.js';
import { checkFilterSize, DEFAULT_LIMITS } from '../shared/limits.js';
import { checkId } from '../shared/rules.js';
import type { MemoryFilter } from './memory.js';
import { SEARCH_FIELD_NAMES, toMemoryFilter } from './memory-query.js';

/** The most memory ids one forget may name. */
export const MAX_FORGET_IDS = 1_000;

/**
 * What to forget, as a caller writes it: the filters of list and search (named as search names
 * them: `memory_types`, `event_types`), and/or memory ids. Every given filter must hold (AND). An
 * empty list is no filter, as for search. Without any filter the request is refused unless
 * `all` is true, which forgets every memory of the org and needs an admin key.
 */
export interface ForgetInput {
  readonly agentId?: string;
  readonly sessionId?: string;
  readonly memoryTypes?: readonly string[];
  readonly eventTypes?: readonly string[];
  readonly tags?: readonly string[];
  readonly since?: string;
  readonly until?: string;
  /**
   * A keyword search, as search takes it: the memories it matches (with every other filter) are
   * forgotten, so a dry run counts what the same search (with `include_superseded`) counts.
   */
  readonly query?: string;
  /** At most {@link MAX_FORGET_IDS}. */
  readonly ids?: readonly string[];
  /** Count what would be forgotten, forget nothing. */
  readonly dryRun?: boolean;
  /** Forget every memory of the org: allowed only without filters, and only for admin keys. */
  readonly all?: boolean;
}

export interface ForgetOutcome {
  /** How many were forgotten; for a dry run, how many would be. */
  readonly count: number;
  readonly dryRun: boolean;
}

/**
 * Checks a forget request and turns it into the store's filter (an empty one for `all`).
 * @throws DomainError `invalid` naming the field; `forbidden` for `all` without the admin
 *   permission (checked after the input, so a malformed request is a 400 whoever sends it)
 */
export function toForgetFilter(
  actor: Principal,
  input: ForgetInput,
  nowMs: number,
  maxValues: number = DEFAULT_LIMITS.maxFilterValues,
): MemoryFilter {
  const filter: { -readonly [K in keyof MemoryFilter]: MemoryFilter[K] } = toMemoryFilter(
    {
      agentId: input.agentId,
      sessionId: input.sessionId,
      memoryTypes: input.memoryTypes,
      eventTypes: input.eventTypes,
      tags: input.tags,
      since: input.since,
      until: input.until,
      query: input.query,
    },
    nowMs,
    SEARCH_FIELD_NAMES,
    maxValues,
  );
  const ids = input.ids ?? [];
  checkFilterSize('ids', ids, MAX_FORGET_IDS);
  ids.forEach((id, i) => checkId(`ids[${i}]`, id));
  if (ids.length > 0) filter.ids = [...new Set(ids)];
  const empty = Object.keys(filter).length === 0;
  if (input.all === true) {
    if (!empty) {
      throw invalid(
        'all: true forgets every memory of the org and takes no filter or ids: send one or the other',
      );
    }
    if (!actor.permissions.includes('admin')) {
      throw new DomainError(
        'forbidden',
        'FORBIDDEN',
        "all: true needs an API key with the 'admin' permission",
      );
    }
  } else if (empty) {
    throw invalid(
      'a filter or ids are required: an empty filter would forget every memory of the org, ' +
        'which takes all: true (and an admin key)',
    );
  }
  // Forgetting is of every version: a retired memory matching the filter goes too.
  filter.includeSuperseded = true;
  return filter;
}

/**
 * What the log says of one forget: the org, the key (and the request id, when there is one),
 * the filter as the API names it (times in ISO 8601; `{all: true}` for the whole org) and the
 * count. Never the content, nor a keyword search's text (a forget by words is often of the very
 * words one wants gone): `query` says only that one was given and how many terms it had.
 */
export function forgetLogMeta(
  actor: Principal,
  filter: MemoryFilter,
  deleted: number,
): Record<string, unknown> {
  const iso = (ms: number | undefined) =>
    ms === undefined ? undefined : new Date(ms).toISOString();
  const named: Record<string, unknown> = {
    agent_id: filter.agentId,
    session_id: filter.sessionId,
    memory_types: filter.memoryTypes,
    event_types: filter.eventTypes,
    tags: filter.tags,
    since: iso(filter.since),
    until: iso(filter.until),
    ids: filter.ids,
    query:
      filter.query === undefined
        ? undefined
        : { terms: filter.query.groups.reduce((n, g) => n + g.length, 0) },
  };
  const given = Object.fromEntries(Object.entries(named).filter(([, v]) => v !== undefined));
  return {
    ...actorLogMeta(actor),
    filter: Object.keys(given).length === 0 ? { all: true } : given,
    deleted,
  };
}
