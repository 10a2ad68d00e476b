/**
 * Builds bundles of a small real web application for the strategy tests. ApplicationStart starts a node:http
 * server in the background on the host's `PORT` (given to each agent with `--env PORT=…`); it answers every
 * request with `{version, host}`. ApplicationStop stops it and waits until its port is free; ValidateService
 * passes once the server answers with this bundle's version. Every hook appends a line to `APP_DIR/hooks.log`.
 * The server's pid lives in `APP_DIR/web.pid`, outside the installed files, so the next revision's
 * ApplicationStop (and `stopWebApps` after a test) can find it.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_DIR, type TestAgent } from './cluster.js';

const HOOKS = [
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
  'ApplicationStop',
  'BeforeInstall',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;

const PID_FILE = `${APP_DIR}/web.pid`;

export interface WebBundleSpec {
  readonly version: string;
  /** A hook that exits non-zero (after logging its line). */
  readonly failAt?: (typeof HOOKS)[number];
}

/** The body every request gets. */
export interface WebAnswer {
  readonly version: string;
  readonly host: string;
}

export function writeWebBundle(dir: string, spec: WebBundleSpec): string {
  mkdirSync(join(dir, 'app'), { recursive: true });
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'app', 'version.txt'), `${spec.version}\n`);
  writeFileSync(
    join(dir, 'app', 'server.mjs'),
    [
      "import { createServer } from 'node:http';",
      `const body = JSON.stringify({ version: ${JSON.stringify(spec.version)}, host: process.env.BATON_E2E_HOST });`,
      "createServer((request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body))",
      "  .listen(Number(process.env.PORT), '127.0.0.1');",
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'app', 'validate.mjs'),
    [
      `const expected = ${JSON.stringify(spec.version)};`,
      'const deadline = Date.now() + 10_000;',
      'for (;;) {',
      '  const answer = await fetch(`http://127.0.0.1:${process.env.PORT}/`).then((r) => r.json(), () => undefined);',
      '  if (answer?.version === expected) process.exit(0);',
      '  if (Date.now() > deadline) {',
      '    console.error(`the server on port ${process.env.PORT} answers ${JSON.stringify(answer)}, not version ${expected}`);',
      '    process.exit(1);',
      '  }',
      '  await new Promise((resolve) => setTimeout(resolve, 50));',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'appspec.yml'),
    [
      'version: 0.0',
      'os: linux',
      'files:',
      '  - source: app',
      `    destination: ${APP_DIR}/app`,
      'file_exists_behavior: OVERWRITE',
      'hooks:',
      ...HOOKS.flatMap((hook) => [`  ${hook}:`, '    - location: scripts/hook.sh', '      timeout: 60']),
      '',
    ].join('\n'),
  );
  const node = process.execPath;
  const script = join(dir, 'scripts', 'hook.sh');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `echo "$LIFECYCLE_EVENT version=${spec.version} host=$BATON_E2E_HOST" >> ${APP_DIR}/hooks.log`,
      spec.failAt ? `if [ "$LIFECYCLE_EVENT" = "${spec.failAt}" ]; then echo "${spec.failAt} fails on purpose" >&2; exit 3; fi` : '',
      'case "$LIFECYCLE_EVENT" in',
      '  ApplicationStop)',
      `    if [ -f ${PID_FILE} ]; then`,
      `      pid=$(cat ${PID_FILE})`,
      '      kill "$pid" 2>/dev/null',
      '      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done',
      `      rm -f ${PID_FILE}`,
      '    fi ;;',
      '  ApplicationStart)',
      // All three descriptors redirected: a background process holding the hook's stdout would make the agent wait.
      `    nohup ${node} ${APP_DIR}/app/server.mjs > ${APP_DIR}/web.log 2>&1 < /dev/null &`,
      `    echo $! > ${PID_FILE} ;;`,
      '  ValidateService)',
      `    exec ${node} ${APP_DIR}/app/validate.mjs ;;`,
      'esac',
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return dir;
}

/** Kills the servers the bundles started: they outlive their agents, as applications do. */
export function stopWebApps(agents: readonly TestAgent[]): void {
  for (const agent of agents) {
    let pid: number;
    try {
      pid = Number(readFileSync(join(agent.appDir, 'web.pid'), 'utf8').trim());
    } catch {
      continue; // never started, or stopped by its last ApplicationStop
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
