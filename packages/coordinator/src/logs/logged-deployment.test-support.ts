import type { OutputStream } from '@baton/shared';
import { pino } from 'pino';
import { deploymentLogRoutes } from '../http/routes/deployment-logs.js';
import { deploymentRoutes } from '../http/routes/deployments.js';
import { EngineRunner } from '../runner/engine-runner.js';
import { seedDeploymentFixture, type DeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { FakeFleet, type Received } from '../testing/fake-fleet.test-support.js';
import { readJson } from '../testing/read-json.test-support.js';
import { createTestApp, type TestApp } from '../testing/test-app.test-support.js';
import { HookOutputLog } from './hook-output-log.js';

/**
 * Test support: the HTTP app with the deployments and logs APIs over a real runner and a real SQLite file, a
 * seeded `web` application (3 hosts, AllAtOnce) whose fleet is connected, and hosts that can say lines.
 */
export interface LoggedDeploymentApp {
  readonly t: TestApp;
  readonly runner: EngineRunner;
  readonly fleet: FakeFleet;
  readonly web: DeploymentFixture;
  readonly logs: HookOutputLog;
  /** Starts a deployment of the group's first revision through the API; returns its id. */
  deploy(): Promise<string>;
  /**
   * Records lines of a delivered command's output as the gateway would on a frame from `from` (its own host by
   * default); returns whether the frame was accepted. Lines are numbered per command, like an agent does.
   */
  say(received: Received, texts: readonly string[], options?: { stream?: OutputStream; from?: string }): boolean;
  close(): void;
}

export function createLoggedDeploymentApp(options: { heartbeatMs?: number } = {}): LoggedDeploymentApp {
  const fleet = new FakeFleet();
  const silent = pino({ level: 'silent' });
  let mounted: { runner: EngineRunner; logs: HookOutputLog } | undefined;
  const t = createTestApp({
    routes: [
      (api, deps) => {
        const runner = new EngineRunner(deps.db, fleet, silent, { eventTimeoutMs: 600_000, offlineEventTimeoutMs: 30_000 }, () =>
          deps.clock().getTime(),
        );
        fleet.attach(runner, () => deps.clock().getTime());
        const logs = new HookOutputLog(deps.db, silent);
        deploymentRoutes(runner)(api, deps);
        deploymentLogRoutes(runner, logs, options)(api, deps);
        mounted = { runner, logs };
      },
    ],
  });
  if (!mounted) throw new Error('the routes were not mounted');
  const { runner, logs } = mounted;
  const web = seedDeploymentFixture(t.db, t.now, { deploymentConfig: 'AllAtOnce' });
  for (const host of web.hosts) fleet.connect(host.id);
  const numbered = new Map<string, number>();

  return {
    t,
    runner,
    fleet,
    web,
    logs,
    async deploy() {
      const response = await t.api('/api/v1/deployments', {
        method: 'POST',
        json: { applicationName: 'web', deploymentGroupName: 'prod', revisionId: web.revisions[0]!.id },
      });
      return (await readJson<{ deploymentId: string }>(response)).deploymentId;
    },
    say({ hostId, command }, texts, { stream = 'stdout', from = hostId } = {}) {
      const seq = numbered.get(command.commandId) ?? 0;
      numbered.set(command.commandId, seq + texts.length);
      const at = t.now.toISOString();
      return logs.record(from, { type: 'hook-output', commandId: command.commandId, seq, lines: texts.map((text) => ({ stream, text, at })) });
    },
    close() {
      runner.close();
      t.cleanup();
    },
  };
}
