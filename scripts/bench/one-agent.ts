import { join } from 'node:path';
import { AgentProcess } from './agent-process.js';
import { coordinatorOutputTail, startCoordinator, stopCoordinator, type RunningCoordinator } from './coordinator-process.js';
import { waitForOnlineHosts } from './hosts.js';

/**
 * Runs `measure` against a real coordinator and ONE real agent (tagged `fleet=<name>`) once the agent is online.
 * On failure the tails of both outputs are logged; both processes are stopped whatever happens.
 */
export async function withOneAgent<T>(
  workDir: string,
  name: string,
  log: (line: string) => void,
  measure: (coordinator: RunningCoordinator, agent: AgentProcess) => Promise<T>,
): Promise<T> {
  const coordinator = await startCoordinator(join(workDir, `${name}-coordinator`));
  let agent: AgentProcess | undefined;
  try {
    agent = AgentProcess.start({
      url: coordinator.url,
      enrollToken: coordinator.enrollToken,
      root: join(workDir, `${name}-agent`),
      filesRoot: join(workDir, `${name}-files`),
      tags: `fleet=${name}`,
    });
    await waitForOnlineHosts(coordinator.api, 1, 20_000);
    return await measure(coordinator, agent);
  } catch (error) {
    log(`coordinator output:\n${coordinatorOutputTail(coordinator)}\nagent output:\n${agent?.process.output.slice(-2000) ?? ''}`);
    throw error;
  } finally {
    await agent?.stop();
    await stopCoordinator(coordinator);
  }
}
