import type { CreateMemoryRequest, Memory, Memtrace } from '@basekick-labs/memtrace-sdk';
import { BaseStore } from '@langchain/core/stores';

export interface MemtraceStoreOptions {
  /** The agent whose memories hold the entries. */
  agentId: string;
  /** Entries of different namespaces never meet (same key or not); default `default`. */
  namespace?: string;
}

/** How a value is written as a memory's content. */
type Encoding = 'text' | 'json' | 'base64' | 'no-bytes';

/** What an entry's memory carries in its metadata. */
interface EntryMetadata {
  kv_namespace: string;
  kv_key: string;
  kv_encoding: Encoding;
}

/** The event type of every entry's memory. */
export const ENTRY_EVENT_TYPE = 'kv_entry';

/**
 * A LangChain key-value store whose entries are memories of one agent: each entry is one
 * `entity` memory (event type `kv_entry`) whose content is the value (text as it is, other values
 * as JSON, bytes as base64), tagged with its namespace and key (as hashes: tags are short) and
 * carrying both in its metadata. So entries show in the agent's memories, search finds them by
 * their words, and forgetting the agent's memories removes them.
 *
 * `mset` writes the new entries in one atomic batch, then deletes the values they replace;
 * `mget` reads the newest value of each key; `mdelete` forgets every value of the keys;
 * `yieldKeys` lists the namespace's keys (those starting with `prefix`, when given).
 */
export class MemtraceStore<V = unknown> extends BaseStore<string, V> {
  lc_namespace = ['memtrace', 'stores'];

  private readonly agentId: string;
  private readonly namespace: string;

  constructor(
    private readonly client: Memtrace,
    options: MemtraceStoreOptions,
  ) {
    super();
    this.agentId = options.agentId;
    this.namespace = options.namespace ?? 'default';
  }

  async mget(keys: string[]): Promise<(V | undefined)[]> {
    return Promise.all(
      keys.map(async (key) => {
        const [newest] = await this.entries(key, 1);
        return newest === undefined ? undefined : (decode(newest) as V);
      }),
    );
  }

  async mset(keyValuePairs: [string, V][]): Promise<void> {
    // The last value of a key given twice wins.
    const pairs = [...new Map(keyValuePairs).entries()];
    if (pairs.length === 0) return;
    const requests = await Promise.all(pairs.map(([key, value]) => this.entry(key, value)));
    const { memories } = await this.client.addMemoriesBatch(requests);
    const written = new Set(memories.map((m) => m.memory_id));
    const replaced = (
      await Promise.all(pairs.map(async ([key]) => this.entries(key, 1000)))
    ).flatMap((found) => found.map((m) => m.memory_id).filter((id) => !written.has(id)));
    if (replaced.length > 0) await this.client.forget({ agent_id: this.agentId, ids: replaced });
  }

  async mdelete(keys: string[]): Promise<void> {
    for (const key of new Set(keys)) {
      await this.client.forget({ agent_id: this.agentId, tags: [await this.keyTag(key)] });
    }
  }

  async *yieldKeys(prefix?: string): AsyncGenerator<string> {
    const seen = new Set<string>();
    for await (const memory of this.client.iterateMemories({
      agent_id: this.agentId,
      tags: [await this.namespaceTag()],
    })) {
      const key = (memory.metadata as Partial<EntryMetadata>).kv_key;
      if (typeof key !== 'string' || seen.has(key)) continue;
      seen.add(key);
      if (prefix === undefined || key.startsWith(prefix)) yield key;
    }
  }

  /** The memories holding values of `key`, newest first. */
  private async entries(key: string, limit: number): Promise<Memory[]> {
    const list = await this.client.listMemories({
      agent_id: this.agentId,
      tags: [await this.keyTag(key)],
      limit,
      order: 'desc',
      include_count: false,
    });
    // A hash collision is not this key's entry.
    return list.memories.filter((m) => (m.metadata as Partial<EntryMetadata>).kv_key === key);
  }

  private async entry(key: string, value: V): Promise<CreateMemoryRequest> {
    const { content, encoding } = encode(value);
    const metadata: EntryMetadata = {
      kv_namespace: this.namespace,
      kv_key: key,
      kv_encoding: encoding,
    };
    return {
      agent_id: this.agentId,
      content,
      memory_type: 'entity',
      event_type: ENTRY_EVENT_TYPE,
      tags: [await this.namespaceTag(), await this.keyTag(key)],
      metadata: { ...metadata },
      // Each write is new, even of a value written before: a store never refuses a set.
      dedup_key: `kv.${crypto.randomUUID()}`,
    };
  }

  private async namespaceTag(): Promise<string> {
    return `kv-ns.${(await sha256(this.namespace)).slice(0, 40)}`;
  }

  private async keyTag(key: string): Promise<string> {
    return `kv.${(await sha256(`${this.namespace}\u0000${key}`)).slice(0, 48)}`;
  }
}

function encode(value: unknown): { content: string; encoding: Encoding } {
  if (typeof value === 'string' && value !== '') return { content: value, encoding: 'text' };
  if (value instanceof Uint8Array) {
    // A memory's content is never empty.
    return value.length > 0
      ? { content: toBase64(value), encoding: 'base64' }
      : { content: '(no bytes)', encoding: 'no-bytes' };
  }
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('MemtraceStore values must be JSON, text or bytes');
  return { content: json, encoding: 'json' };
}

function decode(memory: Memory): unknown {
  const encoding = (memory.metadata as Partial<EntryMetadata>).kv_encoding;
  if (encoding === 'text') return memory.content;
  if (encoding === 'base64') return fromBase64(memory.content);
  if (encoding === 'no-bytes') return new Uint8Array();
  return JSON.parse(memory.content);
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
