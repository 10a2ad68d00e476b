/**
 * How long the agent may take to stop on SIGTERM (see agent.ts): it lets a running event finish for the
 * `stop-grace` setting (RUNNING_EVENT_GRACE_MS by default), then ends the hook's process group (SIGTERM, then
 * SIGKILL after HOOK_KILL_GRACE_MS, the hook runner's grace at any deadline) and reports the event as failed.
 * The systemd unit's TimeoutStopSec is derived from the total.
 */
export const RUNNING_EVENT_GRACE_MS = 20_000;
export const HOOK_KILL_GRACE_MS = 5_000;
/** After the kill grace: SIGKILL delivery, the result's journal write and its send. */
export const SETTLE_MS = 5_000;

export const agentStopBoundMs = (stopGraceMs: number): number => stopGraceMs + HOOK_KILL_GRACE_MS + SETTLE_MS;
