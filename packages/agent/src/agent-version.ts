import { readFileSync } from 'node:fs';

/** Defined by the single-file executable's build (see agent-form.ts), which has no package.json beside it. */
declare const BATON_AGENT_VERSION: string | undefined;

/** The agent's version: packages/agent/package.json's (one level above both src/ and dist/), or the build's. */
export function readAgentVersion(): string {
  if (typeof BATON_AGENT_VERSION === 'string') return BATON_AGENT_VERSION;
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('packages/agent/package.json has no version');
  return manifest.version;
}
