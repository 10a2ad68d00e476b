import type { SelfCheckReport } from '@baton/shared/protocol';
import type { AgentConfig } from '../config.js';
import type { Logger } from '../logging.js';

/** One scheduled round in the daemon: runs the upkeep, logs what it did, and returns the frame for the coordinator. */
export async function runUpkeepRound(config: AgentConfig, logger: Logger, now: Date): Promise<SelfCheckReport> {
  const { runUpkeep } = await import('./run-upkeep.js');
  const report = await runUpkeep(config, now);
  const problems = report.selfCheck.checks.filter((check) => check.status === 'failed').map((check) => `${check.name}: ${check.detail}`);
  const warnings = report.selfCheck.checks.filter((check) => check.status === 'warning').map((check) => `${check.name}: ${check.detail}`);
  const summary = { prunedRevisions: report.prunedRevisions, removedLogs: report.removedLogs, problems, warnings };
  if (problems.length > 0) logger.warn(summary, `upkeep done; self-check failed: ${problems.join('; ')}`);
  else logger.info(summary, 'upkeep done; self-check passed');
  return { type: 'self-check', at: report.at, healthy: problems.length === 0, problems };
}
