/**
 * Installing agents from the coordinator itself (no registry, no admin token: the enrollment token the operator
 * passes to the script is what admits a host):
 * - `GET /install/agent.sh`: scripts/install-agent.sh with this coordinator's URL filled in, for
 *   `curl -fsSL URL/install/agent.sh | sudo sh -s -- --enroll-token TOKEN`;
 * - `GET /install/agent.tgz`: the agent package (install/agent-package.ts), with its version and sha256;
 * - `GET /install/baton-agent-linux-x64`: the single-file agent (install/agent-executable.ts), for hosts without
 *   Node.js; 404 NOT_FOUND, saying how to build it, until it is built.
 */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { AGENT_EXECUTABLE_FILE, findAgentExecutable } from '../../install/agent-executable.js';
import { buildAgentPackage, type AgentPackage } from '../../install/agent-package.js';
import { ApiError } from '../errors.js';
import type { AppDeps } from '../route-module.js';

/** The checkout (or unpacked release) this coordinator runs from: four levels above src/http/routes and dist/http/routes. */
const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const URL_PLACEHOLDER = '__BATON_COORDINATOR_URL__';

export const InstallPaths = {
  script: '/install/agent.sh',
  agentPackage: '/install/agent.tgz',
  agentExecutable: '/install/baton-agent-linux-x64',
} as const;

const builds = new Map<string, Promise<AgentPackage>>();

/**
 * The agent package of `repoRoot`, built once per process (the files change only when the coordinator is upgraded).
 * A failed build is not cached: fixing the installation (npm run build) fixes the next request.
 */
export async function loadAgentPackage(logger: AppDeps['logger'], repoRoot = REPO_ROOT): Promise<AgentPackage> {
  let build = builds.get(repoRoot);
  if (build === undefined) {
    build = buildAgentPackage(repoRoot).then((built) => {
      logger.info({ version: built.version, bytes: built.bytes.length }, 'agent package built');
      return built;
    });
    builds.set(repoRoot, build);
  }
  return build.catch((error: unknown) => {
    builds.delete(repoRoot);
    throw error;
  });
}

export function mountInstallRoutes(app: Hono, { logger }: Pick<AppDeps, 'logger'>, repoRoot = REPO_ROOT): void {
  app.get(InstallPaths.script, async (c) => {
    const script = await readFile(`${repoRoot}/scripts/install-agent.sh`, 'utf8');
    // The URL the operator reached us by is the one hosts can reach too (behind a proxy, its public one).
    const origin = new URL(c.req.url).origin;
    return c.body(script.replaceAll(URL_PLACEHOLDER, origin), 200, { 'Content-Type': 'text/x-shellscript; charset=utf-8' });
  });

  app.get(InstallPaths.agentPackage, async (c) => {
    const built = await loadAgentPackage(logger, repoRoot);
    return c.body(new Uint8Array(built.bytes), 200, {
      'Content-Type': 'application/gzip',
      'Content-Length': String(built.bytes.length),
      ETag: `"${built.sha256}"`,
      'X-Baton-Agent-Version': built.version,
    });
  });

  app.get(InstallPaths.agentExecutable, async (c) => {
    const executable = await findAgentExecutable(repoRoot);
    if (executable === undefined) {
      throw new ApiError(
        404,
        'NOT_FOUND',
        `this coordinator has no single-file agent: build it with \`npm run build:agent-executable\` in ${repoRoot} (it becomes ${AGENT_EXECUTABLE_FILE}), or install Node.js 20+ on the host`,
      );
    }
    return c.body(Readable.toWeb(executable.open()) as unknown as ReadableStream<Uint8Array>, 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(executable.size),
    });
  });
}
