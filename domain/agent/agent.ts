/** A registered agent: a name with a description and configuration. */
export interface Agent {
  /** `agent_` + 24 hex. */
  readonly id: string;
  readonly orgId: string;
  /** Unique within the org. */
  readonly name: string;
  readonly description: string | null;
  /** A JSON object; `{}` when none was given. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}
