import { readFileSync } from 'node:fs';

/** The agent's version, from packages/agent/package.json (one level above both src/ and dist/). */
export function readAgentVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('packages/agent/package.json has no version');
  return manifest.version;
}
