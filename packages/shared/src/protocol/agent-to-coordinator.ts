import { z } from 'zod';
import { EventDiagnostics, HostFacts, IsoTime } from './common.js';

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

export const AgentMessage = z.discriminatedUnion('type', [Hello, EventStarted, EventResult]);
export type AgentMessage = z.infer<typeof AgentMessage>;
