/**
 * `baton-agent local-deploy`: runs the lifecycle on this host from a local bundle, with no coordinator, printing
 * each event as it ends and where the logs are. Exit code 0 when every event succeeded, 1 when one failed, 2 for
 * bad flags or configuration.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FileExistsBehavior } from '@baton/shared';
import { selectLocalEvents } from '../../local-deploy/local-events.js';
import { chooseLocalBundleType } from '../../local-deploy/local-bundle-source.js';
import { runLocalDeployment, type LocalEventReport } from '../../local-deploy/run-local-deployment.js';
import { createAgentLogger } from '../../logging.js';
import { loadOfflineConfig } from './offline-config.js';
import { failUsage } from './usage.js';

export interface LocalDeployFlags {
  bundle: string;
  bundleType?: string;
  events?: string;
  fileExistsBehavior?: string;
  applicationName?: string;
  groupName: string;
  root?: string;
  filesRoot?: string;
}

export async function localDeploy(flags: LocalDeployFlags): Promise<void> {
  const bundle = resolve(flags.bundle);
  const info = await stat(bundle).catch(() => undefined);
  if (info === undefined) return failUsage([`--bundle: ${bundle} does not exist`]);
  const problems: string[] = [];
  const bundleType = chooseLocalBundleType(bundle, info.isDirectory(), flags.bundleType);
  if (!bundleType.ok) problems.push(bundleType.error);
  const events = selectLocalEvents(flags.events);
  if (!events.ok) problems.push(...events.error);
  const behavior = FileExistsBehavior.optional().safeParse(flags.fileExistsBehavior);
  if (!behavior.success) problems.push(`--file-exists-behavior: expected DISALLOW, OVERWRITE or RETAIN`);
  const config = await loadOfflineConfig({ root: flags.root, filesRoot: flags.filesRoot });
  if (!config.ok) problems.push(...config.error);
  if (!bundleType.ok || !events.ok || !behavior.success || !config.ok) return failUsage(problems);

  const logger = createAgentLogger({ file: config.value.layout.logFile, stderrLevel: 'warn' });
  process.stdout.write(`local deployment of ${bundle} (${bundleType.value}), group ${flags.groupName}\n`);
  const result = await runLocalDeployment({
    bundle,
    bundleType: bundleType.value,
    events: events.value,
    applicationName: flags.applicationName ?? bundle,
    groupName: flags.groupName,
    ...(behavior.data === undefined ? {} : { fileExistsBehavior: behavior.data }),
    config: config.value,
    logger,
    onEvent: (report) => {
      if (report.status !== undefined) process.stdout.write(formatEventLine(report));
    },
  });
  process.stdout.write(
    `${result.deploymentId}: ${result.succeeded ? 'Succeeded' : 'Failed'}\n` +
      `  scripts log: ${result.scriptsLog}\n  agent log:   ${config.value.layout.logFile}\n`,
  );
  if (!result.succeeded) process.exitCode = 1;
}

const EVENT_COLUMN = 'BeforeAllowTraffic'.length;

/** `  Install           Succeeded (0.1s)`, with the reason and the log tail of a failure. */
export function formatEventLine({ event, status, durationMs, diagnostics }: LocalEventReport): string {
  const took = durationMs === undefined ? '' : ` (${(durationMs / 1000).toFixed(1)}s)`;
  const head = `  ${event.padEnd(EVENT_COLUMN)}  ${status ?? 'InProgress'}${took}`;
  if (status !== 'Failed' || diagnostics === undefined) return `${head}\n`;
  const tail = diagnostics.logTail
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .slice(-10)
    .map((line) => `    | ${line}\n`)
    .join('');
  return `${head}: ${diagnostics.errorCode}: ${diagnostics.message}\n${tail}`;
}
