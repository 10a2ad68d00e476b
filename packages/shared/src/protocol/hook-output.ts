/**
 * Hook output on the wire: the agent streams each lifecycle event's script log to the coordinator as it is
 * written, in small batches. Best effort by design: a batch that cannot be sent (no session) is dropped, never
 * queued, so streaming cannot slow a hook or grow the agent's memory. The full scripts.log stays on the host,
 * and its tail still travels with the event's result.
 */
import { z } from 'zod';
import { IsoTime } from './common.js';

/**
 * `stdout` and `stderr` are the script's own lines; `agent` lines are what the agent writes to scripts.log
 * around them (the event and script names, why a script failed).
 */
export const OutputStream = z.enum(['stdout', 'stderr', 'agent']);
export type OutputStream = z.infer<typeof OutputStream>;

/** A longer line is cut to this many characters on the wire (scripts.log keeps it whole). */
export const MAX_OUTPUT_LINE_CHARS = 8192;
/** Most lines in one `hook-output` frame: with the line limit this keeps a frame far below MAX_FRAME_BYTES. */
export const MAX_OUTPUT_BATCH_LINES = 64;

export const OutputLine = z.object({
  stream: OutputStream,
  text: z.string().max(MAX_OUTPUT_LINE_CHARS),
  /** When the agent read the line (the same time scripts.log shows). */
  at: IsoTime,
});
export type OutputLine = z.infer<typeof OutputLine>;

/**
 * Agent → coordinator: lines of the script log of `commandId`. Lines are numbered per command from 0 and
 * `seq` is the number of the first line here, so a gap in the numbers shows lines that were not streamed
 * (the agent was disconnected). A host may only send output for its own commands.
 */
export const HookOutput = z.object({
  type: z.literal('hook-output'),
  commandId: z.string(),
  seq: z.number().int().nonnegative(),
  lines: z.array(OutputLine).min(1).max(MAX_OUTPUT_BATCH_LINES),
});
export type HookOutput = z.infer<typeof HookOutput>;
