import { pino } from 'pino';
import { deploymentRoutes } from '../http/routes/deployments.js';
import { EngineRunner } from '../runner/engine-runner.js';
import { seedDeploymentFixture, type DeploymentFixture, type DeploymentFixtureOptions } from './deployment-fixture.test-support.js';
import { FakeFleet } from './fake-fleet.test-support.js';
import { createTestApp, type TestApp, type TestAppOptions } from './test-app.test-support.js';

/** Test support: the HTTP app with the deployments API over a real runner, a seeded `web` application and its connected fleet. */
export interface DeploymentTestApp {
  readonly t: TestApp;
  readonly runner: EngineRunner;
  readonly fleet: FakeFleet;
  readonly web: DeploymentFixture;
}

export function createDeploymentTestApp(options: TestAppOptions & { readonly fixture?: DeploymentFixtureOptions } = {}): DeploymentTestApp {
  const fleet = new FakeFleet();
  let runner: EngineRunner | undefined;
  const t = createTestApp({
    ...options,
    // The runner needs the app's database, so it is built when the routes are mounted.
    routes: [
      (api, deps) => {
        runner = new EngineRunner(deps.db, fleet, pino({ level: 'silent' }), { eventTimeoutMs: 600_000, offlineEventTimeoutMs: 30_000 }, () =>
          deps.clock().getTime(),
        );
        fleet.attach(runner, () => deps.clock().getTime());
        deploymentRoutes(runner)(api, deps);
      },
    ],
  });
  if (!runner) throw new Error('the deployments routes were not mounted');
  const web = seedDeploymentFixture(t.db, t.now, options.fixture);
  for (const host of web.hosts) fleet.connect(host.id);
  return { t, runner, fleet, web };
}
