import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_LIMITS, boundDiagnostics } from './common.js';
import { encodeFrame, parseAgentMessage } from './parse.js';

describe('boundDiagnostics', () => {
  it('keeps small diagnostics as they are', () => {
    const diagnostics = { errorCode: 'ScriptFailed' as const, scriptName: 'scripts/start.sh', message: 'exit 1', logTail: 'line\n' };
    expect(boundDiagnostics(diagnostics)).toEqual(diagnostics);
  });

  it('cuts a huge message, script name and log tail so the result still travels in one frame', () => {
    const bounded = boundDiagnostics({
      errorCode: 'UnknownError',
      scriptName: 's'.repeat(50_000),
      message: `head ${'m'.repeat(2_000_000)}`,
      logTail: `${'x'.repeat(2_000_000)} the last line`,
    });
    expect(bounded.message).toHaveLength(DIAGNOSTIC_LIMITS.message);
    expect(bounded.message.startsWith('head ')).toBe(true);
    expect(bounded.scriptName).toHaveLength(DIAGNOSTIC_LIMITS.scriptName);
    expect(bounded.logTail).toHaveLength(DIAGNOSTIC_LIMITS.logTail);
    expect(bounded.logTail.endsWith(' the last line')).toBe(true);
    const frame = encodeFrame({ type: 'event-result', commandId: 'd.h.Install', status: 'Failed', startTime: '2030-01-01T00:00:00.000Z', endTime: '2030-01-01T00:00:01.000Z', diagnostics: bounded });
    expect(frame.length).toBeLessThan(64 * 1024);
    expect(parseAgentMessage(frame).ok).toBe(true);
  });
});
