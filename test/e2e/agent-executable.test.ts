/**
 * End to end, the single-file agent on a host without Node.js: a coordinator installation beside the checkout
 * (serving a newer agent package), into which scripts/build-agent-executable.ts builds the executable, once; then
 * every command runs with a PATH that holds every command of this machine except `node`.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, REPO_ROOT } from '../harness/cluster.js';
import { isFinished, type DeploymentJson } from '../harness/deployments.js';
import { eventually, runCommand, startProcess, type CommandResult, type RunningProcess } from '../harness/processes.js';
import { writeRelease } from '../harness/versioned-agents.js';

const { version: VERSION } = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/agent/package.json'), 'utf8')) as { version: string };
const SERVED_PACKAGE_VERSION = `${VERSION}-e2e.exe`;
const EXECUTABLE_ROUTE = '/install/baton-agent-linux-x64';

let temp: string;
let cluster: Cluster;
let executable: string;
/** A PATH without node (see nodelessPath). */
let path: string;
const daemons: RunningProcess[] = [];

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'baton-executable-'));
  path = nodelessPath(join(temp, 'bin'));
  const release = join(temp, 'release');
  const coordinatorBin = writeRelease(release, SERVED_PACKAGE_VERSION);
  // The install script a release serves (GET /install/agent.sh) is this checkout's.
  mkdirSync(join(release, 'scripts'));
  symlinkSync(join(REPO_ROOT, 'scripts/install-agent.sh'), join(release, 'scripts/install-agent.sh'));
  cluster = await Cluster.start({ agents: 0, coordinatorBin });

  const missing = await fetch(`${cluster.url}${EXECUTABLE_ROUTE}`);
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ code: 'NOT_FOUND', message: expect.stringContaining('npm run build:agent-executable') });

  executable = join(release, 'packages/agent/dist-executable/baton-agent');
  const built = await runCommand(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, 'scripts/build-agent-executable.ts'), '--out', executable], {}, 120_000);
  if (built.exitCode !== 0) throw new Error(`the build failed (${built.exitCode}):\n${built.stdout}\n${built.stderr}`);
}, 180_000);

afterAll(async () => {
  await Promise.all(daemons.map((daemon) => daemon.kill('SIGKILL')));
  await cluster?.stop();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

/**
 * A directory of symlinks to every command in the usual bin directories except node and nodejs, the first of a name
 * winning as on a PATH: a host where Node.js was never installed, as far as any process here can tell.
 */
function nodelessPath(dir: string): string {
  mkdirSync(dir);
  const linked = new Set(['node', 'nodejs']);
  for (const from of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!existsSync(from)) continue;
    for (const name of readdirSync(from).filter((entry) => !linked.has(entry))) {
      symlinkSync(join(from, name), join(dir, name));
      linked.add(name);
    }
  }
  return dir;
}

const withoutNode = (command: string, args: readonly string[], timeoutMs?: number): Promise<CommandResult> =>
  runCommand(command, args, { PATH: path }, timeoutMs);

const agent = (...args: string[]): Promise<CommandResult> => withoutNode(executable, args);

/** A bundle that installs app/ under /srv/exe-app and whose hooks record, in the files root, that they ran without node. */
function writeExeBundle(dir: string): string {
  mkdirSync(join(dir, 'app'), { recursive: true });
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'app', 'index.html'), '<h1>single file</h1>\n');
  const hooks = ['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];
  writeFileSync(
    join(dir, 'appspec.yml'),
    ['version: 0.0', 'os: linux', 'files:', '  - source: app', '    destination: /srv/exe-app', 'hooks:', ...hooks.flatMap((hook) => [`  ${hook}:`, '    - location: scripts/hook.sh']), ''].join('\n'),
  );
  writeFileSync(
    join(dir, 'scripts', 'hook.sh'),
    '#!/bin/sh\necho "$LIFECYCLE_EVENT node=$(command -v node || echo none)" >> "$BATON_FILES_ROOT/hooks.log"\necho "ran $LIFECYCLE_EVENT"\n',
    { mode: 0o755 },
  );
  return dir;
}

const hooksRun = (filesRoot: string): string[] => readFileSync(join(filesRoot, 'hooks.log'), 'utf8').trim().split('\n');

