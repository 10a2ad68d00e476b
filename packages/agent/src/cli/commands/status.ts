/** `baton-agent status [--json]`: reads what the agent left on disk; works whether the agent runs or not. */
import { resolveLayout } from '../../layout.js';
import { collectStatus } from '../../status/collect-status.js';
import { formatStatus } from '../../status/format-status.js';

export async function status(flags: { root?: string; json?: boolean }): Promise<void> {
  const report = await collectStatus(resolveLayout(flags.root ?? ''));
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report, new Date()));
  // Scripts can test `baton-agent status >/dev/null` for a running agent.
  if (!report.agentRunning) process.exitCode = 3;
}
