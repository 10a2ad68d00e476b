/**
 * Variables and secrets of a deployment reaching a real hook script: the script sees the values, while
 * scripts.log, the result's log tail and the live output lines show `****` in place of every secret.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentContext, LifecycleEventName, OutputLine, RunEvent } from '@baton/shared';
import { parseAgentConfig } from '../config.js';
import { FakeCoordinator } from '../fake-coordinator.test-support.js';
import { runHookScripts } from '../hooks/index.js';
import { deploymentDirs } from '../layout.js';
import { buildTgzBundle, deploymentOf } from '../test-bundle.test-support.js';
import { executeEvent } from './execute-event.js';
import type { ExecutorContext } from './executor-context.js';

const PASSWORD = 'correct-horse-battery';
const CERTIFICATE = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----';

const SCRIPT = [
  '#!/bin/sh',
  'printf "%s" "$DB_PASSWORD" > "$OUT/password"',
  'echo "region=$REGION port=$PORT tier=$TIER"',
  'echo "connecting with password $DB_PASSWORD"',
  'echo "$TLS_KEY" >&2',
].join('\n');

describe('a hook with deployment variables and secrets', () => {
  let temp: string;
  let coordinator: FakeCoordinator;
  let context: ExecutorContext;
  let deployment: DeploymentContext;

  beforeEach(async () => {
    temp = await mkdtemp(join(tmpdir(), 'baton-hook-secrets-'));
    coordinator = await FakeCoordinator.start();
    const config = parseAgentConfig({
      flags: { coordinator: coordinator.url, root: join(temp, 'root'), filesRoot: join(temp, 'files'), env: ['PORT=8443', `OUT=${temp}`] },
      file: undefined,
      fileName: 'agent.yml',
      hostname: 'h',
    });
    if (!config.ok) throw new Error(config.error.join('; '));
    context = { config: config.value, credential: 'h-test.credential-secret', logger: pino({ level: 'silent' }) };

    const bundle = await buildTgzBundle({
      'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: start.sh\n',
      'start.sh': SCRIPT,
    });
    coordinator.revisions.set(bundle.sha256, bundle.bytes);
    deployment = deploymentOf('d-1', bundle);
    for (const event of ['DownloadBundle', 'Install'] as const) {
      expect((await executeEvent(command(event), context)).status).toBe('Succeeded');
    }
  });
  afterEach(async () => {
    await coordinator.close();
    await rm(temp, { recursive: true, force: true });
  });

  const command = (event: LifecycleEventName): RunEvent => ({
    type: 'run-event',
    commandId: `c-${event}`,
    event,
    deployment,
    // As the coordinator sends them: the group's TIER already overrides the application's.
    variables: { REGION: 'eu-west', PORT: '8080', TIER: 'group' },
    secrets: { DB_PASSWORD: PASSWORD, TLS_KEY: CERTIFICATE },
  });

  it('gives the script the values, and shows **** for each secret in scripts.log and the result', async () => {
    const outcome = await executeEvent(command('ApplicationStart'), context);

    expect(outcome.status).toBe('Succeeded');
    expect(await readFile(join(temp, 'password'), 'utf8')).toBe(PASSWORD);
    const log = await readFile(deploymentDirs(context.config.layout.deploymentRoot, 'dg-1', 'd-1').scriptsLog, 'utf8');
    for (const text of [log, outcome.diagnostics.logTail]) {
      expect(text).toContain('[stdout]region=eu-west port=8443 tier=group'); // the host's --env wins over the deployment's
      expect(text).toContain('[stdout]connecting with password ****');
      expect(text).toContain('[stderr]****\n');
      expect(text).not.toContain(PASSWORD);
      for (const line of CERTIFICATE.split('\n')) expect(text).not.toContain(line);
    }
  });

  it('masks the secrets in the lines streamed live as well', async () => {
    const bundleRoot = join(temp, 'live');
    const lines: OutputLine[] = [];
    await mkdir(bundleRoot);
    await writeFile(join(bundleRoot, 'talk.sh'), `#!/bin/sh\necho "token $TOKEN"\n`, { mode: 0o755 });
    const outcome = await runHookScripts({
      event: 'ValidateService',
      scripts: [{ location: 'talk.sh', timeoutSeconds: 10 }],
      bundleDir: bundleRoot,
      env: { TOKEN: PASSWORD },
      secrets: [PASSWORD],
      logFile: join(temp, 'live.log'),
      onOutput: (line) => lines.push(line),
    });
    expect(outcome.status).toBe('Succeeded');
    expect(lines).toContainEqual(expect.objectContaining({ stream: 'stdout', text: 'token ****' }));
  });
});
