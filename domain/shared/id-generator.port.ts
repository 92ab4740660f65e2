export type IdKind = 'memory' | 'session' | 'agent' | 'org' | 'key';

/** Makes the identifiers of new records. */
export interface IdGenerator {
  /**
   * A new unique id for a record of the given kind, with its prefix (`mem_`, `sess_`, `agent_`,
   * `org_`, `key_`) and 24 lowercase hex digits. Memory ids are time-ordered: the first 12 hex
   * digits are `atMs`, and ids made by one generator in the same millisecond increase.
   */
  next(kind: IdKind, atMs: number): string;
}

export const ID_PREFIX: Readonly<Record<IdKind, string>> = {
  memory: 'mem_',
  session: 'sess_',
  agent: 'agent_',
  org: 'org_',
  key: 'key_',
};
