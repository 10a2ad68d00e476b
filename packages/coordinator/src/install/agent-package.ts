/**
 * The agent package this coordinator serves (`GET /install/agent.tgz`), so that hosts install and upgrade the
 * agent without any package registry: the built `packages/agent` and `packages/shared` of this installation and
 * every module they need from `node_modules`, as one tgz laid out like the checkout
 * (`packages/agent/bin/baton-agent.js` runs from its root). Built from the files on disk, which change only when
 * the coordinator itself is upgraded, so one build serves every request of a process.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { create as createTar } from 'tar';

export interface AgentPackage {
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly version: string;
}

/** What of each workspace package a host runs; sources, tests and build info stay behind. */
const WORKSPACE_FILES = ['package.json', 'bin', 'dist'] as const;
const AGENT_WORKSPACES = ['packages/agent', 'packages/shared'] as const;
/** How the agent finds @baton/shared: npm's workspace symlink, kept as a symlink. */
const WORKSPACE_LINKS = ['node_modules/@baton/shared'] as const;

export async function buildAgentPackage(repoRoot: string): Promise<AgentPackage> {
  const workspaceFiles = AGENT_WORKSPACES.flatMap((workspace) =>
    WORKSPACE_FILES.map((file) => join(workspace, file)).filter((path) => existsSync(join(repoRoot, path))),
  );
  if (!existsSync(join(repoRoot, 'packages/agent/dist/cli/main.js'))) {
    throw new Error(`${repoRoot}/packages/agent/dist is not built: run npm run build`);
  }
  const modules = collectModuleDirs(repoRoot, AGENT_WORKSPACES.map((workspace) => join(repoRoot, workspace)));
  const chunks: Buffer[] = [];
  const stream = createTar(
    {
      gzip: true,
      cwd: repoRoot,
      portable: true,
      // Build info and source maps are of no use on a host.
      filter: (path) => !path.endsWith('.tsbuildinfo') && !path.endsWith('.map'),
    },
    [...workspaceFiles, ...WORKSPACE_LINKS, ...modules.map((dir) => relative(repoRoot, dir))],
  );
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'packages/agent/package.json'), 'utf8')) as { version: string };
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), version };
}

/**
 * Every `node_modules` directory the packages in `fromDirs` need at run time (dependencies and optional
 * dependencies, transitively), resolved the way Node does: the nearest `node_modules` going up.
 */
export function collectModuleDirs(repoRoot: string, fromDirs: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (packageDir: string): void => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      const dir = resolveModuleDir(repoRoot, packageDir, name);
      if (dir === undefined) {
        if (manifest.optionalDependencies?.[name] !== undefined) continue;
        throw new Error(`${name}, needed by ${relative(repoRoot, packageDir) || 'the root'}, is not installed`);
      }
      if (found.has(dir)) continue;
      found.add(dir);
      visit(dir);
    }
  };
  for (const dir of fromDirs) visit(dir);
  return [...found].sort();
}

function resolveModuleDir(repoRoot: string, fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === repoRoot || dir === dirname(dir)) return undefined;
  }
}
