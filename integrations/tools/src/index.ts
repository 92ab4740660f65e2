export {
  memtraceOperations,
  toolDescriptions,
  type MemoryView,
  type MemtraceOperations,
  type MemtraceToolsOptions,
  type RememberResult,
  type SessionContextResult,
} from './operations.js';
export {
  MEMORY_TYPES,
  inputSchemas,
  recallInput,
  rememberInput,
  searchInput,
  sessionContextInput,
  strictSchema,
  type Nullable,
  type RecallInput,
  type RememberInput,
  type SearchInput,
  type SessionContextInput,
} from './schemas.js';
