/** What to read back after an accepted write, and the checks on its acknowledgement. */

export type Json = Record<string, unknown>;

/** A batch is read back at this many items at most, spread over it. */
const MAX_BATCH_READ_BACKS = 20;

/** Percent-encodes UTF-8 like encodeURIComponent, also for strings with lone surrogates. */
export function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')]
      .map((b) => `%${b.toString(16).padStart(2, '0')}`)
      .join('');
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const show = (v: unknown, n: number) => JSON.stringify(v).slice(0, n);

/** Indexes 0..length-1, all of them or `max` spread evenly (first and last included). */
function spread(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.round((k * (length - 1)) / (max - 1)));
}

export interface ReadBackPlan {
  /** Why the acknowledgement itself is wrong, or null. */
  readonly failure: string | null;
  /** Paths to GET, each with the acknowledged object it must answer byte for byte. */
  readonly pairs: readonly (readonly [string, Json])[];
}

/**
 * Compares an acknowledgement with what was sent (null means absent in the API, so a null field
 * is not compared) and says which stored objects to fetch again. Stored session metadata must
 * stay within `maxMetadataBytes`, the documented limit of one stored JSON object.
 */
export function planReadBack(
  name: string,
  sent: Json,
  acked: Json,
  maxMetadataBytes: number,
): ReadBackPlan {
  const pairs: [string, Json][] = [];
  const fail = (failure: string): ReadBackPlan => ({ failure, pairs: [] });
  if (name === 'POST /api/v1/memories') {
    const items = Array.isArray(sent.memories) ? (sent.memories as Json[]) : [sent];
    const stored = Array.isArray(acked.memories) ? (acked.memories as Json[]) : [acked];
    // Duplicates were left out: nothing to pair.
    if (stored.length !== items.length) return { failure: null, pairs: [] };
    for (const i of spread(stored.length, MAX_BATCH_READ_BACKS)) {
      const item = items[i] as Json;
      const m = stored[i] as Json;
      if (item.content !== m.content)
        return fail(
          `${name}: content changed: ${show(item.content, 100)} → ${show(m.content, 100)}`,
        );
      if (item.metadata != null && !same(item.metadata, m.metadata))
        return fail(
          `${name}: metadata changed: ${show(item.metadata, 200)} → ${show(m.metadata, 200)}`,
        );
      pairs.push([`/api/v1/memories/${encode(String(m.memory_id))}`, m]);
    }
  } else if (name === 'POST /api/v1/sessions' || name === 'PUT /api/v1/sessions/:id') {
    pairs.push([`/api/v1/sessions/${encode(String(acked.session_id))}`, acked]);
    if (
      name === 'POST /api/v1/sessions' &&
      sent.metadata != null &&
      !same(sent.metadata, acked.metadata)
    )
      return fail(
        `${name}: metadata changed: ${show(sent.metadata, 200)} → ${show(acked.metadata, 200)}`,
      );
    const bytes = Buffer.byteLength(JSON.stringify(acked.metadata ?? null));
    if (bytes > maxMetadataBytes) {
      return fail(
        `${name}: session metadata grew to ${bytes} bytes, more than the limit of a stored JSON object (${maxMetadataBytes} bytes)`,
      );
    }
  } else if (name === 'POST /api/v1/agents') {
    pairs.push([`/api/v1/agents/${encode(String(acked.agent_id))}`, acked]);
    if (sent.config != null && !same(sent.config, acked.config))
      return fail(
        `${name}: config changed: ${show(sent.config, 200)} → ${show(acked.config, 200)}`,
      );
    if (sent.description != null && sent.description !== acked.description)
      return fail(`${name}: description changed`);
  }
  return { failure: null, pairs };
}
