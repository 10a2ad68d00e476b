import type { z } from 'zod';
import { err, ok, type Result } from '../result.js';
import { PROTOCOL_VERSION } from './envelope.js';
import { AgentMessage } from './agent-to-coordinator.js';
import { CoordinatorMessage } from './coordinator-to-agent.js';

/**
 * A refusal quotes what the peer sent (a version, a key path, a schema's message that may echo a value), bounded:
 * a huge frame must not make a huge log line.
 */
const bounded = (text: string, max = 64): string => (text.length > max ? `${text.slice(0, max)}...` : text);

/**
 * Frames are parsed into a result at the edge: a malformed frame is an expected failure from an untrusted
 * peer, never an exception thrown into the core.
 */
function parseFrame<T>(schema: z.ZodType<T>, raw: string): Result<T, string> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err('frame is not valid JSON');
  }
  if (typeof json !== 'object' || json === null) return err('frame is not a JSON object');
  const version = (json as { v?: unknown }).v;
  if (version !== PROTOCOL_VERSION) return err(`unsupported protocol version ${bounded(JSON.stringify(version) ?? 'undefined')}`);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(`invalid frame: ${issue ? `${bounded(issue.path.join('.')) || '(root)'}: ${bounded(issue.message, 200)}` : 'unknown'}`);
  }
  return ok(parsed.data);
}

export const parseAgentMessage = (raw: string): Result<AgentMessage, string> => parseFrame(AgentMessage, raw);
export const parseCoordinatorMessage = (raw: string): Result<CoordinatorMessage, string> =>
  parseFrame(CoordinatorMessage, raw);

/** Serialises a message inside the versioned envelope. */
export const encodeFrame = (message: AgentMessage | CoordinatorMessage): string =>
  JSON.stringify({ v: PROTOCOL_VERSION, ...message });
