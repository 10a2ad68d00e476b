/**
 * The per-host ledger of the chaos bundles: every hook script appends one line `DEPLOYMENT_ID EVENT VERSION`
 * to `APP_DIR/ledger.log` as it starts. The file lives outside the installed files, so installs, cleanups
 * and rollbacks never touch it, and each agent sees its own copy (its mount namespace). Counting lines per
 * deployment and event tells whether a host ever ran an event twice.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APP_DIR, type TestAgent } from './cluster.js';

const LEDGER_NAME = 'ledger.log';

/** The shell line a hook script runs first; `version` is the bundle's, fixed when the bundle is written. */
export const appendToLedger = (version: string): string =>
  `echo "$DEPLOYMENT_ID $LIFECYCLE_EVENT ${version}" >> ${APP_DIR}/${LEDGER_NAME}`;

export interface LedgerEntry {
  readonly deploymentId: string;
  readonly event: string;
  readonly version: string;
}

export function readLedger(agent: TestAgent): LedgerEntry[] {
  if (!existsSync(join(agent.appDir, LEDGER_NAME))) return [];
  return agent
    .read(LEDGER_NAME)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [deploymentId = '', event = '', version = ''] = line.split(' ');
      return { deploymentId, event, version };
    });
}

/** `host deployment event ×n` for every event a host ran more than once; empty when none did. */
export function eventsRunTwice(agents: readonly TestAgent[]): string[] {
  return agents.flatMap((agent) => {
    const counts = new Map<string, number>();
    for (const { deploymentId, event } of readLedger(agent)) {
      const key = `${deploymentId} ${event}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].filter(([, count]) => count > 1).map(([key, count]) => `${agent.name} ${key} ×${count}`);
  });
}
