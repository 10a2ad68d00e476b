/**
 * The single-file agent this coordinator serves (`GET /install/baton-agent-linux-x64`), for hosts without Node.js:
 * `npm run build:agent-executable` writes it beside the agent package, and only then is there one to serve. The
 * file is some 85 MB, so it is streamed from disk, never held in memory.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Where scripts/build-agent-executable.ts writes it, under the checkout (or unpacked release). */
export const AGENT_EXECUTABLE_FILE = 'packages/agent/dist-executable/baton-agent';

export interface AgentExecutable {
  readonly size: number;
  readonly open: () => ReadStream;
}

/** The executable of `repoRoot`, or undefined when it has not been built there. */
export async function findAgentExecutable(repoRoot: string): Promise<AgentExecutable | undefined> {
  const file = join(repoRoot, AGENT_EXECUTABLE_FILE);
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}`, { cause: error });
  });
  if (info === undefined || !info.isFile()) return undefined;
  return { size: info.size, open: () => createReadStream(file) };
}