describe('the single-file agent, on a host without Node.js', () => {
  it('prints its version, and nothing about an experimental feature', async () => {
    expect(await withoutNode('sh', ['-c', 'command -v node || echo none'])).toMatchObject({ stdout: 'none\n' });
    expect(await agent('--version')).toEqual({ exitCode: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('runs a local deployment of a bundle with hooks', async () => {
    const filesRoot = join(temp, 'local-files');
    mkdirSync(filesRoot);
    const bundle = writeExeBundle(join(temp, 'local-bundle'));

    const deployed = await agent('local-deploy', '--bundle', bundle, '--root', join(temp, 'local-root'), '--files-root', filesRoot);

    expect(deployed.exitCode, deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/ValidateService\s+Succeeded/);
    expect(deployed.stdout).toMatch(/: Succeeded\n/);
    expect(readFileSync(join(filesRoot, 'srv/exe-app/index.html'), 'utf8')).toBe('<h1>single file</h1>\n');
    expect(hooksRun(filesRoot)).toEqual(['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'].map((hook) => `${hook} node=none`));
  });

  it('enrolls, runs a deployment from the coordinator, shows status and logs, and refuses a fleet upgrade saying how it is upgraded', async () => {
    const root = join(temp, 'daemon-root');
    const filesRoot = join(temp, 'daemon-files');
    mkdirSync(filesRoot);
    const daemon = startProcess('executable agent', executable, [
      'run', '--coordinator', cluster.url, '--enroll-token', cluster.enrollToken, '--root', root, '--name', 'exe1', '--tags', 'role=exe', '--files-root', filesRoot,
    ], { PATH: path });
    daemons.push(daemon);
    await cluster.waitForOnlineHosts(1);
    await cluster.batonJson(['app', 'create', 'shop']);
    await cluster.batonJson(['group', 'create', 'shop', 'exe', '--tag', 'role=exe']);

    const { deploymentId } = await cluster.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'exe', '--bundle', writeExeBundle(join(temp, 'bundle'))]);
    const deployment = await eventually('the deployment to finish', async () => {
      const current = await cluster.batonJson<DeploymentJson>(['deployment', 'get', deploymentId]);
      return isFinished(current) ? current : undefined;
    });

    expect(deployment.status, daemon.output).toBe('Succeeded');
    expect(readFileSync(join(filesRoot, 'srv/exe-app/index.html'), 'utf8')).toBe('<h1>single file</h1>\n');
    expect(hooksRun(filesRoot)).toContain('ApplicationStart node=none');
    const status = await agent('status', '--root', root, '--json');
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ agentRunning: true, status: { agentVersion: VERSION, name: 'exe1', connection: { state: 'connected' } } });
    const logs = await agent('logs', '--root', root, '--deployment', deploymentId);
    expect(logs.stdout).toMatch(new RegExp(`${deploymentId} ApplicationStart \\[stdout\\] ran ApplicationStart`));

    const upgrade = await cluster.baton(['hosts', 'upgrade', '--json'], 60_000);
    expect((JSON.parse(upgrade.stdout) as { name: string; outcome: string; detail: string }[]).map((r) => [r.name, r.outcome, r.detail])).toEqual([
      ['exe1', 'refused', `this host runs the single-file agent (${executable}); upgrade it by running install-agent.sh again`],
    ]);
    expect(daemon.running).toBe(true);
  }, 120_000);

  it('install --root writes a unit that runs the executable itself; uninstall removes it', async () => {
    const root = join(temp, 'install-root');

    const installed = await agent('install', '--coordinator', cluster.url, '--enroll-token', cluster.enrollToken, '--root', root, '--name', 'exe2');

    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(installed.stdout).toContain(`or run the agent in the foreground: ${executable} run --root ${root}\n`);
    const unitFile = join(root, 'etc/systemd/system/baton-agent.service');
    const unit = readFileSync(unitFile, 'utf8');
    expect(unit).toContain(`\nExecStart=${executable} run --root ${root}\n`);
    expect(unit).not.toContain('ExecStartPre');
    expect((await runCommand('systemd-analyze', ['verify', unitFile])).stderr).toBe('');

    const uninstalled = await agent('uninstall', '--root', root, '--purge');
    expect(uninstalled.exitCode, uninstalled.stderr).toBe(0);
    expect(existsSync(unitFile)).toBe(false);
  });

  it('install-agent.sh installs the single-file agent from the coordinator when the host has no Node.js', async () => {
    const prefix = join(temp, 'opt');
    const root = join(temp, 'script-root');
    const script = `curl -fsSL "${cluster.url}/install/agent.sh" | sh -s -- --enroll-token "${cluster.enrollToken}" --name exe3 --root "${root}"`;

    const installed = await runCommand('sh', ['-c', script], { PATH: path, BATON_AGENT_PREFIX: prefix }, 60_000);

    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(installed.stdout).toContain("'node' is not on the PATH, so the single-file agent is installed");
    expect(installed.stdout).toContain('enrolled as h-');
    const installedAgent = join(prefix, 'baton-agent');
    expect(lstatSync(installedAgent).isFile()).toBe(true);
    expect(readFileSync(join(root, 'etc/systemd/system/baton-agent.service'), 'utf8')).toContain(`\nExecStart=${installedAgent} run --root ${root}\n`);
    expect(await withoutNode(installedAgent, ['--version'])).toMatchObject({ exitCode: 0, stdout: `${VERSION}\n` });
  });
});
