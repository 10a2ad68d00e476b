import { z } from 'zod';
import { EventDiagnostics, HostFacts, IsoTime } from './common.js';
import { HealthStatus, HostMetrics } from './health.js';
import { HookOutput } from './hook-output.js';

export const Hello = z.object({
  type: z.literal('hello'),
  agentVersion: z.string(),
  protocolVersion: z.number().int(),
  facts: HostFacts,
});

export const EventStarted = z.object({
  type: z.literal('event-started'),
  commandId: z.string(),
  startTime: IsoTime,
});

export const EventResult = z.object({
  type: z.literal('event-result'),
  commandId: z.string(),
  status: z.enum(['Succeeded', 'Failed']),
  startTime: IsoTime,
  endTime: IsoTime,
  diagnostics: EventDiagnostics,
});
export type EventResult = z.infer<typeof EventResult>;

/**
 * The agent's periodic self-check (its scheduled upkeep): can it still deploy on this host (disk space, a writable
 * deployment root, its credentials)? `problems` says what failed, for people; warnings are not problems.
 */
export const SelfCheckReport = z.object({
  type: z.literal('self-check'),
  at: IsoTime,
  healthy: z.boolean(),
  problems: z.array(z.string()),
});
export type SelfCheckReport = z.infer<typeof SelfCheckReport>;

/**
 * The answer to `upgrade-agent`: `starting` (the new version is in place; the agent restarts now), `refused` (this
 * installation cannot be upgraded this way, e.g. it runs from a source checkout) or `failed` (download or unpack).
 */
export const UpgradeStatus = z.object({
  type: z.literal('upgrade-status'),
  version: z.string(),
  state: z.enum(['starting', 'refused', 'failed']),
  message: z.string(),
});
export type UpgradeStatus = z.infer<typeof UpgradeStatus>;

export const AgentMessage = z.discriminatedUnion('type', [Hello, EventStarted, EventResult, HostMetrics, HealthStatus, SelfCheckReport, UpgradeStatus, HookOutput]);
export type AgentMessage = z.infer<typeof AgentMessage>;
