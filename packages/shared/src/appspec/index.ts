export type {
  AppSpec,
  AppSpecOs,
  AppSpecPermission,
  FileMapping,
  HookScript,
  PermissionObjectType,
  SeLinuxContext,
} from './schema.js';
export { DEFAULT_SCRIPT_TIMEOUT_SECONDS } from './schema.js';
export { parseAppSpec, type AppSpecError, type ParseAppSpecOptions } from './parse.js';
export { isAbsolutePathFor, MAX_EVENT_TIMEOUT_SECONDS } from './rules.js';
export { findAclEntryProblem } from './acl-entry.js';
