export type { MemtraceToolsOptions } from '@memtrace/agent-tools';
export {
  MemtraceRetriever,
  type MemoryDocumentMetadata,
  type MemtraceRetrieverInput,
  type MemtraceSearchFilter,
} from './retriever.js';
export { ENTRY_EVENT_TYPE, MemtraceStore, type MemtraceStoreOptions } from './store.js';
export { memtraceTools } from './tools.js';
