/**
 * What agent upgrades need end to end: agents installed the way scripts/install-agent.sh installs them
 * (`<prefix>/versions/<v>`, `current`, then `baton-agent install`, which adds `<prefix>/launcher.mjs`) and run by
 * their launcher, as systemd would run them; and coordinator installations beside the checkout that serve an agent
 * package of another version, made from the checkout's own build.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from 'tar';
import { buildAgentPackage, type AgentPackage } from '../../packages/coordinator/src/install/agent-package.js';
import { REPO_ROOT, TestAgent, type Cluster } from './cluster.js';
import { runCommand } from './processes.js';

/** Where an agent's versions live, under its `--root`. */
export const AGENT_PREFIX = 'opt/baton-agent';

/**
 * Writes (or rewrites) at `dir` a coordinator installation whose agent package is the checkout's built agent with
 * `version`; a `broken` agent exits at start, before it could ever connect. Returns its bin/baton.js.
 */
export function writeRelease(dir: string, version: string, { broken = false } = {}): string {
  rmSync(dir, { recursive: true, force: true });
  for (const workspace of ['agent', 'shared', 'coordinator']) {
    for (const part of ['package.json', 'bin', 'dist']) {
      const from = join(REPO_ROOT, 'packages', workspace, part);
      if (existsSync(from)) cpSync(from, join(dir, 'packages', workspace, part), { recursive: true });
    }
  }
  // The dashboard's static files are read from src/; modules from the checkout's node_modules.
  symlinkSync(join(REPO_ROOT, 'packages/coordinator/src'), join(dir, 'packages/coordinator/src'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const manifestFile = join(dir, 'packages/agent/package.json');
  writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(readFileSync(manifestFile, 'utf8')), version }, null, 2));
  if (broken) writeFileSync(join(dir, 'packages/agent/dist/cli/main.js'), "process.stderr.write('broken on purpose\\n');\nprocess.exit(1);\n");
  return join(dir, 'packages/coordinator/bin/baton.js');
}

/** The checkout's agent package, built once for every agent a test installs. */
let checkoutPackage: Promise<AgentPackage> | undefined;

/**
 * Installs the checkout's agent as version `<its version>` under a new agent root in the cluster's directory,
 * enrolls it with `baton-agent install`, and starts it through its launcher (not waiting for it to connect).
 */
export async function startVersionedAgent(cluster: Cluster, name: string, enrollToken: string, tags: string): Promise<TestAgent> {
  const root = join(cluster.dir, 'agents', name);
  const prefix = join(root, AGENT_PREFIX);
  const built = await (checkoutPackage ??= buildAgentPackage(REPO_ROOT));
  const versionDir = join(prefix, 'versions', built.version);
  mkdirSync(versionDir, { recursive: true });
  const packageFile = join(prefix, 'agent.tgz');
  writeFileSync(packageFile, built.bytes);
  await extract({ file: packageFile, cwd: versionDir });
  rmSync(packageFile);
  symlinkSync(join('versions', built.version), join(prefix, 'current'));

  const installed = await runCommand(process.execPath, [
    join(prefix, 'current/packages/agent/bin/baton-agent.js'), 'install', '--coordinator', cluster.url, '--enroll-token', enrollToken,
    '--root', root, '--name', name, '--tags', tags,
  ]);
  if (installed.exitCode !== 0) throw new Error(`baton-agent install failed (${installed.exitCode}):\n${installed.stdout}\n${installed.stderr}`);

  const appDir = join(root, 'app-dir');
  mkdirSync(appDir, { recursive: true });
  const agent = new TestAgent(name, root, appDir, ['--root', root, '--env', `BATON_E2E_HOST=${name}`], [join(prefix, 'launcher.mjs'), 'run']);
  agent.start();
  return agent;
}

/**
 * Stops a launched agent as systemd would: SIGTERM to the launcher, which passes it on and ends with the agent.
 * Whatever is still running after `graceMs` (the launcher and its agent, by pid) is killed.
 */
export async function stopLaunchedAgent(agent: TestAgent, graceMs = 30_000): Promise<void> {
  const launcher = agent.process;
  if (!launcher?.running) return;
  launcher.child.kill('SIGTERM');
  const stopped = await Promise.race([launcher.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs))]);
  if (stopped) return;
  for (const pid of childPids(launcher.pid)) process.kill(pid, 'SIGKILL');
  await launcher.kill('SIGKILL');
}

function childPids(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
}
