export { runHookScripts, type HookOutcome, type HookScript, type RunHookInput } from './hook-runner.js';
export { LOG_TAIL_CHARS } from './output-log.js';
