export { Debouncer, type DebounceOptions, DEFAULT_DEBOUNCE } from "./debounce.js";
export {
  hostPort,
  type InstanceInfo,
  MAX_ENV_VALUE_BYTES,
  type MemberInfo,
  stateEnv,
  stateJson,
  stateKey,
  type WatchState,
} from "./state.js";
export {
  type Compiled,
  DEFAULT_TEMPLATE_LIMITS,
  planWrite,
  Template,
  type TemplateLimits,
  templateView,
} from "./template.js";
export { type StepResult, Watcher, type WatcherDeps } from "./watcher.js";
export { describeResult, type ExecOptions, type ExecResult, runCommand, succeeded } from "./exec.js";
export { readTextOrNull, writeFileAtomic } from "./atomic-write.js";
