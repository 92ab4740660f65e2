/**
 * Calls to memtrace's REST API under /api/v1, with the key in the `x-api-key` header only:
 * never in a URL, a cookie or localStorage. The key lives in sessionStorage, for this tab.
 */

const KEY_ITEM = 'memtrace.apiKey';

export const storedKey = (): string | null => sessionStorage.getItem(KEY_ITEM);
export const storeKey = (key: string): void => sessionStorage.setItem(KEY_ITEM, key);
export const forgetKey = (): void => sessionStorage.removeItem(KEY_ITEM);

/** A refusal of the server, carrying its `message` (or what went wrong on the way). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/** `?a=1&b=x` from the given values; empty strings and undefined are left out. */
export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(name, value.join(','));
    } else params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export async function call<T>(
  key: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`../api/v1${path}`, {
      method,
      headers: {
        'x-api-key': key,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, `memtrace did not answer: ${(e as Error).message}`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: a proxy's page; its status says enough.
  }
  if (!res.ok) {
    const message = (parsed as { message?: unknown } | undefined)?.message;
    throw new ApiError(
      res.status,
      typeof message === 'string' ? message : `HTTP ${res.status} ${res.statusText}`,
    );
  }
  return parsed as T;
}

export interface Whoami {
  readonly org_id: string;
  readonly key_id: string;
  readonly permissions: readonly string[];
  readonly operator: boolean;
}

export interface Memory {
  readonly memory_id: string;
  readonly time: string;
  readonly agent_id: string;
  readonly session_id: string | null;
  readonly content: string;
  readonly memory_type: string;
  readonly event_type: string;
  readonly metadata: Record<string, unknown>;
  readonly tags: readonly string[];
  readonly importance: number;
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly pinned: boolean;
  readonly supersedes: string | null;
  readonly superseded_by: string | null;
  readonly score?: number;
}

export interface Page {
  readonly count: number | null;
  readonly has_more: boolean;
  readonly next_cursor: string | null;
}

export interface Agent {
  readonly agent_id: string;
  readonly name: string;
  readonly description: string | null;
  readonly created_at: string;
}

export interface AgentStats {
  readonly memory_count: number;
  readonly memories_24h: number;
  readonly errors_24h: number;
  readonly session_count: number;
  readonly active_sessions: number;
  readonly memory_types: Record<string, number>;
}

export interface Session {
  readonly session_id: string;
  readonly agent_id: string;
  readonly status: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly closed_at: string | null;
  readonly metadata: Record<string, unknown>;
}

export interface ApiKey {
  readonly key_id: string;
  readonly name: string;
  readonly permissions: readonly string[];
  readonly created_at: string;
}

export interface Org {
  readonly org_id: string;
  readonly name: string;
  readonly created_at: string;
  readonly retention: string | null;
}

export const MEMORY_TYPES = ['episodic', 'decision', 'entity', 'session'] as const;
