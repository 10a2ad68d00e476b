import { describe, expect, it } from 'vitest';
import { quoteExecArgument, renderUnitFile } from './unit-file.js';

describe('quoteExecArgument', () => {
  it.each([
    ['/usr/bin/node', '/usr/bin/node'],
    ['/opt/my app/bin.js', '"/opt/my app/bin.js"'],
    ['/tmp/100%', '/tmp/100%%'],
    ['/tmp/$HOME', '/tmp/$$HOME'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['', '""'],
  ])('%s → %s', (argument, quoted) => {
    expect(quoteExecArgument(argument)).toBe(quoted);
  });
});

describe('renderUnitFile', () => {
  it('runs the agent with no --root in production and waits longer than its stop bound', () => {
    const unit = renderUnitFile({ agentCommand: ['/usr/bin/node', '--lite-mode', '/opt/b/bin/baton-agent.js'], root: '', stopGraceMs: 20_000 });
    expect(unit).toContain('ExecStart=/usr/bin/node --lite-mode /opt/b/bin/baton-agent.js run\n');
    // 20 s grace + 5 s kill grace + 5 s settle, and 30 s of margin.
    expect(unit).toContain('TimeoutStopSec=60\n');
  });
});
