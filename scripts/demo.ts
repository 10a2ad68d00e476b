/**
 * `npm run demo`: a coordinator on a temporary data dir (embedded SQLite), three local agents, an
 * application and a group, and a one-host-at-a-time deployment of examples/hello-web with live progress.
 * Runs without root: the agents use the development-only --files-root so /opt/hello-web lands in a folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const baton = join(repo, 'packages/coordinator/bin/baton.js');
const batonAgent = join(repo, 'packages/agent/bin/baton-agent.js');
const AGENTS = 3;

const dir = mkdtempSync(join(tmpdir(), 'baton-demo-'));
const children: ChildProcess[] = [];

function say(text: string): void {
  process.stdout.write(`\x1b[1m${text}\x1b[0m\n`);
}

function freePort(preferred = 0): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(freePort(0)));
    server.listen(preferred, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function start(label: string, args: string[], logFile: string): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.on('exit', (code) => {
    if (code !== null && code !== 0 && !stopping) process.stderr.write(`${label} exited with ${code}:\n${log.join('')}\n(see ${logFile})\n`);
  });
  children.push(child);
  return child;
}

function cli(env: NodeJS.ProcessEnv, args: string[], inherit = false): string {
  const result = spawnSync(process.execPath, [baton, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: inherit ? 'inherit' : 'pipe' });
  if (result.status !== 0) {
    if (!inherit) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(`baton ${args.join(' ')} failed`);
  }
  return result.stdout ?? '';
}

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = check();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let stopping = false;
function stopAll(): void {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  // The hello-web servers were started by hooks and outlive their agents, as applications should.
  for (let i = 1; i <= AGENTS; i++) {
    const pidFile = join(dir, 'agents', `web${i}`, 'files/opt/hello-web.pid');
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')));
      } catch {
        // already gone
      }
    }
  }
}

async function main(): Promise<void> {
  const port = await freePort(7070);
  const url = `http://127.0.0.1:${port}`;
  say(`Starting a coordinator on ${url} (data in ${dir}/coordinator)`);
  start('coordinator', [baton, 'server', '--data-dir', join(dir, 'coordinator'), '--listen', `127.0.0.1:${port}`, '--heartbeat-interval', '2s'], join(dir, 'coordinator'));
  const tokenFile = join(dir, 'coordinator', 'admin-token');
  const token = await waitFor('the admin token', () => (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined));
  const env = { BATON_URL: url, BATON_TOKEN: token };
  await waitFor('the coordinator to answer', () => cli(env, ['hosts', 'list', '--json']));

  const { token: enrollToken } = JSON.parse(cli(env, ['enroll-token', 'create', '--json'])) as { token: string };
  const appPorts: number[] = [];
  for (let i = 1; i <= AGENTS; i++) {
    const root = join(dir, 'agents', `web${i}`);
    mkdirSync(join(root, 'files'), { recursive: true });
    const appPort = await freePort(8080 + i);
    appPorts.push(appPort);
    say(`Starting agent web${i} (root ${root}, hello-web on port ${appPort})`);
    start(`agent web${i}`, [
      batonAgent, 'run', '--coordinator', url, '--enroll-token', enrollToken, '--root', root, '--name', `web${i}`,
      '--tags', `role=web,zone=zone-${i}`, '--files-root', join(root, 'files'),
      '--env', `PORT=${appPort}`, '--env', `BATON_DEMO_HOST=web${i}`,
    ], join(root, 'var/log/baton/agent.log'));
  }
  await waitFor('three agents online', () => {
    const hosts = JSON.parse(cli(env, ['hosts', 'list', '--json'])) as { online: boolean }[];
    return hosts.filter((h) => h.online).length >= AGENTS ? true : undefined;
  });
  process.stdout.write(cli(env, ['hosts', 'list']));

  say('\nCreating application "hello" and deployment group "web" (hosts tagged role=web, one at a time)');
  cli(env, ['app', 'create', 'hello']);
  cli(env, ['group', 'create', 'hello', 'web', '--tag', 'role=web', '--config', 'CodeDeployDefault.OneAtATime', '--auto-rollback']);

  say('\nDeploying examples/hello-web, one host at a time:');
  cli(env, ['deploy', 'hello', 'web', '--bundle', join(repo, 'examples/hello-web'), '--wait'], true);

  say('\nhello-web is running on every host:');
  for (const appPort of appPorts) {
    const body = await fetch(`http://127.0.0.1:${appPort}/`).then((r) => r.text(), (e: unknown) => `unreachable: ${String(e)}`);
    process.stdout.write(`  http://127.0.0.1:${appPort}/  →  ${body}`);
  }
  say('\nLook around (in another terminal):');
  process.stdout.write(
    [
      `  export BATON_URL=${url} BATON_TOKEN=${token}`,
      '  npx baton deployment list',
      '  npx baton deployment get <deployment-id>',
      '  npx baton hosts list',
      '  npx baton logs <deployment-id>                                    # every host\'s hook output',
      '  npx baton deploy hello web --bundle examples/hello-web --wait     # deploy again (runs the old ApplicationStop first)',
      `  open ${url}/ui and sign in with the token above                   # the dashboard`,
      `  cat ${dir}/agents/web1/var/lib/baton-agent/deployment-root/*/*/logs/scripts.log   # hook output`,
      `  cat ${dir}/agents/web1/var/log/baton/agent.log                                   # agent log`,
      '',
      'Press Ctrl-C to stop the coordinator, the agents and the hello-web servers.',
      '',
    ].join('\n'),
  );
  // `npm run demo -- --once` stops here (used to check the demo itself).
  if (process.argv.includes('--once')) return stopAll();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  stopAll();
  say(`\nStopped. The demo's files stay in ${dir}.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  stopAll();
  process.exitCode = 1;
});
