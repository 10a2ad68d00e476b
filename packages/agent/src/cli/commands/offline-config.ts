import { hostname } from 'node:os';
import type { Result } from '@baton/shared/result';
import { loadAgentConfig, type AgentConfig, type AgentFlags } from '../../config.js';

/**
 * The configuration for commands that work on this host without talking to the coordinator (local-deploy,
 * upkeep): agent.yml's settings apply (env, files-root, max-revisions, …), but its coordinator is not used, so a
 * placeholder stands in and a host that was never enrolled works too.
 */
export function loadOfflineConfig(flags: Pick<AgentFlags, 'root' | 'filesRoot'>): Promise<Result<AgentConfig, string[]>> {
  return loadAgentConfig({ ...flags, coordinator: 'http://localhost' }, hostname());
}
