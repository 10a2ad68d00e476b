/**
 * `baton-agent upkeep`: one round now (what the daemon runs on `upkeep-schedule`); exit code 1 when the
 * self-check failed. `--next-run EXPR` only prints the next time EXPR fires (see upkeep/next-run.ts).
 */
import { nextRunAfter } from '../../upkeep/next-run.js';
import { runUpkeep } from '../../upkeep/run-upkeep.js';
import { loadOfflineConfig } from './offline-config.js';
import { failUsage } from './usage.js';

export async function upkeep(flags: { root?: string; json?: boolean; nextRun?: string }): Promise<void> {
  if (flags.nextRun !== undefined) {
    const next = await nextRunAfter(flags.nextRun);
    if (!next.ok) return failUsage([next.error]);
    process.stdout.write(`${next.value.toISOString()}\n`);
    return;
  }
  const config = await loadOfflineConfig({ root: flags.root });
  if (!config.ok) return failUsage(config.error);
  const report = await runUpkeep(config.value, new Date());
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const path of report.prunedRevisions) process.stdout.write(`removed revision ${path}\n`);
    for (const path of report.removedLogs) process.stdout.write(`removed log ${path}\n`);
    for (const check of report.selfCheck.checks) process.stdout.write(`${check.status.padEnd(7)} ${check.name}: ${check.detail}\n`);
    process.stdout.write(`self-check ${report.selfCheck.healthy ? 'passed' : 'FAILED'}\n`);
  }
  if (!report.selfCheck.healthy) process.exitCode = 1;
}
