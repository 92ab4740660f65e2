/** How many agents, sessions and memories an export or import moved (or skipped). */
export interface TransferCounts {
  agents: number;
  sessions: number;
  memories: number;
}
