export const SESSION_STATUSES = ['active', 'closed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A scope of work for one agent; memories name it by `sessionId`. */
export interface Session {
  /** `sess_` + 24 hex. */
  readonly id: string;
  readonly orgId: string;
  readonly agentId: string;
  readonly status: SessionStatus;
  /** A JSON object; `{}` when none was given. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Set when the session is closed, cleared when it is reopened. */
  readonly closedAt: number | null;
}

/** A change to a session. Metadata is merged key by key; a key set to null is removed. */
export interface SessionPatch {
  readonly status?: SessionStatus;
  readonly metadata?: Readonly<Record<string, unknown>>;
}
